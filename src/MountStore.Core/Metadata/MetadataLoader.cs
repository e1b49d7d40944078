using Microsoft.Extensions.Logging;
using MountStore.Core.FileSystem;
using MountStore.Core.Namespace;
using MountStore.Core.Storage;
using MountStore.Core.Model;

namespace MountStore.Core.Metadata;

/// <summary>
/// Loads an object's own metadata (mtime, mode, owner: listings do not carry it) when a single
/// path is looked up, never when a folder is listed. `ls -l` and `find` therefore cost one LIST
/// per folder and show listing times, while `stat file`, `rsync` and `cp -p` see the stored
/// mtime. A lookup that needs a HEAD also starts HEADs for the next few files of the same folder
/// in listing order, a few at a time: tools that stat a folder's files one by one (rsync's
/// receiver does, in sorted order) find them loaded. One HEAD per path at a time.
/// </summary>
/// <remarks>
/// Each answer is also noted in <paramref name="answers"/>, when given, for a delete that follows
/// at once. The lookup's own request goes through <paramref name="lookupHead"/> when given (a GET
/// of the first bytes, kept for the read that follows); the loads ahead are plain HEADs.
/// </remarks>
public sealed class MetadataLoader(
    IObjectStore store, ObjectNamespace names, ObjectAttributes attributes, MetadataCache cache, TimeProvider clock, ILogger logger, RecentAnswers? answers = null,
    Func<string, CancellationToken, Task<ObjectInfo?>>? lookupHead = null)
{
    /// <summary>How many following files of the folder a lookup loads ahead.</summary>
    public const int LookAhead = 16;

    private readonly SingleFlight<NodeAttributes?> _inFlight = new();
    private readonly SemaphoreSlim _aheadSlots = new(8, 8);

    /// <summary>Heads issued ahead of a lookup (for tests).</summary>
    public long LoadedAhead => Interlocked.Read(ref _loadedAhead);

    private long _loadedAhead;

    /// <summary>The attributes of <paramref name="path"/> with its metadata; null when the object is gone.</summary>
    public async ValueTask<NodeAttributes?> LoadAsync(string path, DirectoryListing listing, CancellationToken cancellationToken)
    {
        var load = Start(path, ListedETag(path, listing), lookup: true);
        LoadAhead(path, listing);
        return await load.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The attributes of the listed file <paramref name="path"/> with its metadata, remembered as
    /// belonging to the version its listing row <paramref name="listed"/> shows; null when gone.
    /// </summary>
    public Task<NodeAttributes?> LoadListedAsync(string path, NodeAttributes listed) => Start(path, listed.ETag);

    /// <summary>
    /// The attributes of the listed folder <paramref name="path"/> with what its marker object
    /// holds (mode, owner, times); as <paramref name="listed"/> when it has no marker.
    /// </summary>
    public Task<NodeAttributes?> LoadListedDirectoryAsync(string path, NodeAttributes listed) =>
        _inFlight.Run(names.DirectoryMarkerOf(path), () => HeadMarkerAsync(path, listed));

    private async Task<NodeAttributes?> HeadMarkerAsync(string path, NodeAttributes listed)
    {
        var fetchedAt = clock.GetUtcNow();
        var marker = await store.HeadAsync(names.DirectoryMarkerOf(path), CancellationToken.None).ConfigureAwait(false);
        // a folder made only by the keys below it has nothing more to show than its listing did
        var loaded = marker is null ? listed with { MetadataLoaded = true } : attributes.Directory(marker.LastModified, marker.Metadata);
        cache.SetAttributes(path, loaded, fetchedAt);
        return loaded;
    }

    private static string? ListedETag(string path, DirectoryListing listing) => listing.Find(PathNames.NameOf(path))?.Attributes.ETag;

    private Task<NodeAttributes?> Start(string path, string? listedETag, bool lookup = false) =>
        _inFlight.Run(path, () => HeadAsync(path, listedETag, lookup ? lookupHead ?? store.HeadAsync : store.HeadAsync));

    private async Task<NodeAttributes?> HeadAsync(string path, string? listedETag, Func<string, CancellationToken, Task<ObjectInfo?>> head)
    {
        var fetchedAt = clock.GetUtcNow();
        var info = await head(names.KeyOf(path), CancellationToken.None).ConfigureAwait(false);
        if (info is null)
        {
            cache.SetAbsent(path, fetchedAt);
            return null;
        }
        answers?.Note(info, fetchedAt);
        var loaded = attributes.File(info, metadataLoaded: true);
        if (listedETag is not null && listedETag != loaded.ETag)
            loaded = loaded with { ListingETag = listedETag };
        cache.SetAttributes(path, loaded, fetchedAt);
        return loaded;
    }

    private void LoadAhead(string path, DirectoryListing listing)
    {
        var parent = PathNames.ParentOf(path);
        var entries = listing.Entries;
        var index = listing.IndexOf(PathNames.NameOf(path));
        if (index < 0)
            return;
        var queued = 0;
        for (var next = index + 1; next < entries.Count && queued < LookAhead; next++)
        {
            var entry = entries[next];
            if (entry.Attributes.IsDirectory || entry.Attributes.MetadataLoaded)
                continue;
            var sibling = PathNames.Join(parent, entry.Name);
            if (cache.TryGetAttributes(sibling, out var known, out _) && known is { MetadataLoaded: true })
                continue;
            queued++;
            _ = LoadOneAheadAsync(sibling, entry.Attributes.ETag);
        }
    }

    private async Task LoadOneAheadAsync(string path, string? listedETag)
    {
        if (!await _aheadSlots.WaitAsync(0).ConfigureAwait(false))
            return; // enough in flight already: the lookup will load it when it comes
        try
        {
            Interlocked.Increment(ref _loadedAhead);
            await Start(path, listedETag).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            logger.LogDebug("Loading the metadata of '{Path}' ahead failed: {Message}", path, e.Message);
        }
        finally
        {
            _aheadSlots.Release();
        }
    }
}
