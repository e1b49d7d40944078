using MountStore.Core.Model;

namespace MountStore.Core.Tests;

/// <summary>
/// A listing changed through the mount (a file created, replaced or removed) keeps the store's
/// order and its lookup by name, whether the store sorted it by UTF-8 bytes or otherwise.
/// </summary>
public sealed class DirectoryListingTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static NodeAttributes FileOf(long size) => new(NodeKind.File, size, 420, 0, 0, Start, $"etag-{size}", false);

    private static DirectoryListing ListingOf(params string[] names) =>
        new(names.Select((name, i) => new DirectoryEntry(name, FileOf(i))).ToList(), Start);

    private static string[] NamesOf(DirectoryListing listing) => listing.Entries.Select(e => e.Name).ToArray();

    [Fact]
    public void Replacing_and_removing_entries_keeps_the_utf8_order_and_the_lookup_by_name()
    {
        // UTF-8 byte order: "Z" < "a" < "b" < "z" < "Ä" (C3 84) < "é" (C3 A9)
        var listing = ListingOf("Z", "a", "b", "z", "Ä", "é");

        var replaced = listing.With(new DirectoryEntry("b", FileOf(100)));
        Assert.Equal(["Z", "a", "b", "z", "Ä", "é"], NamesOf(replaced));
        Assert.Equal(100, replaced.Find("b")!.Attributes.Size);
        Assert.Equal(2, replaced.IndexOf("b"));
        Assert.Equal(2, listing.Find("b")!.Attributes.Size); // the old snapshot is unchanged

        var added = replaced.With(new DirectoryEntry("c", FileOf(7)));
        Assert.Equal(["Z", "a", "b", "c", "z", "Ä", "é"], NamesOf(added));

        var removed = added.Without("Ä").Without("Z").Without("missing");
        Assert.Equal(["a", "b", "c", "z", "é"], NamesOf(removed));
        Assert.Null(removed.Find("Ä"));
        Assert.Equal(4, removed.IndexOf("é"));
    }

    [Fact]
    public void Entries_equal_in_all_but_name_are_told_apart()
    {
        // same attributes: the entries differ by name only, and only the named one goes
        var same = FileOf(1);
        var listing = new DirectoryListing([new DirectoryEntry("a", same), new DirectoryEntry("b", same), new DirectoryEntry("c", same)], Start);

        Assert.Equal(["a", "c"], NamesOf(listing.Without("b")));
        Assert.Equal(["a", "b"], NamesOf(listing.Without("c")));
        Assert.Equal(["a", "b", "c"], NamesOf(listing.With(new DirectoryEntry("a", same))));
    }

    [Fact]
    public void An_entry_replaced_by_an_equal_one_can_be_replaced_and_removed_again()
    {
        // the lookup by name keeps its old object when the new one is equal (a chmod to the mode
        // a folder already has); the list holds the new one: both must still find it
        var listing = ListingOf("a", "b", "c");
        var again = listing.With(new DirectoryEntry("b", FileOf(1)));

        Assert.Equal(["a", "c"], NamesOf(again.Without("b")));
        var changed = again.With(new DirectoryEntry("b", FileOf(9)));
        Assert.Equal(["a", "b", "c"], NamesOf(changed));
        Assert.Equal(9, changed.Find("b")!.Attributes.Size);
        Assert.Equal(9, changed.Entries[1].Attributes.Size);
    }

    [Fact]
    public void A_listing_in_another_order_still_replaces_and_removes_the_named_entry()
    {
        // a store that sorts otherwise (here: not by bytes): the entry is found by looking at each
        var listing = ListingOf("b", "a", "é", "c");

        Assert.Equal(["b", "é", "c"], NamesOf(listing.Without("a")));
        Assert.Equal(["a", "é", "c"], NamesOf(listing.Without("b")));
        var replaced = listing.With(new DirectoryEntry("é", FileOf(50)));
        Assert.Equal(4, replaced.Entries.Count);
        Assert.Equal(50, replaced.Find("é")!.Attributes.Size);
        Assert.Single(replaced.Entries, e => e.Name == "é");
    }
}
