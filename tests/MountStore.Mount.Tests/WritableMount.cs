using MountStore.Testing;

namespace MountStore.Mount.Tests;

/// <summary>One read-write mount of a container of its own, for the write tests of a class.</summary>
public abstract class WritableMount(string container, bool s3) : IAsyncLifetime
{
    private MountProcess? _mount;

    public string Container { get; } = container;

    public MountProcess Mount => _mount ?? throw new InvalidOperationException("not mounted");

    public string Root => Mount.Directory;

    public async Task InitializeAsync()
    {
        await LocalSwiftServer.CreateContainerAsync(Container);
        _mount = s3
            ? await MountProcess.StartAsync($"s3://{Container}", MountProcess.S3Environment)
            : await MountProcess.StartAsync($"swift://{Container}", MountProcess.SwiftEnvironment);
    }

    public async Task DisposeAsync()
    {
        if (_mount is not null)
            await _mount.DisposeAsync();
    }
}

public sealed class SwiftWritableMount() : WritableMount("mountstore-e2e-write", s3: false);

public sealed class S3WritableMount() : WritableMount("mountstore-e2e-write-s3", s3: true);
