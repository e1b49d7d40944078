using Microsoft.Extensions.Logging;
using MountStore.Core.Model;

namespace MountStore.Core.Metadata;

/// <summary>
/// Lists ahead the folders a tree walk opens next. `find`, `ls -R`, `du` and `rsync` open a
/// folder's subfolders one after another in listing order and wait for each LIST in turn, so a
/// cold walk of 100 folders costs 100 round trips end to end. When a folder is opened for
/// reading, its first subfolder is listed in the background; when the walk then goes down into
/// a subfolder of a folder it opened, the subtrees of the subfolders after it are listed flat, in
/// at most <c>parallel</c> ranges side by side (<see cref="SubtreeListing"/>): the walk finds them
/// listed, or waits for the listing under way, instead of asking for each.
/// </summary>
/// <remarks>
/// Only a walk's descent starts the flat listing, so opening one folder (`ls`, a file manager)
/// costs one LIST ahead at most. At most the <c>ahead</c> entries after the folder the walk is in
/// are looked at, and at most <c>maxNames</c> names listed for them; a folder already listed and
/// fresh, or being listed, is not asked for again, and a later step of the walk starts the next
/// ranges. A range's keys may include those of a folder outside the window, sorted among them by
/// a name with characters before '/': they are skipped, only the wanted folders are built.
/// </remarks>
public sealed class ListingLookAhead(Func<string, Task> list, Func<string, bool> listing, MetadataCache cache, SubtreeListing subtrees,
    int ahead, int parallel, int maxNames, ILogger logger)
{
    /// <summary>
    /// Folders remembered as opened, to tell a walk's descent from a single `ls`, and folders
    /// remembered as being walked (a descent into one of their subfolders was seen), so a walk
    /// that comes back up from a deep subtree is still known as one: a walk is rarely more than
    /// this many folders deep.
    /// </summary>
    private const int Kept = 32;

    private readonly SemaphoreSlim _slots = new(Math.Max(parallel, 1), Math.Max(parallel, 1));
    private readonly string[] _opened = new string[Kept];
    private readonly string[] _walked = new string[Kept];
    private int _nextOpened, _nextWalked;
    private long _listed;

    /// <summary>Folders listed ahead of a walk since the mount started (for tests and statistics).</summary>
    public long Listed => Interlocked.Read(ref _listed) + subtrees.Listed;

    /// <summary>Folder <paramref name="path"/> was opened for reading with <paramref name="listing"/>.</summary>
    public void Opened(string path, DirectoryListing listing)
    {
        if (ahead <= 0)
            return;
        var parent = PathNames.ParentOf(path);
        var descending = path.Length > 0 && (WasIn(_walked, parent) || WasIn(_opened, parent));
        if (descending && !WasIn(_walked, parent))
            Remember(_walked, ref _nextWalked, parent);
        Remember(_opened, ref _nextOpened, path);
        if (listing.Entries.FirstOrDefault(e => e.Attributes.IsDirectory) is { } firstChild)
            Start(PathNames.Join(path, firstChild.Name));
        if (descending && cache.TryGetListing(parent, out var parentListing))
            ListSubtreesAfter(parent, parentListing, PathNames.NameOf(path));
    }

    /// <summary>
    /// Lists flat the subtrees of the subfolders among the <c>ahead</c> entries that follow
    /// <paramref name="name"/> in <paramref name="parent"/>, those not listed yet: when half of
    /// them are, or when the walk's next folder is, so a folder of many subfolders is listed in
    /// batches rather than one folder per step of the walk. Only that window is looked at, so each
    /// step costs the same in a folder of 100,000 subfolders.
    /// </summary>
    private void ListSubtreesAfter(string parent, DirectoryListing parentListing, string name)
    {
        var index = parentListing.IndexOf(name);
        if (index < 0)
            return;
        var entries = parentListing.Entries;
        var window = new List<string>();
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        var nextIsWanted = false;
        for (var next = index + 1; next < entries.Count && next <= index + ahead; next++)
        {
            if (!entries[next].Attributes.IsDirectory)
                continue;
            window.Add(entries[next].Name);
            if (!IsKnown(PathNames.Join(parent, entries[next].Name)) && wanted.Add(entries[next].Name) && window.Count == 1)
                nextIsWanted = true;
        }
        if (wanted.Count == 0 || (!nextIsWanted && wanted.Count < Math.Max(ahead / 2, 1)))
            return;
        var ranges = SiblingRanges.Split(window, wanted, parallel);
        foreach (var range in ranges)
            subtrees.Start(parent, range.Select(folder => PathNames.Join(parent, folder)).ToList(), maxNames / ranges.Count, _slots);
    }

    private bool IsKnown(string folder) => listing(folder) || cache.HasListing(folder);

    private void Start(string folder)
    {
        if (!IsKnown(folder))
            _ = ListOneAsync(folder);
    }

    private async Task ListOneAsync(string folder)
    {
        if (!await _slots.WaitAsync(0).ConfigureAwait(false))
            return; // enough ahead already: the walk lists it itself when it gets there
        try
        {
            Interlocked.Increment(ref _listed);
            await list(folder).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // the walk asks again when it opens the folder, and reports a failure then
            logger.LogDebug("Listing '{Folder}' ahead of a walk failed: {Message}", folder, e.Message);
        }
        finally
        {
            _slots.Release();
        }
    }

    private static void Remember(string[] recent, ref int next, string path)
    {
        lock (recent)
        {
            recent[next] = path;
            next = (next + 1) % recent.Length;
        }
    }

    private static bool WasIn(string[] recent, string path)
    {
        lock (recent)
            return Array.IndexOf(recent, path) >= 0;
    }
}
