using MountStore.Core.FileSystem;
using MountStore.Core.Metadata;
using MountStore.Testing;
using MountStore.Core.Model;

namespace MountStore.Core.Tests;

public class MetadataCacheTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly NodeAttributes File = new(NodeKind.File, 3, 420, 0, 0, Start, "e", false);

    [Fact]
    public void Entries_are_trusted_for_the_ttl_and_absences_for_the_shorter_negative_ttl()
    {
        var clock = new ManualClock(Start);
        using var cache = new MetadataCache(1000, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(5), clock);
        cache.SetAttributes("a", File, clock.GetUtcNow());
        cache.SetAbsent("b", clock.GetUtcNow());
        cache.SetListing("", new DirectoryListing([new DirectoryEntry("a", File)], clock.GetUtcNow()));

        clock.Advance(TimeSpan.FromSeconds(4));
        Assert.True(cache.TryGetAttributes("a", out var a, out _));
        Assert.Equal(File, a);
        Assert.True(cache.TryGetAttributes("b", out var b, out _));
        Assert.Null(b);

        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.False(cache.TryGetAttributes("b", out _, out _));
        Assert.True(cache.TryGetListing("", out _));

        clock.Advance(TimeSpan.FromSeconds(25));
        Assert.False(cache.TryGetAttributes("a", out _, out _));
        Assert.False(cache.TryGetListing("", out _));
    }

    [Fact]
    public async Task The_cache_holds_no_more_entries_than_its_bound()
    {
        var clock = new ManualClock(Start);
        using var cache = new MetadataCache(1000, TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(5), clock);
        for (var i = 0; i < 20_000; i++)
            cache.SetAttributes("f" + i, File, clock.GetUtcNow());
        // MemoryCache compacts in the background once over its size limit
        for (var wait = 0; wait < 100 && cache.Count > 1000; wait++)
            await Task.Delay(20);
        Assert.InRange(cache.Count, 1, 1000);
    }

    [Fact]
    public void A_listing_larger_than_the_whole_cache_is_not_kept()
    {
        var clock = new ManualClock(Start);
        using var cache = new MetadataCache(1000, TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(5), clock);
        var entries = Enumerable.Range(0, 1500).Select(i => new DirectoryEntry("f" + i, File)).ToArray();
        cache.SetListing("big", new DirectoryListing(entries, clock.GetUtcNow()));
        Assert.False(cache.TryGetListing("big", out _));
    }

    private static string[] Names(DirectoryListing listing) => listing.Entries.Select(e => e.Name).ToArray();

    [Fact]
    public void A_listing_fetched_while_files_were_made_and_removed_in_its_folder_is_kept_with_those_changes()
    {
        var clock = new ManualClock(Start);
        using var cache = new MetadataCache(1000, TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(5), clock);
        var fetched = new DirectoryListing([new DirectoryEntry("a", File), new DirectoryEntry("old", File)], Start);

        var seen = cache.Changes; // the fetch begins
        cache.UpdateListing("d", l => l.With(new DirectoryEntry("new", File))); // created through the mount meanwhile
        cache.UpdateListing("d", l => l.Without("old"));
        cache.UpdateListing("other", l => l.With(new DirectoryEntry("elsewhere", File)));
        cache.Forget("d/a"); // a file of the folder forgotten: not the folder's listing

        Assert.Equal(["a", "new"], Names(cache.SetFetchedListing("d", fetched, seen)!));
        Assert.True(cache.TryGetListing("d", out var kept));
        Assert.Equal(["a", "new"], Names(kept));
        // a fetch that began after the changes replays none of them
        Assert.Equal(["a", "old"], Names(cache.SetFetchedListing("d", fetched, cache.Changes)!));
    }

    [Fact]
    public void A_listing_fetched_while_its_folder_was_forgotten_is_not_kept()
    {
        var clock = new ManualClock(Start);
        using var cache = new MetadataCache(1000, TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(5), clock);
        var fetched = new DirectoryListing([new DirectoryEntry("f", File)], Start);

        var seen = cache.Changes;
        cache.Forget("x");
        cache.InvalidateTree("t");
        cache.Invalidate("p/file", "p");
        Assert.Equal(seen + 3, cache.Changes);

        foreach (var folder in new[] { "x", "t", "t/below", "p/file", "p" })
        {
            Assert.Null(cache.SetFetchedListing(folder, fetched, seen));
            Assert.False(cache.TryGetListing(folder, out _));
        }
        Assert.NotNull(cache.SetFetchedListing("tx", fetched, seen)); // not below "t"
        Assert.NotNull(cache.SetFetchedListing("x", fetched, cache.Changes));
        cache.InvalidateTree("");
        Assert.Null(cache.SetFetchedListing("any/where", fetched, seen));
    }

    [Fact]
    public void The_changes_kept_for_listings_under_way_are_bounded_and_a_fetch_older_than_all_of_them_is_not_kept()
    {
        var clock = new ManualClock(Start);
        using var cache = new MetadataCache(1000, TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(5), clock);
        var fetched = new DirectoryListing([new DirectoryEntry("f", File)], Start);
        var seen = cache.Changes;
        for (var i = 0; i < RecentListingChanges.Capacity + 1; i++)
            cache.UpdateListing("busy", l => l);

        Assert.NotNull(cache.SetFetchedListing("quiet", fetched, seen + 2)); // every change after it is still kept
        Assert.Null(cache.SetFetchedListing("quiet", fetched, seen)); // the first change after it was pushed out
    }

    [Fact]
    public void Invalidate_forgets_the_path_and_its_parent_listing()
    {
        var clock = new ManualClock(Start);
        using var cache = new MetadataCache(1000, TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(5), clock);
        cache.SetAttributes("d/a", File, clock.GetUtcNow());
        cache.SetListing("d", new DirectoryListing([new DirectoryEntry("a", File)], clock.GetUtcNow()));
        cache.Invalidate("d/a", "d");
        Assert.False(cache.TryGetAttributes("d/a", out _, out _));
        Assert.False(cache.TryGetListing("d", out _));
    }
}
