using MountStore.Core.Storage;
using MountStore.Testing;

namespace MountStore.Mount.Tests;

/// <summary>
/// `rm -r` through a mount of a folder python-swiftclient filled, one of its files a large object
/// of segments: every object and every segment goes, and the deletes take the answers of listing
/// pages asked ahead (the status counts them) instead of a HEAD each.
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

    /// <summary>The folder is gone from the mount, and nothing is left in the container or its segment container.</summary>
    private static async Task AssertAllGoneAsync(string folder, SwiftObjectStoreHolder view)
    {
        Assert.False(Directory.Exists(folder));
        var left = new List<string>();
        await foreach (var page in view.Store.ListAllAsync("", null, CancellationToken.None))
            left.AddRange(page.Objects.Select(o => o.Key));
        Assert.Empty(left);
        Assert.Equal(0, await view.SegmentCountAsync());
    }

    /// <summary>Deletes that took an answer asked ahead, from the mount's status.</summary>
    private static async Task<long> AnsweredAheadAsync(MountProcess mount) =>
        (await mount.StatusJsonAsync()).GetProperty("cache").GetProperty("deletesAnsweredAhead").GetInt64();

    [Fact]
    public async Task Rm_r_removes_every_object_and_segment_and_lists_ahead_instead_of_a_head_a_file()
    {
        using var view = new SwiftObjectStoreHolder(Container);
        Assert.Equal(3, await view.SegmentCountAsync());
        await using var mount = await MountProcess.StartAsync($"swift://{Container}", MountProcess.SwiftEnvironment, ["--listing-metadata", "0"]);
        var headsBefore = await mount.SucceededRequestsAsync("head");
        var listsBefore = await mount.SucceededRequestsAsync("list");

        await Tools.RunAsync("rm", "-r", Path.Combine(mount.Directory, "rm"));

        await AssertAllGoneAsync(Path.Combine(mount.Directory, "rm"), view);
        var answered = await AnsweredAheadAsync(mount);
        // the 30 small files, give or take the first of the run and any whose answer came late;
        // the large object always asks again (its manifest decides how it is deleted)
        Assert.InRange(answered, Files - 5, Files);
        // the listing pages answered the rest: a few HEADs (the run's first, the large one, the
        // folder's lookups), where a HEAD a file made 31 or more
        Assert.InRange(await mount.SucceededRequestsAsync("head") - headsBefore, 1, 8);
        Assert.True(await mount.SucceededRequestsAsync("list") > listsBefore);
    }

    [Fact]
    public async Task Rm_r_after_its_lookups_have_gone_stale_lists_ahead_instead_of_a_head_a_file_and_a_dlo_still_takes_its_segments()
    {
        // a DLO of two 1 KiB segments (python-swiftclient without --use-slo): its listing row is
        // empty, so only its own HEAD can tell its delete about the segments
        var dlo = Path.Combine(_work, "dlo");
        await File.WriteAllBytesAsync(dlo, new byte[2 * 1024]);
        await LocalSwiftServer.UploadWithSwiftClientAsync(Container, dlo, "rm/f25-dlo", options: ["--segment-size", "1024"]);
        using var view = new SwiftObjectStoreHolder(Container);
        Assert.Equal(5, await view.SegmentCountAsync());
        await using var mount = await MountProcess.StartAsync($"swift://{Container}", MountProcess.SwiftEnvironment, ["--listing-metadata", "0"]);
        var folder = Path.Combine(mount.Directory, "rm");
        // a stat of each: the kernel keeps these names for 30 s, so rm -r looks none up again
        Assert.Equal(Files + 2, Directory.EnumerateFiles(folder).Count(file => new FileInfo(file).Exists));
        await Task.Delay(TimeSpan.FromSeconds(1.5)); // the answers of those lookups are now too old for a delete
        var headsBefore = await mount.SucceededRequestsAsync("head");
        var listsBefore = await mount.SucceededRequestsAsync("list");

        await Tools.RunAsync("rm", "-r", folder);

        await AssertAllGoneAsync(folder, view);
        var answered = await AnsweredAheadAsync(mount);
        // all but the first two of the 30 small files (the run starts at the second), give or take
        // one whose answer came late; the SLO and the DLO ask for themselves
        Assert.InRange(answered, Files - 4, Files - 2);
        Assert.True(await mount.SucceededRequestsAsync("list") > listsBefore);
        // the first two, the SLO, the DLO, and any late one: a HEAD a file would be 32
        Assert.InRange(await mount.SucceededRequestsAsync("head") - headsBefore, 4, 8);
    }
}
