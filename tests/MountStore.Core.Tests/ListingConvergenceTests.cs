using Microsoft.Extensions.Logging.Abstractions;
using MountStore.Core.FileSystem;
using MountStore.Core.Metadata;
using MountStore.Core.Namespace;
using MountStore.Core.Storage;
using MountStore.Testing;
using static MountStore.Testing.FaultInjectingObjectStore;
using MountStore.Core.Model;

namespace MountStore.Core.Tests;

/// <summary>
/// Objects other tools wrote: listings that say less than (or other than) the objects, and how
/// the mount gets to the truth without a HEAD per object in the listing itself.
/// </summary>
public sealed class ListingConvergenceTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private const string S3fsSymlinkMode = "41471"; // S_IFLNK | 0777, as s3fs writes it
    private readonly InMemoryObjectStore _memory = new();
    private readonly FaultInjectingObjectStore _store;
    private readonly ManualClock _clock = new(Start);

    public ListingConvergenceTests() => _store = new FaultInjectingObjectStore(_memory);

    private MountedFileSystem Mount(int listingMetadata) =>
        new(_store, new FileSystemOptions { ListingMetadataParallel = listingMetadata }, NullLoggerFactory.Instance, _clock);

    /// <summary>A DLO as Swift shows it: HEAD and GET give the segments' bytes, the listing its empty manifest.</summary>
    private async Task<byte[]> PutDloAsync(string key, int size)
    {
        var bytes = TestStores.Pattern(size);
        await _memory.PutAsync(key, bytes);
        _memory.ListAs(key, row => row with { Size = 0, ETag = ETags.Md5Hex([]) });
        return bytes;
    }

    private static async Task<byte[]> ReadAllAsync(MountedFileSystem fs, string path)
    {
        var opened = await fs.OpenAsync(path, OpenIntent.ReadOnly, CancellationToken.None);
        try
        {
            using var all = new MemoryStream();
            var buffer = new byte[128 * 1024];
            int read;
            while ((read = await fs.ReadAsync(opened.Handle, all.Length, buffer, CancellationToken.None)) > 0)
                all.Write(buffer, 0, read);
            return all.ToArray();
        }
        finally
        {
            await fs.ReleaseAsync(opened.Handle);
        }
    }

    private static async Task ConvergedAsync(MountedFileSystem fs)
    {
        // a hang guard, not a speed check: the in-memory store answers at once
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (fs.ListingsConverging > 0)
            await Task.Delay(10, limit.Token);
    }

    [Fact]
    public async Task A_dlo_that_lists_as_empty_reads_whole_when_looked_up_first_thing()
    {
        var bytes = await PutDloAsync("dlo.bin", 900_000);
        await using var fs = Mount(listingMetadata: 0);

        var attributes = await fs.GetAttributesAsync("dlo.bin", CancellationToken.None);

        Assert.Equal(900_000, attributes.Size);
        Assert.Equal(bytes, await ReadAllAsync(fs, "dlo.bin"));
    }

    [Fact]
    public async Task A_dlo_that_lists_as_empty_reads_whole_after_its_folder_was_listed_and_shows_its_size_in_the_listing()
    {
        var bytes = await PutDloAsync("data/dlo.bin", 900_000);
        await using var fs = Mount(listingMetadata: 0);
        var listing = await fs.ListDirectoryAsync("data", CancellationToken.None);
        var row = listing.Find("dlo.bin")!.Attributes;
        Assert.Equal(0, row.Size); // what the store's listing says

        Assert.Equal(bytes, await ReadAllAsync(fs, "data/dlo.bin"));

        // the HEAD the open made belongs to the version that listing row stands for
        Assert.Equal(900_000, fs.Preferred("data/dlo.bin", row).Size);
    }

    [Fact]
    public async Task After_a_listing_other_tools_times_modes_and_symlinks_converge_and_only_changed_files_are_reported()
    {
        for (var i = 0; i < 20; i++)
            await _memory.PutTextAsync($"d/rclone-{i:D2}", "x", metadata: new() { ["mtime"] = "1500000000.25" });
        for (var i = 0; i < 20; i++)
            await _memory.PutTextAsync($"d/plain-{i:D2}", "y");
        await _memory.PutTextAsync("d/link", "target.txt", metadata: new() { ["mode"] = S3fsSymlinkMode });
        _memory.ListAs("d/link", row => row with { ContentType = null }); // S3 listings carry no type
        await using var fs = Mount(listingMetadata: 4);
        var changes = new List<NodeChange>();
        fs.NodeChanged += change => { lock (changes) changes.Add(change); };

        var listing = await fs.ListDirectoryAsync("d", CancellationToken.None);
        await ConvergedAsync(fs);

        Assert.Equal(41, _store.CountOf(StoreCall.Head)); // each file once, after the listing
        Assert.InRange(_store.PeakHeadsInFlight, 1, 4);
        Assert.Equal(21, changes.Count);
        Assert.All(changes.Where(c => c.Path.StartsWith("d/rclone-", StringComparison.Ordinal)), c => Assert.False(c.KindChanged));
        Assert.True(changes.Single(c => c.Path == "d/link").KindChanged);
        Assert.DoesNotContain(changes, c => c.Path.StartsWith("d/plain-", StringComparison.Ordinal));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_500_000_000_250), fs.Preferred("d/rclone-00", listing.Find("rclone-00")!.Attributes).ModifiedTime);
        Assert.Equal(NodeKind.Symlink, fs.Preferred("d/link", listing.Find("link")!.Attributes).Kind);
        Assert.Equal("target.txt", await fs.ReadSymlinkAsync("d/link", CancellationToken.None));
    }

    [Fact]
    public async Task A_second_listing_of_the_same_versions_heads_nothing_again()
    {
        for (var i = 0; i < 10; i++)
            await _memory.PutTextAsync($"d/f{i}", "x", metadata: new() { ["mode"] = "33184" });
        await using var fs = Mount(listingMetadata: 4);
        await fs.ListDirectoryAsync("d", CancellationToken.None);
        await ConvergedAsync(fs);

        _clock.Advance(TimeSpan.FromMinutes(1)); // the listing expires and is fetched again
        await fs.ListDirectoryAsync("d", CancellationToken.None);
        await ConvergedAsync(fs);

        Assert.Equal(2, _store.CountOf(StoreCall.List));
        Assert.Equal(10, _store.CountOf(StoreCall.Head));
    }

    [Fact]
    public async Task Turned_off_a_listing_heads_nothing()
    {
        for (var i = 0; i < 10; i++)
            await _memory.PutTextAsync($"d/f{i}", "x", metadata: new() { ["mode"] = "33184" });
        await using var fs = Mount(listingMetadata: 0);

        await fs.ListDirectoryAsync("d", CancellationToken.None);
        await Task.Delay(200); // time enough for background HEADs, were there any

        Assert.Equal(0, fs.ListingsConverging);
        Assert.Equal(0, _store.CountOf(StoreCall.Head));
    }

    [Fact]
    public async Task A_folder_removed_while_it_converges_is_not_headed_file_by_file()
    {
        async Task<int> HeadsOfRemovingATreeAsync(int listingMetadata)
        {
            var before = _store.CountOf(StoreCall.Head);
            for (var i = 0; i < 200; i++)
                await _memory.PutTextAsync($"tree/f{i:D3}", "x");
            await using var fs = Mount(listingMetadata);
            // rm -r: list, then unlink one by one, as fast as the store answers
            var listing = await fs.ListDirectoryAsync("tree", CancellationToken.None);
            foreach (var entry in listing.Entries)
                await fs.UnlinkAsync("tree/" + entry.Name, CancellationToken.None);
            await ConvergedAsync(fs);
            return _store.CountOf(StoreCall.Head) - before;
        }

        _store.Delay(StoreCall.Delete, TimeSpan.FromMilliseconds(5)); // a store's latency: rm -r takes a while
        var withoutConvergence = await HeadsOfRemovingATreeAsync(listingMetadata: 0);
        var withConvergence = await HeadsOfRemovingATreeAsync(listingMetadata: 4);

        // at most the few sent before the first unlink
        Assert.InRange(withConvergence - withoutConvergence, 0, 4);
    }

    [Fact]
    public async Task The_queue_of_folders_is_bounded_and_drops_the_oldest()
    {
        for (var i = 0; i < 4; i++)
            await _memory.PutTextAsync($"slow/f{i}", "x");
        _store.Delay(StoreCall.Head, TimeSpan.FromMilliseconds(300));
        var names = new ObjectNamespace("");
        var options = new FileSystemOptions();
        using var cache = new MetadataCache(100_000, TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(5), _clock);
        var loader = new MetadataLoader(_store, names, new ObjectAttributes(options.NodeDefaults, Start), cache, _clock, NullLogger.Instance);
        cache.SetListing("slow", new DirectoryListing([.. Enumerable.Range(0, 4).Select(i => new DirectoryEntry($"f{i}", new NodeAttributes(NodeKind.File, 1, 420, 0, 0, Start, $"e{i}", false)))], Start));
        await using var convergence = new ListingConvergence(loader, cache, 1, (_, _, _) => { }, NullLogger.Instance);

        convergence.Enqueue("slow"); // holds the worker on slow HEADs
        // once the worker holds it: queued behind it, "slow" would be the oldest and dropped
        // first, and the worker would then skip through folders it has no listing of
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (_store.CountOf(StoreCall.Head) == 0 && DateTime.UtcNow < deadline)
            await Task.Delay(10);
        for (var i = 0; i < 1000; i++)
            convergence.Enqueue($"other-{i}");

        Assert.InRange(convergence.Pending, ListingConvergence.QueueCapacity, ListingConvergence.QueueCapacity + 1);
    }
}
