using System.Text.Json;
using MountStore.Fuse;
using MountStore.Testing;

namespace MountStore.Mount.Tests;

/// <summary>
/// `make demo` and `make demo-stop` as a new user runs them: twice in a row, and after the mount
/// process was killed. The test's demo uses its own mount folder and state folder (DEMO_DIR,
/// DEMO_STATE), so a demo the developer has mounted is left alone, and demo-stop leaves the
/// server running (the demo did not start it). `-o build -o deps`: make test has just built,
/// and rebuilding while other test processes run from the build output would be unsafe.
/// </summary>
[Collection(MountCollection.Name)]
public sealed class DemoTests : IDisposable
{
    private readonly string _state = Directory.CreateTempSubdirectory("mountstore-demo-state-").FullName;
    private readonly string _mount = MountProcess.NewMountPoint();

    public void Dispose()
    {
        if (MountTable.IsFuseMounted(_mount))
            FuseMount.Detach(_mount);
        Directory.Delete(_state, recursive: true);
    }

    private Task<ProcessRunner.Result> MakeAsync(string target) =>
        ProcessRunner.RunAsync("make", ["-s", "-o", "build", "-o", "deps", target],
            new Dictionary<string, string> { ["DEMO_DIR"] = _mount, ["DEMO_STATE"] = _state }, TimeSpan.FromMinutes(5));

    [Fact]
    public async Task Make_demo_mounts_a_realistic_tree_again_and_again_and_after_a_crash_and_demo_stop_unmounts()
    {
        await LocalSwiftServer.EnsureRunningAsync();
        var first = (await MakeAsync("demo")).EnsureSuccess("make demo");
        Assert.Contains($"swift://demo is mounted at {_mount}", first.StdOut);
        Assert.Contains("make demo-stop", first.StdOut);
        await CheckTreeAsync();
        var pid = Tools.MountProcessId(_mount);

        var second = (await MakeAsync("demo")).EnsureSuccess("make demo, second time");
        Assert.Contains("already mounted", second.StdOut);
        Assert.Equal(pid, Tools.MountProcessId(_mount));

        (await ProcessRunner.RunAsync("kill", ["-9", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)])).EnsureSuccess("kill -9");
        for (var i = 0; i < 100 && File.Exists($"/proc/{pid}/cmdline"); i++)
            await Task.Delay(50);
        (await MakeAsync("demo")).EnsureSuccess("make demo after a crash");
        Assert.NotEqual(pid, Tools.MountProcessId(_mount));
        await CheckTreeAsync();

        var stop = (await MakeAsync("demo-stop")).EnsureSuccess("make demo-stop");
        Assert.Contains($"Unmounted {_mount}", stop.StdOut);
        Assert.Contains("left running", stop.StdOut);
        Assert.False(MountTable.IsFuseMounted(_mount));
        using var http = new HttpClient();
        Assert.True((await http.GetAsync(new Uri(LocalSwiftServer.Endpoint, "healthcheck"))).IsSuccessStatusCode);
    }

    private async Task CheckTreeAsync()
    {
        Assert.Equal(["README.txt", "data", "large", "logs", "notebooks", "scratch"], Directory.EnumerateFileSystemEntries(_mount).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.True(Directory.Exists(Path.Combine(_mount, "scratch")));
        var rows = await Tools.RunAsync(Tools.Python, "-c", "import csv, sys; print(sum(1 for _ in csv.DictReader(open(sys.argv[1]))))", Path.Combine(_mount, "data", "weather", "2025-daily.csv"));
        Assert.Equal("14600", rows.Trim());
        Assert.Equal(12, Directory.GetFiles(Path.Combine(_mount, "data", "weather", "monthly"), "*.csv").Length);
        using var notebook = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_mount, "notebooks", "explore.ipynb")));
        Assert.Equal(4, notebook.RootElement.GetProperty("nbformat").GetInt32());
        Assert.Equal(96L << 20, new FileInfo(Path.Combine(_mount, "large", "ocean-model.bin")).Length);
    }
}
