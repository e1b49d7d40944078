using MountStore.Core.Storage;
using MountStore.Testing;

namespace MountStore.Mount.Tests;

/// <summary>
/// `rm -r` through a mount of a folder python-swiftclient filled, one of its files a large object
/// of segments: every object and every segment goes, each delete takes the answer a HEAD of the
/// moment before gave instead of asking again (the status counts them), and no file is asked
/// about twice.
/// </summary>
[Collection(MountCollection.Name)]
public sealed class RemoveTreeMountTests : IAsyncLifetime
{
    private const string Container = "mountstore-e2e-rm";
    private const int Files = 30;
    private readonly string _work = Path.Combine(Path.GetTempPath(), "mountstore-rm-e2e-" + Guid.NewGuid().ToString("N")[..8]);

    public async Task InitializeAsync()
    {
        await LocalSwiftServer.DeleteContainerAsync(Container); // a clean start, segments included
        await LocalSwiftServer.CreateContainerAsync(Container);
        var folder = Path.Combine(_work, "rm");
        Directory.CreateDirectory(folder);
        for (var i = 0; i < Files; i++)
            await File.WriteAllTextAsync(Path.Combine(folder, $"f{i:D2}"), $"file {i}\n");
        // from inside the work folder, so the object names start with "rm/"
        (await ProcessRunner.RunAsync("sh", ["-c", $"cd '{_work}' && swift upload {Container} rm"], LocalSwiftServer.SwiftClientEnvironment))
            .EnsureSuccess("swift upload rm");
        // in the middle of the run, a large object of three 1 KiB segments: its delete must take them along
        var large = Path.Combine(_work, "large");
        await File.WriteAllBytesAsync(large, new byte[3 * 1024]);
        await LocalSwiftServer.UploadWithSwiftClientAsync(Container, large, "rm/f15-large", options: ["--use-slo", "--segment-size", "1024"]);
    }

    public async Task DisposeAsync()
    {
        Directory.Delete(_work, recursive: true);
        await LocalSwiftServer.DeleteContainerAsync(Container);
    }

    [Fact]
    public async Task Rm_r_removes_every_object_and_segment_and_asks_about_each_file_once()
    {
        using var view = new SwiftObjectStoreHolder(Container);
        Assert.Equal(3, await view.SegmentCountAsync());
        await using var mount = await MountProcess.StartAsync($"swift://{Container}", MountProcess.SwiftEnvironment, ["--listing-metadata", "0"]);
        var headsBefore = await mount.SucceededRequestsAsync("head");

        await Tools.RunAsync("rm", "-r", Path.Combine(mount.Directory, "rm"));

        Assert.False(Directory.Exists(Path.Combine(mount.Directory, "rm")));
        var left = new List<string>();
        await foreach (var page in view.Store.ListAllAsync("", null, CancellationToken.None))
            left.AddRange(page.Objects.Select(o => o.Key));
        Assert.Empty(left);
        Assert.Equal(0, await view.SegmentCountAsync());

        var status = await mount.StatusJsonAsync();
        var answered = status.GetProperty("cache").GetProperty("deletesAnsweredAhead").GetInt64();
        // the 30 small files, give or take the first of the run and any whose answer came late;
        // the large object always asks again (its manifest decides how it is deleted)
        Assert.InRange(answered, Files - 5, Files);
        // one HEAD a file (the lookups' and the look-ahead's, shared), the large one's own, and
        // the folder's lookups: without the answers, every delete would add one more
        var heads = await mount.SucceededRequestsAsync("head") - headsBefore;
        Assert.InRange(heads, Files + 1, Files + 8);
    }
}
