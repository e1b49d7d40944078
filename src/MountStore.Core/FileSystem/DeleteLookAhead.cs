using MountStore.Core.Metadata;
using MountStore.Core.Model;
using MountStore.Core.Namespace;
using MountStore.Core.Storage;

namespace MountStore.Core.FileSystem;

/// <summary>
/// Asks about the next files of a folder while one is deleted. `rm -r`, `find -delete` and
/// `rsync --delete` unlink a folder's files one after another in listing order, and on Swift each
/// delete first asks what the object is (a large object takes its segments along; a version
/// changed elsewhere is not deleted), so every file cost a HEAD and a DELETE end to end. A delete
/// now takes the answer of the last moment (<see cref="RecentAnswers"/>: a lookup's HEAD of the
/// name, or what this class asked), and once two files of one folder are unlinked in a row, the
/// files after the last are asked about in the background: with one listing page (as many
/// names from the last one on as the run deletes in most of a second: <see cref="FilesPerListing"/>)
/// where a listing row tells a large object (<see cref="StoreLimits.ListingsMarkLargeObjects"/>),
/// with a HEAD each, a few at a time, where it does not. Only the DELETE is waited for, and with
/// the listing the server answers one request where it answered one per file (measured on the
/// local Swift, `rm -r` of 1,000 files this mount wrote: 7.9 s with a HEAD beside each DELETE,
/// 6.0 s with the listing, 6.0 s with no question at all). A single unlink starts nothing, so
/// `rm one-file` costs no request it does not need.
/// </summary>
/// <remarks>
/// <para>A listing row answers what the HEAD did only for a plain object: Swift marks an SLO's row
/// (<see cref="ObjectInfo.IsSegmented"/>), and an empty row may be a DLO's manifest, whose
/// segments the row does not name. Those rows are not kept, and their deletes ask for themselves.
/// A DLO manifest with a body of its own would pass for a plain object; no tool writes one.</para>
/// <para>A file being written here (<c>onlyHere</c>: open, or waiting for its upload) is not
/// answered: the store has nothing to say of it yet.</para>
/// <para>An answer may be up to <c>freshFor</c> old when its delete takes it: a version stored
/// elsewhere within that moment is deleted as the one this mount saw, where the delete's own HEAD
/// would have kept it. The delete's own HEAD always left such a window before its DELETE; it is
/// widened from milliseconds to at most <c>freshFor</c>, and, where the store's listings trail its
/// writes (a Swift cluster whose container updates are queued), by that delay.</para>
/// </remarks>
public sealed class DeleteLookAhead(
    Func<ListRequest, Task<ListingPage>> list, Func<string, NodeAttributes, Task> load, Func<bool> listingsMarkLargeObjects,
    ObjectNamespace names, RecentAnswers answers, Func<string, bool> onlyHere, TimeProvider clock, int ahead, int parallel, TimeSpan freshFor)
{
    /// <summary>
    /// Fewest names one listing asks about. A LIST of 32 rows takes the local Swift 5.5 ms, under
    /// two HEADs (3.1 ms each).
    /// </summary>
    public const int FewestPerListing = 32;

    /// <summary>
    /// Most names one listing asks about. A listing makes Swift's container server fold in the
    /// deletes it has queued, and a DELETE that meets it waits for it (measured at the local Swift
    /// during `rm -r`: 18-20 ms against 6 ms); pages of 128 instead of 32 rows made such
    /// meetings 8 instead of 35 in 1,000 deletes.
    /// </summary>
    public const int MostPerListing = 128;

    /// <summary>
    /// Share of <c>freshFor</c> the deletes may take to reach a page's last row: past it the
    /// page's answers are too old to take, and the deletes would ask for themselves.
    /// </summary>
    private const double PageSpan = 0.75;

    private readonly SemaphoreSlim _slots = new(Math.Max(parallel, 1), Math.Max(parallel, 1));
    private readonly Lock _lock = new();
    private readonly HashSet<string> _listing = new(StringComparer.Ordinal);
    private (string Folder, DateTimeOffset At)? _lastUnlink;
    // time between two unlinks of the run, smoothed: one slow DELETE does not shrink the next page
    private TimeSpan? _pace;
    // how far the last listing page reached: the rows it did not answer (a large object, an
    // empty file) are not listed again for every delete that sees them coming
    private (string Folder, string LastKey, DateTimeOffset AskedAt)? _covered;
    private long _answeredAhead;
    private long _listingsDone;

    /// <summary>Deletes that took a fresh answer instead of asking for themselves (for tests and statistics).</summary>
    public long AnsweredAhead => Interlocked.Read(ref _answeredAhead);

    /// <summary>Listings asked ahead that have ended, answered or not (for tests).</summary>
    public long ListingsDone => Interlocked.Read(ref _listingsDone);

    /// <summary>
    /// File <paramref name="path"/> is about to be deleted, and <paramref name="listing"/> is its
    /// folder's listing, which still holds it. When this continues a run and one of the next
    /// <c>ahead</c> files has no fresh answer, the folder is listed from here on.
    /// </summary>
    public void Unlinking(string path, DirectoryListing? listing)
    {
        if (ahead <= 0)
            return;
        var folder = PathNames.ParentOf(path);
        var now = clock.GetUtcNow();
        bool inARow;
        lock (_lock)
        {
            var gap = _lastUnlink is { } last && last.Folder == folder ? now - last.At : (TimeSpan?)null;
            inARow = gap < freshFor;
            _pace = !inARow ? null : _pace is { } pace ? pace + (gap!.Value - pace) / 4 : gap;
            _lastUnlink = (folder, now);
        }
        if (!inARow || listing is null)
            return;
        var unanswered = NextUnanswered(folder, PathNames.NameOf(path), listing, now);
        if (unanswered.Count == 0)
            return;
        if (!listingsMarkLargeObjects())
        {
            // a row cannot tell a large object here (Swift before 2.19): a HEAD each
            foreach (var (sibling, listed) in unanswered)
                _ = AskAsync(sibling, listed);
            return;
        }
        lock (_lock)
        {
            if (!_listing.Add(folder))
                return; // the listing in flight answers them
        }
        _ = ListAfterAsync(folder, path);
    }

    /// <summary>
    /// A fresh answer for <paramref name="key"/> that shows <paramref name="version"/>, the
    /// version the delete means; null otherwise, and the delete asks for itself. An answer of
    /// another version is older than what this mount knows (it stored a new one since), or tells
    /// of a change elsewhere, which the delete's own HEAD then confirms. A large object's answer
    /// is not handed on either: how its segments go is read from its manifest, by the delete.
    /// </summary>
    public ObjectInfo? Take(string key, string? version)
    {
        if (answers.Take(key) is not { } answer || !VersionChecks.Same(version, answer.ETag) || answer.IsSegmented)
            return null;
        Interlocked.Increment(ref _answeredAhead);
        return answer;
    }

    /// <summary>The next <c>ahead</c> files after <paramref name="name"/> that no fresh answer or listing page covers.</summary>
    private List<(string Path, NodeAttributes Listed)> NextUnanswered(string folder, string name, DirectoryListing listing, DateTimeOffset now)
    {
        (string Folder, string LastKey, DateTimeOffset AskedAt)? covered;
        lock (_lock)
            covered = _covered;
        var unanswered = new List<(string, NodeAttributes)>();
        var index = listing.IndexOf(name);
        if (index < 0)
            return unanswered;
        var entries = listing.Entries;
        var looked = 0;
        for (var next = index + 1; next < entries.Count && looked < ahead; next++)
        {
            if (entries[next].Attributes.IsDirectory)
                continue;
            looked++;
            var sibling = PathNames.Join(folder, entries[next].Name);
            var key = names.KeyOf(sibling);
            var listedLately = covered is { } c && c.Folder == folder && string.CompareOrdinal(key, c.LastKey) <= 0 && now - c.AskedAt < freshFor;
            if (!onlyHere(sibling) && !answers.HasFresh(key) && !listedLately)
                unanswered.Add((sibling, entries[next].Attributes));
        }
        return unanswered;
    }

    private async Task AskAsync(string path, NodeAttributes listed)
    {
        if (!await _slots.WaitAsync(0).ConfigureAwait(false))
            return; // enough in flight: the delete asks for itself when it gets there
        try
        {
            await load(path, listed).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // the delete asks for itself, and reports a failure then
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>
    /// Names the next listing asks about: as many as the run deletes within
    /// <see cref="PageSpan"/> of <c>freshFor</c> at its pace, between <see cref="FewestPerListing"/>
    /// and <see cref="MostPerListing"/>.
    /// </summary>
    public int FilesPerListing()
    {
        TimeSpan? pace;
        lock (_lock)
            pace = _pace;
        if (pace is not { } p || p <= TimeSpan.Zero)
            return MostPerListing;
        return (int)Math.Clamp(freshFor * PageSpan / p, FewestPerListing, MostPerListing);
    }

    private static string? LastKeyOf(ListingPage page)
    {
        var lastObject = page.Objects.Count > 0 ? page.Objects[^1].Key : null;
        var lastPrefix = page.CommonPrefixes.Count > 0 ? page.CommonPrefixes[^1] : null;
        return string.CompareOrdinal(lastObject, lastPrefix) >= 0 ? lastObject : lastPrefix;
    }

    private async Task ListAfterAsync(string folder, string path)
    {
        try
        {
            if (!await _slots.WaitAsync(0).ConfigureAwait(false))
                return; // enough in flight: the deletes ask for themselves meanwhile
            try
            {
                var askedAt = clock.GetUtcNow();
                var prefix = names.DirectoryPrefixOf(folder);
                var page = await list(new ListRequest(prefix, "/", MaxKeys: FilesPerListing(), StartAfter: names.KeyOf(path))).ConfigureAwait(false);
                foreach (var row in page.Objects)
                {
                    if (row.Size > 0 && !row.IsSegmented && row.Key.Length > prefix.Length && !onlyHere(names.PathOf(row.Key)))
                        answers.Note(row, askedAt);
                }
                var lastKey = page.ContinuationToken is null ? null : LastKeyOf(page);
                lock (_lock)
                    _covered = (folder, lastKey ?? prefix + char.MaxValue, askedAt); // no more pages: it reached the folder's end
            }
            finally
            {
                _slots.Release();
            }
        }
        catch (Exception)
        {
            // the deletes ask for themselves, and report a failure then
        }
        finally
        {
            lock (_lock)
                _listing.Remove(folder);
            Interlocked.Increment(ref _listingsDone);
        }
    }
}
