using MountStore.Testing;

namespace MountStore.Mount.Tests;

/// <summary>
/// A tree uploaded by python-swiftclient walked cold by `find` and `du` through a fresh mount:
/// every file and folder is found, through Swift and through S3, and the folders after the
/// walk's first are listed flat, a few ranges for all of them, not one LIST each.
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
        await WriteAsync(Path.Combine(tree, "d07-x"), "a file between d07/ and d08/ in key order\n");
        Directory.CreateDirectory(Path.Combine(tree, "d03", "empty")); // swift uploads it as an application/directory object
        // from inside the work folder, so the object names start with "tree/"
        (await ProcessRunner.RunAsync("sh", ["-c", $"cd '{_work}' && swift upload {Container} tree"], LocalSwiftServer.SwiftClientEnvironment))
            .EnsureSuccess("swift upload tree");
        // an empty folder as s3fs and rclone make it: a 0-byte object named "marked/"
        (await ProcessRunner.RunAsync("sh", ["-c", $"cd '{_work}' && : > none && swift upload {Container} none --object-name tree/d08/marked/"], LocalSwiftServer.SwiftClientEnvironment))
            .EnsureSuccess("swift upload tree/d08/marked/");
    }

    /// <summary>Every file and folder below "tree" as uploaded, "d" or "f" and the path.</summary>
    private IEnumerable<string> Uploaded()
    {
        var tree = Path.Combine(_work, "tree");
        return Directory.EnumerateFileSystemEntries(tree, "*", SearchOption.AllDirectories)
            .Select(p => (Directory.Exists(p) ? "d " : "f ") + Path.GetRelativePath(tree, p))
            .Append("d d08/marked")
            .Order(StringComparer.Ordinal);
    }

    /// <summary>What `find` shows below <paramref name="top"/>, "d" or "f" and the path.</summary>
    private static async Task<IEnumerable<string>> FindAsync(string top) =>
        (await Tools.RunAsync("find", top, "-mindepth", "1", "-printf", "%y %P\n"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Order(StringComparer.Ordinal);

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
    public async Task A_cold_find_sees_every_file_and_folder_with_the_folders_after_the_first_listed_flat()
    {
        await using var mount = await MountProcess.StartAsync($"swift://{Container}", MountProcess.SwiftEnvironment, ["--read-only"]);
        var listsBefore = await mount.SucceededRequestsAsync("list"); // the warm-up's, before mounting

        Assert.Equal(Uploaded(), await FindAsync(Path.Combine(mount.Directory, "tree")));

        // The lookup of "tree", its listing, its first folder listed ahead when it was opened,
        // and, once find went down into that one, the other 11 folders and every folder below
        // them in four flat ranges: 7 LISTs for 16 folders.
        var lists = await mount.SucceededRequestsAsync("list") - listsBefore;
        Assert.Equal(1 + 1 + 1 + 4, lists);
        var status = await mount.StatusJsonAsync();
        var listedAhead = status.GetProperty("cache").GetProperty("foldersListedAhead").GetInt64();
        Assert.Equal(Folders + 3, listedAhead); // d00..d11, d03/empty, d05/sub and d08/marked

        // the walk again, warm: answered from the listings, no request
        var du = await Tools.RunAsync("du", "-ab", Path.Combine(mount.Directory, "tree"));
        Assert.Contains("deep.txt", du);
        Assert.Equal(lists, await mount.SucceededRequestsAsync("list") - listsBefore);
    }

    [Fact]
    public async Task The_same_walk_through_s3_and_through_a_mount_of_the_prefix_sees_the_same_tree()
    {
        await using (var s3 = await MountProcess.StartAsync($"s3://{Container}", MountProcess.S3Environment, ["--read-only"]))
        {
            var listsBefore = await s3.SucceededRequestsAsync("list");
            // an S3 listing carries no content type: Swift's folder object "d03/empty" is a
            // 0-byte file there until its HEAD says otherwise, flat or not
            var found = (await FindAsync(Path.Combine(s3.Directory, "tree"))).Where(e => !e.EndsWith(" d03/empty", StringComparison.Ordinal));
            Assert.Equal(Uploaded().Where(e => e != "d d03/empty"), found);
            Assert.True(await s3.SucceededRequestsAsync("list") - listsBefore < Folders, "the walk listed folder by folder");
        }
        // from the mount's own root: its folders' ranges are bounded by keys under the prefix
        await using var prefix = await MountProcess.StartAsync($"swift://{Container}/tree", MountProcess.SwiftEnvironment, ["--read-only"]);
        Assert.Equal(Uploaded(), await FindAsync(prefix.Directory));
    }
}
