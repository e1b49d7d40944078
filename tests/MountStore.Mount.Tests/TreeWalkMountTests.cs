using MountStore.Testing;

namespace MountStore.Mount.Tests;

/// <summary>
/// A tree uploaded by python-swiftclient walked cold by `find` and `du` through a fresh mount:
/// every file is found, folders are listed ahead of the walk (the status says how many), and no
/// folder is listed twice for it.
/// </summary>
[Collection(MountCollection.Name)]
public sealed class TreeWalkMountTests : IAsyncLifetime
{
    private const string Container = "mountstore-e2e-walk";
    private const int Folders = 12, FilesPerFolder = 3;
    private readonly string _work = Path.Combine(Path.GetTempPath(), "mountstore-walk-e2e-" + Guid.NewGuid().ToString("N")[..8]);

    public async Task InitializeAsync()
    {
        await LocalSwiftServer.CreateContainerAsync(Container);
        var tree = Path.Combine(_work, "tree");
        for (var d = 0; d < Folders; d++)
        {
            for (var f = 0; f < FilesPerFolder; f++)
                await WriteAsync(Path.Combine(tree, $"d{d:D2}", $"f{f}.txt"), $"{d}/{f}\n");
        }
        await WriteAsync(Path.Combine(tree, "d05", "sub", "deep.txt"), "deep\n");
        // from inside the work folder, so the object names start with "tree/"
        (await ProcessRunner.RunAsync("sh", ["-c", $"cd '{_work}' && swift upload {Container} tree"], LocalSwiftServer.SwiftClientEnvironment))
            .EnsureSuccess("swift upload tree");
    }

    private static async Task WriteAsync(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, text);
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_work, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_cold_find_sees_every_file_with_folders_listed_ahead_and_none_listed_twice()
    {
        await using var mount = await MountProcess.StartAsync($"swift://{Container}", MountProcess.SwiftEnvironment, ["--read-only"]);
        var listsBefore = await mount.SucceededRequestsAsync("list"); // the warm-up's lookup after mounting

        var found = (await Tools.RunAsync("find", Path.Combine(mount.Directory, "tree"), "-type", "f"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => Path.GetRelativePath(mount.Directory, p))
            .Order(StringComparer.Ordinal);
        var uploaded = Directory.EnumerateFiles(Path.Combine(_work, "tree"), "*", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(_work, p))
            .Order(StringComparer.Ordinal);
        Assert.Equal(uploaded, found);

        var status = await mount.StatusJsonAsync();
        var listedAhead = status.GetProperty("cache").GetProperty("foldersListedAhead").GetInt64();
        // at most the 13 folders under "tree", each once; how many depends on how fast the server
        // answers (a folder whose turn comes while every slot is busy is listed by the walk itself)
        Assert.InRange(listedAhead, 1, Folders + 1);
        // "tree" and its 13 folders once each, and the one LIST of the lookup of "tree" itself
        var lists = await mount.SucceededRequestsAsync("list") - listsBefore;
        Assert.Equal(1 + Folders + 1 + 1, lists);

        // the walk again, warm: answered from the listings, no request
        var du = await Tools.RunAsync("du", "-ab", Path.Combine(mount.Directory, "tree"));
        Assert.Contains("deep.txt", du);
        Assert.Equal(lists, await mount.SucceededRequestsAsync("list") - listsBefore);
    }
}
