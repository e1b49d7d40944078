using System.Security.Cryptography;
using System.Text;
using MountStore.Core.Storage;
using MountStore.Swift;

namespace MountStore.Store.Tests.Swift;

/// <summary>
/// The maps of SLO segments that let a ranged read go straight to a segment: taken only for the
/// very version being read, never for manifests they cannot describe, and bounded in number.
/// </summary>
public sealed class SloSegmentMapsTests
{
    private const int MiB = 1 << 20;

    private static string Md5(string text) => Convert.ToHexStringLower(MD5.HashData(Encoding.ASCII.GetBytes(text)));

    /// <summary>A manifest of segments of the given sizes and the SLO it makes (ETag as Swift computes it).</summary>
    private static (ObjectInfo Whole, List<SwiftManifestEntry> Entries) Slo(string key, params long[] sizes)
    {
        var entries = sizes.Select((size, i) => new SwiftManifestEntry
        {
            Name = $"/segs/{key}/{i:D8}",
            Hash = Md5($"{key}-{i}-{size}-{sizes.Length}"),
            Bytes = size,
        }).ToList();
        var etag = Md5(string.Concat(entries.Select(e => e.Hash)));
        return (new ObjectInfo(key, sizes.Sum(), etag, DateTimeOffset.UnixEpoch, null, new Dictionary<string, string>()), entries);
    }

    [Fact]
    public void A_range_inside_one_segment_is_found_there_and_one_across_a_segment_end_is_not()
    {
        var maps = new SloSegmentMaps();
        var (whole, entries) = Slo("a", 4 * MiB, 4 * MiB, MiB + 7);
        Assert.True(maps.StartLoading("a", whole.ETag));
        Assert.True(maps.Keep("a", whole, entries));

        var read = maps.Find("a", $"\"{whole.ETag.ToUpperInvariant()}\"", 5 * MiB, MiB)!.Value;
        Assert.Equal(new SwiftSegment("segs", "a/00000001", entries[1].Hash, 4 * MiB), read.Segment);
        Assert.Equal(MiB, read.OffsetInSegment);
        Assert.Equal(4 * MiB, read.SegmentStart);
        Assert.Same(whole, read.Whole);
        Assert.Equal(0, maps.Find("a", whole.ETag, 0, 4 * MiB)!.Value.OffsetInSegment);
        Assert.Equal("a/00000002", maps.Find("a", whole.ETag, 8 * MiB, MiB + 7)!.Value.Segment.Name);

        Assert.Null(maps.Find("a", whole.ETag, 4 * MiB - 1, 2)); // crosses the first segment's end
        Assert.Null(maps.Find("a", whole.ETag, 8 * MiB, MiB + 8)); // past the object's end
        Assert.Null(maps.Find("a", Md5("another version"), 0, 10));
        Assert.Null(maps.Find("b", whole.ETag, 0, 10));
    }

    [Fact]
    public void A_manifest_that_is_not_the_version_read_or_not_plain_segments_is_not_mapped()
    {
        var (whole, entries) = Slo("a", MiB, MiB);
        Assert.False(Maps(whole with { ETag = Md5("newer") }, entries)); // the manifest of another version
        Assert.False(Maps(whole with { Size = 3 * MiB }, entries)); // sizes that do not add up
        Assert.False(Maps(whole, null)); // nothing readable
        Assert.False(Maps(whole, [entries[0], new SwiftManifestEntry { Name = entries[1].Name, Hash = entries[1].Hash, Bytes = MiB, Range = "0-99" }]));
        Assert.False(Maps(whole, [entries[0], new SwiftManifestEntry { Name = entries[1].Name, Hash = entries[1].Hash, Bytes = MiB, SubSlo = true }]));
        Assert.False(Maps(whole, [entries[0], new SwiftManifestEntry { Data = "AAAA", Bytes = 3 }]));
        Assert.True(Maps(whole, entries));
    }

    /// <summary>Loads a map as the store does; checks that a version found unmappable is not loaded again, and that it finds nothing.</summary>
    private static bool Maps(ObjectInfo whole, List<SwiftManifestEntry>? entries)
    {
        var maps = new SloSegmentMaps();
        Assert.True(maps.StartLoading("a", whole.ETag));
        var kept = maps.Keep("a", whole, entries);
        Assert.False(maps.StartLoading("a", whole.ETag));
        Assert.Equal(kept, maps.Find("a", whole.ETag, 0, 10) is not null);
        return kept;
    }

    [Fact]
    public void A_new_version_is_loaded_again()
    {
        var maps = new SloSegmentMaps();
        var (whole, entries) = Slo("a", MiB);
        Assert.True(maps.StartLoading("a", whole.ETag));
        Assert.True(maps.Keep("a", whole, entries));
        var (next, nextEntries) = Slo("a", 2 * MiB);
        Assert.True(maps.StartLoading("a", next.ETag));
        Assert.Null(maps.Find("a", whole.ETag, 0, 10));
        Assert.True(maps.Keep("a", next, nextEntries));
        Assert.NotNull(maps.Find("a", next.ETag, MiB, MiB));
    }

    [Fact]
    public void A_late_map_of_an_older_version_does_not_replace_the_newer_one_being_loaded()
    {
        var maps = new SloSegmentMaps();
        var (old, oldEntries) = Slo("a", MiB);
        var (newer, newerEntries) = Slo("a", MiB, MiB);
        Assert.True(maps.StartLoading("a", old.ETag));
        Assert.True(maps.StartLoading("a", newer.ETag));

        Assert.False(maps.Keep("a", old, oldEntries));
        Assert.Null(maps.Find("a", old.ETag, 0, 10));
        Assert.True(maps.Keep("a", newer, newerEntries));
        Assert.NotNull(maps.Find("a", newer.ETag, MiB, 10));
    }

    [Fact]
    public void The_maps_are_bounded_and_the_least_recently_used_goes_first()
    {
        var maps = new SloSegmentMaps(capacity: 3);
        var slos = Enumerable.Range(0, 5).Select(i => Slo($"o{i}", MiB)).ToList();
        for (var i = 0; i < 3; i++)
            Assert.True(maps.Keep($"o{i}", slos[i].Whole, slos[i].Entries));
        Assert.NotNull(maps.Find("o0", slos[0].Whole.ETag, 0, 10)); // o1 is now the least recently used

        Assert.True(maps.Keep("o3", slos[3].Whole, slos[3].Entries));
        Assert.True(maps.StartLoading("o4", slos[4].Whole.ETag)); // a load in progress takes a place too

        Assert.Equal(3, maps.Count);
        Assert.NotNull(maps.Find("o3", slos[3].Whole.ETag, 0, 10));
        Assert.Null(maps.Find("o1", slos[1].Whole.ETag, 0, 10));
        Assert.Null(maps.Find("o2", slos[2].Whole.ETag, 0, 10));
        Assert.NotNull(maps.Find("o0", slos[0].Whole.ETag, 0, 10));

        // a version given up (a segment read failed) keeps its place but finds nothing
        Assert.False(maps.Keep("o0", slos[0].Whole, null));
        Assert.Null(maps.Find("o0", slos[0].Whole.ETag, 0, 10));
        Assert.False(maps.StartLoading("o0", slos[0].Whole.ETag));
        Assert.Equal(3, maps.Count);
    }

    [Fact]
    public void A_manifest_with_more_segments_than_the_limit_is_not_mapped()
    {
        var maps = new SloSegmentMaps();
        var (whole, entries) = Slo("many", Enumerable.Repeat(1L, SloSegmentMaps.MaxSegments + 1).ToArray());
        Assert.False(maps.Keep("many", whole, entries));
        var (fits, fitting) = Slo("fits", Enumerable.Repeat(1L, SloSegmentMaps.MaxSegments).ToArray());
        Assert.True(maps.Keep("fits", fits, fitting));
        Assert.Equal(SloSegmentMaps.MaxSegments - 1, maps.Find("fits", fits.ETag, SloSegmentMaps.MaxSegments - 1, 1)!.Value.SegmentStart);
    }
}
