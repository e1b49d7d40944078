using MountStore.Testing;

namespace MountStore.Mount.Tests;

/// <summary>
/// make, unzip, git and sqlite3 run for real in a folder of a read-write mount of the local Swift
/// server (everyday_tools.sh: the same checks pass on a local disk).
/// </summary>
[Collection(MountCollection.Name)]
public sealed class EverydayToolsTests : IAsyncLifetime
{
    private const string Container = "mountstore-tools";
    private MountProcess _mount = null!;

    public async Task InitializeAsync()
    {
        await LocalSwiftServer.CreateContainerAsync(Container);
        _mount = await MountProcess.StartAsync($"swift://{Container}", MountProcess.SwiftEnvironment);
    }

    public async Task DisposeAsync() => await _mount.DisposeAsync();

    private async Task RunAsync(string tool)
    {
        var folder = Path.Combine(_mount.Directory, $"{tool}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        var script = Path.Combine(RepoPaths.Root, "tests", "MountStore.Mount.Tests", "everyday_tools.sh");
        var result = await ProcessRunner.RunAsync("bash", [script, tool, folder], timeout: TimeSpan.FromMinutes(5));
        var log = _mount.Output;
        Assert.True(result.ExitCode == 0, $"everyday_tools.sh {tool}:\n{result.StdOut}\n{result.StdErr}\nmount log (end):\n{(log.Length <= 4000 ? log : log[^4000..])}");
    }

    [Fact]
    public Task Make_rebuilds_after_each_change_and_sees_no_clock_skew() => RunAsync("make");

    [Fact]
    public Task Unzip_restores_the_times_and_modes_of_files_and_folders() => RunAsync("unzip");

    [Fact]
    public Task Git_commits_renames_packs_and_clones_inside_the_mount() => RunAsync("git");

    [Fact]
    public Task Sqlite_keeps_a_database_intact_with_a_journal_and_with_a_write_ahead_log() => RunAsync("sqlite");
}
