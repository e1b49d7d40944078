using MountStore.Testing;

namespace MountStore.Mount.Tests;

/// <summary>
/// The POSIX behaviour real programs rely on (posix_checks.py: the exact system calls, checked
/// on a local disk too), on a read-write mount of the local Swift server.
/// </summary>
[Collection(MountCollection.Name)]
public sealed class PosixBehaviourTests : IAsyncLifetime
{
    private const string Container = "mountstore-posix";
    private MountProcess _mount = null!;

    public async Task InitializeAsync()
    {
        await LocalSwiftServer.CreateContainerAsync(Container);
        _mount = await MountProcess.StartAsync($"swift://{Container}", MountProcess.SwiftEnvironment);
    }

    public async Task DisposeAsync() => await _mount.DisposeAsync();

    private async Task RunGroupAsync(string group)
    {
        var folder = Path.Combine(_mount.Directory, $"{group}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        var script = Path.Combine(RepoPaths.Root, "tests", "MountStore.Mount.Tests", "posix_checks.py");
        var result = await ProcessRunner.RunAsync(Tools.Python, [script, group, folder, "mount"], timeout: TimeSpan.FromMinutes(5));
        Assert.True(result.ExitCode == 0, $"posix_checks.py {group}:\n{result.StdOut}\n{result.StdErr}\nmount log (end):\n{Tail(_mount.Output)}");
    }

    private static string Tail(string text) => text.Length <= 4000 ? text : text[^4000..];

    [Fact]
    public Task Writes_through_shared_mappings_land_and_never_kill_the_program() => RunGroupAsync("mmap");

    [Fact]
    public Task An_unlinked_open_file_keeps_working_until_its_last_close() => RunGroupAsync("unlinked");

    [Fact]
    public Task Utimensat_keeps_each_time_as_set() => RunGroupAsync("utimens");

    [Fact]
    public Task Fifos_and_sockets_can_be_made_and_device_nodes_are_refused() => RunGroupAsync("special");
}
