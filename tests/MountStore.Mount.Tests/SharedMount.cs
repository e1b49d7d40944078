namespace MountStore.Mount.Tests;

/// <summary>One read-only mount of the fixture container, shared by the tests that only read it.</summary>
public sealed class SharedMount : IAsyncLifetime
{
    private MountProcess? _mount;

    public MountProcess Mount => _mount ?? throw new InvalidOperationException("not mounted");

    public string Root => Mount.Directory;

    public async Task InitializeAsync()
    {
        await E2ETree.EnsureAsync();
        _mount = await MountProcess.StartAsync($"swift://{E2ETree.Container}", MountProcess.SwiftEnvironment, "--read-only");
    }

    public async Task DisposeAsync()
    {
        if (_mount is not null)
            await _mount.DisposeAsync();
    }
}

/// <summary>Mount tests run one class at a time: they share the server's CPU, and timing-free but heavy reads should not pile up.</summary>
[CollectionDefinition(Name)]
public sealed class MountCollection : ICollectionFixture<SharedMount>
{
    public const string Name = "mount";
}
