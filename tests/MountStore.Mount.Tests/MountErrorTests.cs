using MountStore.Testing;

namespace MountStore.Mount.Tests;

/// <summary>What a user sees when a mount cannot start: one line naming the cause, exit code 1, nothing mounted.</summary>
[Collection(MountCollection.Name)]
public class MountErrorTests : ContainerTestBase, IAsyncLifetime
{
    private readonly List<string> _directories = [];

    public MountErrorTests() : base("mountstore-e2e-errors")
    {
    }

    /// <summary>A fresh mount point, removed with everything in it when the test ends.</summary>
    private string NewDirectory()
    {
        var path = MountProcess.NewMountPoint();
        _directories.Add(path);
        return path;
    }

    public override Task DisposeAsync()
    {
        foreach (var directory in _directories)
            Directory.Delete(directory, recursive: true);
        return Task.CompletedTask;
    }

    private static async Task<string> FailingMountAsync(string remote, string directory, IReadOnlyDictionary<string, string> environment, params string[] options)
    {
        var env = new Dictionary<string, string>(environment);
        var result = await ProcessRunner.RunAsync(MountProcess.Binary, ["mount", remote, directory, .. options], env, TimeSpan.FromMinutes(2));
        Assert.Equal(1, result.ExitCode);
        var lines = result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines);
        Assert.StartsWith("mountstore: cannot mount", line);
        Assert.DoesNotContain(LocalSwiftServer.Key + "\"", line);
        Assert.False(MountStore.Fuse.MountTable.IsFuseMounted(directory));
        return line;
    }

    [Fact]
    public async Task Bad_credentials()
    {
        var env = new Dictionary<string, string>(MountProcess.SwiftEnvironment) { ["ST_KEY"] = "wrong-key" };
        Assert.Contains("401", await FailingMountAsync($"swift://{Container}", NewDirectory(), env));
    }

    [Fact]
    public async Task Missing_container()
    {
        Assert.Contains("no such container", await FailingMountAsync("swift://no-such-container-here", NewDirectory(), MountProcess.SwiftEnvironment));
        Assert.Contains("no such container", await FailingMountAsync("s3://no-such-container-here", NewDirectory(), MountProcess.S3Environment));
    }

    [Fact]
    public async Task Directory_missing_not_empty_or_a_file()
    {
        var missing = Path.Combine(NewDirectory(), "absent");
        Assert.Contains("does not exist", await FailingMountAsync($"swift://{Container}", missing, MountProcess.SwiftEnvironment));

        var full = NewDirectory();
        await File.WriteAllTextAsync(Path.Combine(full, "precious.txt"), "keep me");
        Assert.Contains("not empty", await FailingMountAsync($"swift://{Container}", full, MountProcess.SwiftEnvironment));
        Assert.Equal("keep me", await File.ReadAllTextAsync(Path.Combine(full, "precious.txt")));

        var file = Path.Combine(full, "precious.txt");
        Assert.Contains("is a file", await FailingMountAsync($"swift://{Container}", file, MountProcess.SwiftEnvironment));
    }

    [Fact]
    public async Task A_remote_that_is_not_a_remote()
    {
        Assert.Contains("swift://CONTAINER", await FailingMountAsync("just-a-name", NewDirectory(), MountProcess.SwiftEnvironment));
        Assert.Contains("unknown store", await FailingMountAsync("ftp://x", NewDirectory(), MountProcess.SwiftEnvironment));
    }

    [Fact]
    public async Task No_credentials_at_all()
    {
        var env = new Dictionary<string, string> { ["ST_AUTH"] = "", ["ST_USER"] = "", ["ST_KEY"] = "" };
        Assert.Contains("no Swift credentials", await FailingMountAsync($"swift://{Container}", NewDirectory(), env));
    }
}
