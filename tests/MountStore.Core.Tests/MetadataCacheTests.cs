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

    [Fact]
    public void A_listing_fetched_before_a_change_made_through_the_mount_is_not_kept()
    {
        var clock = new ManualClock(Start);
        using var cache = new MetadataCache(1000, TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(5), clock);
        var listing = new DirectoryListing([new DirectoryEntry("f", File)], Start);

        var seen = cache.Changes;
        Assert.True(cache.SetListingUnlessChanged("a", listing, seen));
        cache.UpdateListing("b", l => l); // a file created in another folder: the flat listing may have missed it
        Assert.False(cache.SetListingUnlessChanged("c", listing, seen));
        Assert.False(cache.TryGetListing("c", out _));
        cache.Forget("x");
        cache.InvalidateTree("y");
        cache.Invalidate("z", "");
        Assert.Equal(seen + 4, cache.Changes);
        Assert.True(cache.SetListingUnlessChanged("c", listing, cache.Changes));
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
