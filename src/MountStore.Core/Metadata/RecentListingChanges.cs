using MountStore.Core.Model;

namespace MountStore.Core.Metadata;

/// <summary>
/// The last changes made through the mount to folder listings, so a listing fetched from the
/// store while they were made can be brought up to date before it is shown and kept. A LIST
/// that the server answered before a file was created (or removed) here, and that lands after,
/// would otherwise hide that change until the TTL.
/// </summary>
/// <remarks>
/// Every change has a stamp (the cache's change count when it was made), so a fetch that noted
/// the count when it began replays exactly the changes after it, in order. A change is a
/// function on the folder's listing (a file shown or removed), or a drop: the folder's listing
/// (or, for a tree, every listing below it) was forgotten because what it shows became unknown,
/// and a fetch from before cannot be trusted. Memory: at most <see cref="Capacity"/> changes;
/// a fetch older than all of them is not trusted either (it is shown, not kept).
/// Not thread-safe: the cache calls it under its listing lock.
/// </remarks>
internal sealed class RecentListingChanges
{
    /// <summary>Changes remembered; a fetch spans a few requests, so this is many times what one sees.</summary>
    public const int Capacity = 1024;

    private readonly Change[] _ring = new Change[Capacity];
    private int _next;
    private int _count;

    private readonly record struct Change(long Stamp, string Folder, Func<DirectoryListing, DirectoryListing>? Apply, bool WholeTree);

    /// <summary>A change to the listing of <paramref name="folder"/>.</summary>
    public void Changed(long stamp, string folder, Func<DirectoryListing, DirectoryListing> apply) => Add(new Change(stamp, folder, apply, false));

    /// <summary>The listing of <paramref name="folder"/> (with <paramref name="wholeTree"/>, every listing at or below it) was forgotten.</summary>
    public void Dropped(long stamp, string folder, bool wholeTree = false) => Add(new Change(stamp, folder, null, wholeTree));

    private void Add(Change change)
    {
        _ring[_next] = change;
        _next = (_next + 1) % Capacity;
        _count = Math.Min(_count + 1, Capacity);
    }

    /// <summary>
    /// <paramref name="fetched"/>, a listing of <paramref name="folder"/> fetched from when the
    /// change count was <paramref name="since"/>, with every later change to that folder applied;
    /// null when one of them dropped the folder, or when changes after <paramref name="since"/> are
    /// no longer all remembered.
    /// </summary>
    public DirectoryListing? Replay(string folder, long since, DirectoryListing fetched)
    {
        var later = 0;
        while (later < _count && At(_count - 1 - later).Stamp > since)
            later++;
        // every change kept is later, and the ring is full: older later ones may have been pushed out
        if (later == Capacity)
            return null;
        var listing = fetched;
        for (var i = _count - later; i < _count; i++)
        {
            var change = At(i);
            if (!Touches(change, folder))
                continue;
            if (change.Apply is null)
                return null;
            listing = change.Apply(listing);
        }
        return listing;
    }

    /// <summary>The i-th change kept, oldest first.</summary>
    private Change At(int i) => _ring[(_next - _count + i + Capacity) % Capacity];

    private static bool Touches(Change change, string folder) =>
        change.Folder == folder
        || (change.WholeTree && (change.Folder.Length == 0 || folder.StartsWith(change.Folder + "/", StringComparison.Ordinal)));
}
