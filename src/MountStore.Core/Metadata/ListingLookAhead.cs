using Microsoft.Extensions.Logging;
using MountStore.Core.Model;

namespace MountStore.Core.Metadata;

/// <summary>
/// Lists ahead the folders a tree walk opens next. `find`, `ls -R`, `du` and `rsync` open a
/// folder's subfolders one after another in listing order and wait for each LIST in turn, so a
/// cold walk of 100 folders costs 100 round trips end to end. When a folder is opened for
/// reading, the next few folders beside it in its parent's listing, and its own first
/// subfolder, are listed in the background, a few at a time: the walk finds them listed (or
/// joins the LIST in flight) instead of waiting for each. A folder already listed and fresh is
/// not asked for again, nor one being listed now (<paramref name="listing"/>), and when every
/// slot is busy nothing more is started, so a walk never has more than <c>parallel</c> LISTs
/// ahead of it.
/// </summary>
public sealed class ListingLookAhead(Func<string, Task> list, Func<string, bool> listing, MetadataCache cache, int ahead, int parallel, ILogger logger)
{
    private readonly SemaphoreSlim _slots = new(Math.Max(parallel, 1), Math.Max(parallel, 1));
    private long _listed;

    /// <summary>Folders listed ahead of a walk since the mount started (for tests and statistics).</summary>
    public long Listed => Interlocked.Read(ref _listed);

    /// <summary>Folder <paramref name="path"/> was opened for reading with <paramref name="listing"/>.</summary>
    public void Opened(string path, DirectoryListing listing)
    {
        if (ahead <= 0)
            return;
        if (listing.Entries.FirstOrDefault(e => e.Attributes.IsDirectory) is { } firstChild)
            Start(PathNames.Join(path, firstChild.Name));
        var parent = PathNames.ParentOf(path);
        if (path.Length == 0 || !cache.TryGetListing(parent, out var parentListing))
            return;
        var entries = parentListing.Entries;
        var index = parentListing.IndexOf(PathNames.NameOf(path));
        if (index < 0)
            return;
        var started = 0;
        for (var next = index + 1; next < entries.Count && started < ahead; next++)
        {
            if (!entries[next].Attributes.IsDirectory)
                continue;
            started++;
            Start(PathNames.Join(parent, entries[next].Name));
        }
    }

    private void Start(string folder)
    {
        if (listing(folder) || cache.TryGetListing(folder, out _))
            return;
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
}
