using Microsoft.Extensions.Logging.Abstractions;
using MountStore.Core.FileSystem;
using MountStore.Core.Metadata;
using MountStore.Core.Model;
using MountStore.Core.Namespace;
using MountStore.Core.Storage;
using MountStore.Testing;

namespace MountStore.Core.Tests;

/// <summary>
/// A flat listing of a run of sibling folders, cut into per-folder listings, must give each folder
/// exactly what a delimited listing of that folder gives: checked here against the in-memory
/// store's delimited listing over trees with every awkward shape a store can hold.
/// </summary>
public class SubtreeListingTests
{
    private static readonly ObjectAttributes Attributes = new(new FileSystemOptions().NodeDefaults, new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    // '-', '.' and '0' sort around '/', so they test where a folder's keys end
    private static readonly string[] Parts = ["a", "b", "a-b", "a.b", "a0", "é", "😀", "z", "..", "."];

    private static DirectoryListingBuilder Builder(string prefix) => new(prefix, Attributes, NullLogger.Instance);

    private static async Task<InMemoryObjectStore> RandomTreeAsync(int seed, string root)
    {
        var random = new Random(seed);
        var store = new InMemoryObjectStore();
        for (var i = 0; i < 300; i++)
        {
            var depth = random.Next(1, 5);
            var key = root + string.Join('/', Enumerable.Range(0, depth).Select(_ => Parts[random.Next(Parts.Length)]));
            switch (random.Next(10))
            {
                case 0: key += "/"; break; // a folder's marker, as s3fs and rclone make them
                case 1: key = key.Replace("/", "//", StringComparison.Ordinal); break; // a doubled slash
            }
            var contentType = random.Next(12) == 0 ? "application/directory" : null; // a Swift-style folder marker
            await store.PutTextAsync(key, "x", contentType);
        }
        return store;
    }

    /// <summary>What a delimited listing of the folder at <paramref name="prefix"/> builds.</summary>
    private static async Task<string> DelimitedAsync(IObjectStore store, string prefix)
    {
        var builder = Builder(prefix);
        await foreach (var page in store.ListAllAsync(prefix, "/"))
            builder.Add(page);
        return Describe(builder);
    }

    private static string Describe(DirectoryListingBuilder builder) =>
        (builder.OwnMarker is null ? "" : "(marker) ")
        + string.Join(", ", builder.Build().Select(e => $"{e.Name}:{e.Attributes.Kind}:{e.Attributes.Size}:{e.Attributes.ETag}"));

    /// <summary>Every folder the flat listings of all of the root's subfolders give, cut as a walk would cut them.</summary>
    private static async Task<Dictionary<string, string>> FlatAsync(IObjectStore store, string root, int pageSize, int parallel)
    {
        var top = Builder(root);
        await foreach (var page in store.ListAllAsync(root, "/"))
            top.Add(page);
        var folders = top.Build().Where(e => e.Attributes.IsDirectory).Select(e => e.Name).ToList();
        var built = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var range in SiblingRanges.Split(folders, folders.ToHashSet(), parallel))
        {
            var prefixes = range.Select(f => root + f + "/").ToList();
            var splitter = new SubtreeSplitter(prefixes, Builder);
            var completed = new List<DirectoryListingBuilder>();
            var request = new ListRequest(root, null, null, pageSize, prefixes[0][..^1], prefixes[^1][..^1] + "0");
            await foreach (var page in store.ListAllAsync(request))
            {
                foreach (var info in page.Objects)
                    splitter.Add(info, completed);
            }
            splitter.End(cut: false, completed);
            foreach (var builder in completed)
                Assert.True(built.TryAdd(builder.Prefix, Describe(builder)), $"{builder.Prefix} built twice");
        }
        return built;
    }

    [Theory]
    [InlineData(1, 7, 4)]
    [InlineData(2, 1000, 4)]
    [InlineData(3, 3, 1)]
    [InlineData(4, 11, 16)]
    [InlineData(5, 2, 2)]
    public async Task Every_folder_cut_from_flat_listings_equals_its_own_delimited_listing(int seed, int pageSize, int parallel)
    {
        const string root = "r/";
        var store = await RandomTreeAsync(seed, root);

        var built = await FlatAsync(store, root, pageSize, parallel);

        Assert.True(built.Count > 20, $"only {built.Count} folders: the tree is too small to show anything");
        foreach (var (prefix, flat) in built)
            Assert.Equal(await DelimitedAsync(store, prefix), flat);
        // and every folder reachable by a path was built: the walk finds none missing
        var reachable = new HashSet<string>(StringComparer.Ordinal);
        await CollectReachableAsync(store, root, reachable, top: true);
        Assert.Equal(reachable.Order(StringComparer.Ordinal), built.Keys.Order(StringComparer.Ordinal));
    }

    private static async Task CollectReachableAsync(IObjectStore store, string prefix, HashSet<string> reachable, bool top)
    {
        if (!top)
            reachable.Add(prefix);
        var builder = Builder(prefix);
        await foreach (var page in store.ListAllAsync(prefix, "/"))
            builder.Add(page);
        foreach (var folder in builder.Build().Where(e => e.Attributes.IsDirectory))
            await CollectReachableAsync(store, prefix + folder.Name + "/", reachable, top: false);
    }

    [Fact]
    public async Task After_a_cut_only_the_folders_the_last_key_left_behind_are_complete()
    {
        var store = new InMemoryObjectStore();
        foreach (var key in new[] { "p/a/1", "p/a/x/1", "p/a/x/2", "p/a/y/1", "p/a/y/2", "p/b/1" })
            await store.PutTextAsync(key, "x");
        var splitter = new SubtreeSplitter(["p/a/", "p/b/"], Builder);
        var completed = new List<DirectoryListingBuilder>();
        var page = await store.ListAsync(new ListRequest("p/", null, null, 4, "p/a", "p/b0"), CancellationToken.None); // 1, x/1, x/2, y/1

        foreach (var info in page.Objects)
            splitter.Add(info, completed);
        Assert.Empty(completed);
        splitter.End(cut: true, completed);

        Assert.Equal(["p/a/x/"], completed.Select(b => b.Prefix)); // y/ may have more keys, a/ and b/ too
        Assert.Equal(await DelimitedAsync(store, "p/a/x/"), Describe(completed[0]));
        Assert.Equal(["p/a/", "p/b/"], splitter.Incomplete);
    }

    [Fact]
    public void A_folder_completes_when_a_key_past_its_range_arrives_with_the_folders_below_it_first()
    {
        var splitter = new SubtreeSplitter(["p/a/", "p/c/", "p/d/"], Builder);
        var completed = new List<DirectoryListingBuilder>();
        static ObjectInfo Key(string key) => new(key, 1, "e", DateTimeOffset.UnixEpoch, null, ObjectInfo.NoMetadata);

        splitter.Add(Key("p/a/s/1"), completed);
        splitter.Add(Key("p/a0"), completed); // past "p/a/": a is complete, c not yet
        Assert.Equal(["p/a/s/", "p/a/"], completed.Select(b => b.Prefix));
        completed.Clear();
        splitter.Add(Key("p/d/1"), completed); // c had no key: the store holds nothing under it now
        Assert.Equal(["p/c/"], completed.Select(b => b.Prefix));
        Assert.Empty(completed[0].Build());
        completed.Clear();
        splitter.End(cut: false, completed);
        Assert.Equal(["p/d/"], completed.Select(b => b.Prefix));
    }

    [Fact]
    public void Sibling_ranges_skip_folders_already_listed_and_split_long_runs_up_to_the_parallel_limit()
    {
        string[] folders = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"];

        var whole = SiblingRanges.Split(folders, folders.ToHashSet(), 4);
        Assert.Equal(["a b", "c d e", "f g", "h i j"], whole.Select(r => string.Join(' ', r)));

        var gaps = SiblingRanges.Split(folders, new HashSet<string> { "b", "c", "e", "g", "h", "i", "j" }, 2);
        Assert.Equal(["b c", "e"], gaps.Select(r => string.Join(' ', r))); // never across d; g..j wait for a later descent

        // key order is "name/": "a-b/" < "a/" < "a0/", whatever the name order
        var order = SiblingRanges.Split(["a", "a-b", "a0"], new HashSet<string> { "a", "a0" }, 4);
        Assert.Equal(["a", "a0"], order.Select(r => string.Join(' ', r)));
        var together = SiblingRanges.Split(["a", "a-b", "a0"], new HashSet<string> { "a-b", "a" }, 1);
        Assert.Equal(["a-b a"], together.Select(r => string.Join(' ', r)));
    }
}
