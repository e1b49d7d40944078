using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using MountStore.Core.Activity;
using MountStore.Core.DiskCache;
using MountStore.Core.Memory;
using MountStore.Core.Metadata;
using MountStore.Core.Namespace;
using MountStore.Core.Prefetch;
using MountStore.Core.Storage;
using MountStore.Core.WriteBack;
using MountStore.Core.Writing;
using MountStore.Core.Model;

namespace MountStore.Core.FileSystem;

/// <summary>
/// The store seen as a POSIX directory tree, platform-free: paths in, attributes, listings and
/// bytes out. The FUSE adapter (and the WinFsp one) translate to and from kernel requests; this
/// class never sees an inode or an errno. Paths are relative to the mount root, '/'-separated,
/// "" for the root.
/// </summary>
public sealed partial class MountedFileSystem : IAsyncDisposable
{
    private readonly IObjectStore _store;
    private readonly ObjectNamespace _namespace;
    private readonly ObjectAttributes _attributes;
    private readonly MetadataCache _cache;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly ILoggerFactory _loggers;
    private readonly RangeFetcher _fetcher;
    private readonly DataCache? _dataCache;
    private readonly MetadataLoader _metadata;
    private readonly ListingConvergence? _convergence;
    private readonly ListingLookAhead _listAhead;
    private readonly SubtreeListing _subtrees;
    private readonly DeleteLookAhead? _deleteAhead;

    /// <summary>
    /// The most HEAD answers kept for the deletes that follow them (about 300 bytes each): the
    /// lookups' look-ahead runs 16 files ahead, and answers older than a second are dropped.
    /// </summary>
    private const int RecentAnswersKept = 256;
    private readonly SingleFlight<DirectoryListing> _listingsInFlight = new();

    /// <summary>First bytes of looked-up files kept for their first read: 16 x 128 KiB at most, 5 s each.</summary>
    private const int FirstBytesKept = 16;
    private static readonly TimeSpan FirstBytesKeptFor = TimeSpan.FromSeconds(5);
    private readonly FirstBytes _firstBytes;
    private readonly ConcurrentDictionary<ulong, OpenHandle> _open = new();
    private long _nextHandle;
    private readonly ForegroundRequests _foreground = new();
    private readonly FolderChanges? _folderChanges;

    /// <summary>A filesystem over <paramref name="store"/>.</summary>
    public MountedFileSystem(IObjectStore store, FileSystemOptions options, ILoggerFactory loggers, TimeProvider? clock = null, StagingArea? staging = null)
    {
        options.Validate();
        if (options.WriteBack is not null)
            store = new ForegroundCountingStore(store, _foreground); // so the background uploads can make way
        _store = store;
        Options = options;
        _clock = clock ?? TimeProvider.System;
        _loggers = loggers;
        _logger = loggers.CreateLogger<MountedFileSystem>();
        _namespace = new ObjectNamespace(options.RootPrefix);
        _attributes = new ObjectAttributes(options.NodeDefaults, _clock.GetUtcNow());
        _cache = new MetadataCache(options.MaxCachedEntries, options.MetadataTtl, options.NegativeTtl, _clock);
        Memory = new MemoryBudget(options.MemoryLimitBytes);
        ReadBuffers = new ReadBufferPool(Memory, options.ReadAhead.TotalBudgetBytes, options.ReadAhead.MaxStreams);
        _firstBytes = new FirstBytes(FirstBytesKept, FirstBytesKeptFor, _clock);
        _fetcher = new RangeFetcher(store, options.ReadAhead.MaxResumes, loggers.CreateLogger<ObjectReader>(), _firstBytes);
        RootAttributes = _attributes.Directory();
        Uploads = new UploadsInProgress(_clock);
        // a store that asks before it deletes gets the answers of the last moment handed back (rm -r)
        var recentAnswers = store.InspectsBeforeDelete && options.DeleteAhead > 0 ? new RecentAnswers(RecentAnswersKept, options.DeleteAheadFreshFor, _clock) : null;
        _metadata = new MetadataLoader(store, _namespace, _attributes, _cache, _clock, loggers.CreateLogger<MetadataLoader>(), recentAnswers, LookupHeadAsync);
        if (options.ListingMetadataParallel > 0)
            _convergence = new ListingConvergence(_metadata, _cache, options.ListingMetadataParallel, OnListedFileLoaded, loggers.CreateLogger<ListingConvergence>());
        _subtrees = new SubtreeListing(store, _namespace, NewListingBuilder, (path, builder, fetchedAt, seen) => PublishListing(path, FetchedListing(path, builder, fetchedAt), builder.OwnMarker, fetchedAt, seen), _cache, _clock, loggers.CreateLogger<SubtreeListing>());
        _listAhead = new ListingLookAhead(folder => ListDirectoryAsync(folder, CancellationToken.None).AsTask(), folder => _listingsInFlight.IsRunning(folder) || _subtrees.IsPending(folder),
            _cache, _subtrees, options.ListAhead, options.ListAheadParallel, WalkNamesOf(options), loggers.CreateLogger<ListingLookAhead>());
        _writers = new OpenWriters(options.NodeDefaults, loggers.CreateLogger<OpenWriters>());
        if (recentAnswers is not null)
            _deleteAhead = new DeleteLookAhead(request => store.ListAsync(request, CancellationToken.None), _metadata.LoadListedAsync, () => store.Limits.ListingsMarkLargeObjects, _namespace, recentAnswers, path => _writers.Find(path) is not null, _clock, options.DeleteAhead, options.DeleteAheadParallel, options.DeleteAheadFreshFor);
        staging ??= new StagingArea(options.Writing.StagingDirectory, options.Writing.StagingLimitBytes);
        if (options.DataCache is { } cacheOptions)
            _dataCache = DataCache.Open(cacheOptions, loggers.CreateLogger<DataCache>(), () => staging.UsedBytes);
        try
        {
            var pending = options.WriteBack is not null ? new PendingJournal(options.DataCache!.Directory) : null;
            _writing = new WriteContext(store, options.Writing, staging, loggers.CreateLogger<FileWriter>(), Uploads, _clock, Memory)
            {
                Pending = pending,
                KeepWritten = _dataCache is { } cache ? cache.Adopt : null,
            };
            if (options.WriteBack is { } writeBack)
            {
                _folderChanges = new FolderChanges(WriteMarkerLaterAsync, writeBack, loggers.CreateLogger<FolderChanges>());
                _writeBack = new WriteBackQueue(writeBack, CommitSealedAsync, HasApplicationHandles, _writers.Hold, LeaveWriterAsync, _foreground, loggers.CreateLogger<WriteBackQueue>());
                RecoverPendingUploads(pending!);
            }
        }
        catch
        {
            _writing?.Pending?.Dispose();
            _dataCache?.Dispose(); // the cache folder's lock goes with the failed mount
            throw;
        }
    }

    /// <summary>File data kept on local disk, when the mount has a data cache.</summary>
    public DataCache? DataCache => _dataCache;

    /// <summary>The options the mount runs with.</summary>
    public FileSystemOptions Options { get; }

    /// <summary>The metadata cache (for statistics and tests).</summary>
    public MetadataCache Cache => _cache;

    /// <summary>Files being uploaded now, and totals since the mount started.</summary>
    public UploadsInProgress Uploads { get; }

    /// <summary>The one memory budget read-ahead and write buffers share (--memory-limit).</summary>
    public MemoryBudget Memory { get; }

    /// <summary>Read-ahead buffers shared by all open files.</summary>
    public ReadBufferPool ReadBuffers { get; }

    /// <summary>Folders listed ahead of a tree walk (for tests).</summary>
    public long ListedAhead => _listAhead.Listed;

    /// <summary>Deletes that took an answer asked ahead of them instead of waiting for their own HEAD.</summary>
    public long DeletesAnsweredAhead => _deleteAhead?.AnsweredAhead ?? 0;

    /// <summary>Metadata HEADs started ahead of a lookup (for tests).</summary>
    public long MetadataLoadedAhead => _metadata.LoadedAhead;

    /// <summary>Folders whose files are still being HEADed in the background (0 when every listing has converged).</summary>
    public long ListingsConverging => _convergence?.Pending ?? 0;

    /// <summary>Files and folders whose own metadata was loaded in the background after a listing.</summary>
    public long MetadataLoadedInBackground => _convergence?.Loaded ?? 0;

    /// <summary>Of those, how many differed from what their listing showed.</summary>
    public long MetadataCorrectedInBackground => _convergence?.Changed ?? 0;

    /// <summary>
    /// Raised (on a background thread) when a path turns out other than it was shown: its own
    /// metadata, loaded after its folder was listed, gives other times, mode, size or kind. A
    /// door drops what it told the kernel about the path.
    /// </summary>
    public event Action<NodeChange>? NodeChanged;

    /// <summary>
    /// <paramref name="path"/> was found changed elsewhere (a delete or rename refused): forget it here and, from another thread once the refusal is on its way, tell the
    /// door to drop what the kernel holds, so looking again shows the other version.
    /// </summary>
    private void ChangedElsewhere(string path)
    {
        _cache.Invalidate(path, PathNames.ParentOf(path));
        _ = Task.Run(() => NodeChanged?.Invoke(new NodeChange(path, KindChanged: false)));
    }

    private void OnListedFileLoaded(string path, NodeAttributes listed, NodeAttributes loaded)
    {
        if (WriterAttributes(path) is not null)
            return; // this mount's own writes are what the kernel was shown
        NodeChanged?.Invoke(new NodeChange(path, KindChanged: listed.Kind != loaded.Kind));
    }

    /// <summary>Files open now.</summary>
    public int OpenFileCount => _open.Count;

    /// <summary>Attributes of the mount root.</summary>
    public NodeAttributes RootAttributes { get; }

    /// <summary>What is at <paramref name="path"/>, or null when nothing is.</summary>
    public ValueTask<NodeAttributes?> LookupAsync(string path, CancellationToken cancellationToken) =>
        LookupAsync(path, loadMetadata: true, cancellationToken);

    /// <summary>
    /// As <see cref="LookupAsync(string, CancellationToken)"/>; with <paramref name="loadMetadata"/>
    /// false, a listed file is answered by its listing row (kind, size, version) without a
    /// request for the mtime, mode and owner the row lacks, for a caller that needs none of them
    /// (a delete: `rm -r` of files nobody looked at costs no HEAD each).
    /// </summary>
    private async ValueTask<NodeAttributes?> LookupAsync(string path, bool loadMetadata, CancellationToken cancellationToken)
    {
        try
        {
            if (path.Length == 0)
                return RootAttributes;
            if (UnlinkedOpenFiles.IsHidden(path))
                return UnlinkedAttributes(path);
            if (WriterAttributes(path) is { } writing)
                return writing;
            if (_cache.TryGetAttributes(path, out var known, out var knownAt))
            {
                // A listing fetched later than the attributes is the newer truth about the object.
                if (known is null || !_cache.TryGetListing(PathNames.ParentOf(path), out var newer) || newer.FetchedAt <= knownAt)
                    return known;
            }
            var parent = PathNames.ParentOf(path);
            var listing = _cache.TryGetListing(parent, out var fresh) ? fresh : await RelistAsync(parent, cancellationToken).ConfigureAwait(false);
            if (listing is not null)
            {
                var entry = PreferredOrNull(path, listing.Find(PathNames.NameOf(path))?.Attributes);
                // an empty row may be a Swift DLO's manifest, whose row tells neither the object's
                // size nor its version: only a HEAD does; and a row that disagrees with what this
                // mount knows of the file (a listing sent while this mount stored it can show the
                // version before) is settled by a HEAD, not taken for the version
                return entry is { IsDirectory: false, MetadataLoaded: false } && (loadMetadata || entry.Size == 0 || (known is not null && !known.IsVersion(entry.ETag)))
                    ? await _metadata.LoadAsync(path, listing, cancellationToken).ConfigureAwait(false)
                    : entry;
            }
            var fetchedAt = _clock.GetUtcNow();
            var found = await FindInStoreAsync(path, cancellationToken).ConfigureAwait(false);
            if (found is null)
                _cache.SetAbsent(path, fetchedAt);
            else
                _cache.SetAttributes(path, found, fetchedAt);
            return found;
        }
        catch (Exception e) when (FailureTranslation.Needs(e, cancellationToken))
        {
            throw FailureTranslation.Of(e, path);
        }
    }

    /// <summary>Folders up to this size are listed again when their listing expires under a lookup.</summary>
    private const int RelistLimit = 10_000;

    /// <summary>
    /// A folder whose listing expired while names in it are still being looked up (cp -r and
    /// tar -x into it, rsync over it) is listed again, when it is small enough: one LIST answers
    /// every following lookup, where asking name by name costs a HEAD, a HEAD and a LIST each.
    /// Null when it was never listed or is too large.
    /// </summary>
    private async ValueTask<DirectoryListing?> RelistAsync(string folder, CancellationToken cancellationToken) =>
        _cache.TryGetAnyListing(folder, out var stale) && stale.Entries.Count <= RelistLimit
            ? await ListDirectoryAsync(folder, cancellationToken).ConfigureAwait(false)
            : null;

    /// <summary>What is at <paramref name="path"/>; throws <see cref="FileSystemError.NotFound"/> when nothing is.</summary>
    public ValueTask<NodeAttributes> GetAttributesAsync(string path, CancellationToken cancellationToken) =>
        GetAttributesAsync(path, loadMetadata: true, cancellationToken);

    private async ValueTask<NodeAttributes> GetAttributesAsync(string path, bool loadMetadata, CancellationToken cancellationToken) =>
        await LookupAsync(path, loadMetadata, cancellationToken).ConfigureAwait(false)
        ?? throw new FileSystemException(FileSystemError.NotFound, path, "no such file or directory");

    /// <summary>
    /// The attributes to show for an entry of a listing: the entry's own, unless a HEAD of the same
    /// version has loaded its metadata since (then mode, owner and mtime come from there).
    /// </summary>
    internal NodeAttributes Preferred(string path, NodeAttributes fromListing)
    {
        if (WriterAttributes(path) is { } writing)
            return writing;
        if (fromListing.IsDirectory)
            return _cache.TryGetLoadedDirectory(path, out var folder) ? folder : fromListing;
        // Entries this mount wrote itself (metadata loaded) are kept in step with the attribute
        // cache, which also sees setattr results; a store entry is replaced only by a HEAD of the same version.
        if (_cache.TryGetAttributes(path, out var known, out _) && known is { MetadataLoaded: true }
            && (fromListing.MetadataLoaded || known.IsVersion(fromListing.ETag)))
            return known;
        return !fromListing.MetadataLoaded && _cache.TryGetMetadataOf(path, fromListing.ETag, out var sameVersion) ? sameVersion : fromListing;
    }

    private NodeAttributes? PreferredOrNull(string path, NodeAttributes? fromListing) => fromListing is null ? null : Preferred(path, fromListing);

    /// <summary>
    /// Opens the folder at <paramref name="path"/> for reading: its listing as of now, entries
    /// shown as the mount shows them. NotADirectory when the path is a file.
    /// </summary>
    public async ValueTask<DirectoryView> OpenDirectoryAsync(string path, CancellationToken cancellationToken)
    {
        var listing = await ListDirectoryAsync(path, cancellationToken).ConfigureAwait(false);
        var self = await GetAttributesAsync(path, cancellationToken).ConfigureAwait(false);
        if (!self.IsDirectory)
            throw new FileSystemException(FileSystemError.NotADirectory, path, "not a directory");
        _listAhead.Opened(path, listing);
        return new DirectoryView(path, self, listing, Preferred);
    }

    /// <summary>The complete contents of the directory at <paramref name="path"/>, from the cache while fresh.</summary>
    public async ValueTask<DirectoryListing> ListDirectoryAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            if (_cache.TryGetListing(path, out var cached))
                return cached;
            // a walk's flat listing under way covers it (null: it could not, list it here)
            if (_subtrees.Pending(path) is { } pending && await pending.WaitAsync(cancellationToken).ConfigureAwait(false) is { } listedAhead)
                return listedAhead;
            // One listing per directory at a time: concurrent `ls` and lookups share it. A listing
            // that finished between the look above and this one is not fetched again.
            return await _listingsInFlight.Run(path, () => _cache.TryGetListing(path, out var justListed) ? Task.FromResult(justListed) : FetchListingAsync(path))
                .WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (FailureTranslation.Needs(e, cancellationToken))
        {
            throw FailureTranslation.Of(e, path);
        }
    }

    private async Task<DirectoryListing> FetchListingAsync(string path)
    {
        _convergence?.NoteForegroundWork();
        var changesSeen = _cache.Changes;
        var fetchedAt = _clock.GetUtcNow();
        var prefix = _namespace.DirectoryPrefixOf(path);
        var builder = NewListingBuilder(prefix);
        await foreach (var page in _store.ListAllAsync(prefix, "/", CancellationToken.None).ConfigureAwait(false))
            builder.Add(page);
        var fetched = FetchedListing(path, builder, fetchedAt);
        // a listing the changes made meanwhile cannot be replayed on is shown as fetched, not kept
        return PublishListing(path, fetched, builder.OwnMarker, fetchedAt, changesSeen) ?? fetched;
    }

    private DirectoryListingBuilder NewListingBuilder(string prefix) => new(prefix, _attributes, _logger);

    /// <summary>What the store listed, with the files being written there.</summary>
    private DirectoryListing FetchedListing(string path, DirectoryListingBuilder builder, DateTimeOffset fetchedAt) =>
        WithOpenWriters(path, new DirectoryListing(builder.Build(), fetchedAt, builder.OwnMarker is not null));

    /// <summary>
    /// The names a walk may pull into the cache at a time from flat listings: a fifth of the
    /// cache, so the folders it lists ahead do not push out what the rest of the mount uses.
    /// </summary>
    private static int WalkNamesOf(FileSystemOptions options) => Math.Clamp(options.MaxCachedEntries / 5, 1_000, 20_000);

    /// <summary>
    /// Makes the listing of <paramref name="path"/> as fetched (with the files being written in
    /// it) the one the mount shows, with the changes made through the mount since the fetch began
    /// (<paramref name="changesSeen"/>), and queues its files to converge. Null when those
    /// changes cannot be replayed on it (see <see cref="MetadataCache.SetFetchedListing"/>).
    /// </summary>
    private DirectoryListing? PublishListing(string path, DirectoryListing fetched, ObjectInfo? ownMarker, DateTimeOffset fetchedAt, long changesSeen)
    {
        if (_cache.SetFetchedListing(path, fetched, changesSeen) is not { } listing)
            return null;
        _convergence?.NoteForegroundWork();
        _convergence?.Enqueue(path);
        if (ownMarker is { } marker && path.Length > 0 && !_cache.TryGetLoadedDirectory(path, out _))
            _cache.SetAttributes(path, _attributes.Directory(marker.LastModified), fetchedAt);
        return listing;
    }

    /// <summary>
    /// Asks the store what "path" is: a HEAD of the key, for the object's own metadata (mtime,
    /// mode, a symlink's type, a DLO's real size: a listing row has none of them), asked as a GET
    /// of its first bytes for the read that usually follows; a HEAD of "key/", a folder's marker;
    /// and a delimited listing with the key as prefix, which shows whether "key/" is a folder.
    /// All at once, so a lookup costs one round trip.
    /// </summary>
    private async Task<NodeAttributes?> FindInStoreAsync(string path, CancellationToken cancellationToken)
    {
        var key = _namespace.KeyOf(path);
        var head = LookupHeadAsync(key, cancellationToken);
        var marker = _store.HeadAsync(_namespace.DirectoryMarkerOf(path), cancellationToken); // a folder's own mode and times
        var listed = ListAroundAsync(key, cancellationToken);
        try
        {
            await Task.WhenAll(head, marker, listed).ConfigureAwait(false);
        }
        catch
        {
            // all are awaited so none fails unobserved; the first failure is the answer
        }
        var (isFolder, row) = await listed.ConfigureAwait(false);
        var info = await head.ConfigureAwait(false);
        var folderMarker = await marker.ConfigureAwait(false);
        if (isFolder || folderMarker is not null)
        {
            var hidden = info ?? row;
            if (hidden is not null && !DirectoryMarkers.HasDirectoryContentType(hidden))
                DirectoryListingBuilder.LogHiddenFile(_logger, hidden.Key);
            return folderMarker is null ? _attributes.Directory() : _attributes.Directory(folderMarker.LastModified, folderMarker.Metadata);
        }
        if (info is null)
            return null; // a listing row without an object: deleted since (listings lag behind)
        if (DirectoryMarkers.HasDirectoryContentType(info))
            return _attributes.Directory(info.LastModified);
        if (PathNames.WhyNotAName(PathNames.NameOf(path)) is not null)
            return null;
        var attributes = _attributes.File(info, metadataLoaded: true);
        return row is not null && row.ETag != info.ETag ? attributes with { ListingETag = row.ETag } : attributes;
    }

    /// <summary>
    /// A lookup's question about one object: a GET of its first bytes, kept for the read that
    /// usually follows (<see cref="FirstBytes"/>), unless the disk cache holds its data already.
    /// </summary>
    private Task<ObjectInfo?> LookupHeadAsync(string key, CancellationToken cancellationToken) =>
        _dataCache?.Holds(key) == true ? _store.HeadAsync(key, cancellationToken) : _firstBytes.HeadAsync(_store, key, cancellationToken);

    /// <summary>
    /// One delimited listing from "key": whether "key/" is a folder (a common prefix or a
    /// marker), and the row of the object "key" itself when there is one.
    /// </summary>
    private async Task<(bool IsFolder, ObjectInfo? Row)> ListAroundAsync(string key, CancellationToken cancellationToken)
    {
        var folder = key + "/";
        ObjectInfo? file = null;
        string? token = null;
        do
        {
            var page = await _store.ListAsync(new ListRequest(key, "/", token), cancellationToken).ConfigureAwait(false);
            if (page.CommonPrefixes.Contains(folder, StringComparer.Ordinal))
                return (true, file);
            foreach (var info in page.Objects)
            {
                if (info.Key == folder)
                    return (true, file);
                if (info.Key == key)
                    file = info;
            }
            var last = new[] { page.Objects.LastOrDefault()?.Key, page.CommonPrefixes.LastOrDefault() }
                .OfType<string>().Max(Utf8Order.Instance);
            if (last is not null && Utf8Order.Instance.Compare(last, folder) > 0)
                break; // listed past where "key/" would sort: there is no such folder
            token = page.ContinuationToken;
        }
        while (token is not null);
        return (false, file);
    }

    /// <summary>
    /// Opens the file at <paramref name="path"/>. Close-to-open: the object is asked for again
    /// (one HEAD) unless the cache holds its full metadata and is fresh, so a file changed
    /// elsewhere is seen by the next open after the TTL, with its mtime and mode. A handle that
    /// may write gets the file's writer (shared with other handles writing the same path).
    /// </summary>
    public async ValueTask<OpenFile> OpenAsync(string path, OpenIntent mode, CancellationToken cancellationToken)
    {
        try
        {
            if (mode.Write && Options.ReadOnly)
                throw ReadOnlyError(path);
            if (UnlinkedOpenFiles.IsHidden(path))
                throw new FileSystemException(FileSystemError.NotFound, path, "the file was unlinked: only the handles open before can use it");
            if (mode.Write && _writers.Join(path) is { } shared)
            {
                if (mode.Truncate)
                {
                    // a closed file waiting for its upload is uploaded first: its recorded bytes never change under the record
                    if (shared.IsSealed)
                        await CommitNowAsync(shared, cancellationToken).ConfigureAwait(false);
                    await shared.TruncateAsync(0, cancellationToken).ConfigureAwait(false);
                }
                return Register(path, null, shared, mode, _writers.AttributesOf(shared), revalidated: false);
            }
            var attributes = await GetAttributesAsync(path, cancellationToken).ConfigureAwait(false);
            if (attributes.IsDirectory)
                throw new FileSystemException(FileSystemError.IsADirectory, path, "is a directory");
            // A reader of a file being written reads what was written. The writer is joined in one
            // step: checking first and joining after would race with its last handle's release.
            if (_writers.Join(path) is { } being)
                return Register(path, null, being, mode, _writers.AttributesOf(being), revalidated: false);
            var (info, revalidated) = await CurrentVersionAsync(path, attributes, cancellationToken).ConfigureAwait(false);
            if (info is not null)
                attributes = _attributes.File(info, metadataLoaded: true);
            var reader = mode.Read ? NewReader(_namespace.KeyOf(path), attributes) : null;
            FileWriter? writer = null;
            if (mode.Write)
            {
                info ??= await _store.HeadAsync(_namespace.KeyOf(path), cancellationToken).ConfigureAwait(false)
                    ?? throw new FileSystemException(FileSystemError.NotFound, path, "the object was deleted from the store");
                writer = _writers.Add(path, FileWriter.ForExisting(_writing, _namespace.KeyOf(path), FileMetadata.Of(attributes, info.Metadata), info, mode.Truncate, preferStaging: mode.Read));
                if (mode.Truncate)
                    attributes = _writers.AttributesOf(writer);
            }
            return Register(path, reader, writer, mode, attributes, revalidated);
        }
        catch (Exception e) when (FailureTranslation.Needs(e, cancellationToken))
        {
            throw FailureTranslation.Of(e, path);
        }
    }

    /// <summary>
    /// The object as the store has it now: the cached metadata while fresh (info null), else one
    /// HEAD. Throws NotFound when the object is gone.
    /// </summary>
    private async ValueTask<(ObjectInfo? Info, bool Revalidated)> CurrentVersionAsync(string path, NodeAttributes attributes, CancellationToken cancellationToken)
    {
        // Fresh metadata may have been loaded by the lookup just before this open, after the
        // kernel took its attributes from a listing: it must drop those either way.
        if (attributes.MetadataLoaded && _cache.TryGetAttributes(path, out var fresh, out _) && fresh is not null)
            return (null, true);
        var fetchedAt = _clock.GetUtcNow();
        var info = await _store.HeadAsync(_namespace.KeyOf(path), cancellationToken).ConfigureAwait(false);
        if (info is null)
        {
            _cache.Invalidate(path, PathNames.ParentOf(path));
            _cache.SetAbsent(path, fetchedAt);
            throw new FileSystemException(FileSystemError.NotFound, path, "the object was deleted from the store");
        }
        _cache.SetAttributes(path, _attributes.File(info, metadataLoaded: true), fetchedAt);
        return (info, true);
    }

    private ObjectReader NewReader(string key, NodeAttributes attributes)
    {
        var diskCopy = _dataCache?.Acquire(key, attributes.ETag, attributes.Size) is { } cached ? (_dataCache, cached) : ((DataCache, CachedObject)?)null;
        return new ObjectReader(key, attributes.ETag, attributes.Size, Options.ReadAhead, ReadBuffers, _fetcher, diskCopy);
    }

    private OpenFile Register(string path, ObjectReader? reader, FileWriter? writer, OpenIntent mode, NodeAttributes attributes, bool revalidated)
    {
        var handle = (ulong)Interlocked.Increment(ref _nextHandle);
        _open[handle] = new OpenHandle(path, reader, writer, mode);
        return new OpenFile(handle, attributes, revalidated);
    }

    /// <summary>Reads from an open file; returns the number of bytes, 0 at its end.</summary>
    public async ValueTask<int> ReadAsync(ulong handle, long offset, Memory<byte> destination, CancellationToken cancellationToken)
    {
        try
        {
            var opened = HandleOf(handle);
            if (opened.Writer is { } writer && (writer.HasChangedContent || opened.Reader is null))
                return await writer.ReadAsync(offset, destination, cancellationToken).ConfigureAwait(false);
            return await opened.Reader!.ReadAsync(offset, destination, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (FailureTranslation.Needs(e, cancellationToken))
        {
            throw FailureTranslation.Of(e, PathOfHandle(handle));
        }
    }

    /// <summary>
    /// Reads from an open file without copying: the bytes stay in read-ahead buffers until the
    /// result is disposed. A file with unsaved changes is read through its writer (one copy).
    /// </summary>
    public async ValueTask<ReadResult> ReadSegmentsAsync(ulong handle, long offset, int length, CancellationToken cancellationToken)
    {
        try
        {
            var opened = HandleOf(handle);
            if (opened.Writer is { } writer && (writer.HasChangedContent || opened.Reader is null))
            {
                var buffer = new byte[length];
                var read = await writer.ReadAsync(offset, buffer, cancellationToken).ConfigureAwait(false);
                return ReadResult.FromArray(buffer, read);
            }
            return await opened.Reader!.ReadSegmentsAsync(offset, length, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (FailureTranslation.Needs(e, cancellationToken))
        {
            throw FailureTranslation.Of(e, PathOfHandle(handle));
        }
    }

    /// <summary>The path an open handle is on, for error messages.</summary>
    private string PathOfHandle(ulong handle) => _open.TryGetValue(handle, out var opened) ? opened.Path : $"(handle {handle})";

    private OpenHandle HandleOf(ulong handle) =>
        _open.TryGetValue(handle, out var opened)
            ? opened
            : throw new FileSystemException(FileSystemError.BadHandle, "", $"file handle {handle} is not open");

    /// <summary>Closes an open file. Changes not committed by a flush are dropped (the flush that failed said so).</summary>
    public async ValueTask ReleaseAsync(ulong handle)
    {
        try
        {
            if (!_open.TryRemove(handle, out var opened))
                return;
            if (opened.Reader is { } reader)
            {
                _logger.LogDebug("Closed '{Path}': {Fetches} ranged GETs, {Bytes} bytes fetched", opened.Path, reader.FetchCount, reader.FetchedBytes);
                await reader.DisposeAsync().ConfigureAwait(false);
            }
            if (UnlinkedOpenFiles.IsHidden(opened.Path))
            {
                await ReleaseUnlinkedAsync(opened).ConfigureAwait(false);
                return;
            }
            if (opened.Writer is { } writer)
            {
                await LeaveWriterAsync(writer).ConfigureAwait(false);
                _writeBack?.Schedule(writer); // its last application handle may just have gone
            }
        }
        catch (Exception e) when (FailureTranslation.Needs(e, CancellationToken.None))
        {
            throw FailureTranslation.Of(e, PathOfHandle(handle));
        }
    }

    /// <summary>What statfs() shows.</summary>
    public FileSystemStatistics StatFs() => FileSystemStatistics.Unbounded;

    /// <summary>The error every change gets on a read-only mount.</summary>
    public FileSystemException ReadOnlyError(string path) =>
        new(FileSystemError.ReadOnly, path, "the mount is read-only (--read-only)");

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_convergence is not null)
            await _convergence.DisposeAsync().ConfigureAwait(false);
        if (_folderChanges is not null)
            await _folderChanges.DisposeAsync().ConfigureAwait(false); // written now: they are not recorded
        if (_writeBack is not null)
            await _writeBack.DisposeAsync().ConfigureAwait(false); // what is still pending stays recorded for the next mount
        await CommitOpenWritersAsync().ConfigureAwait(false);
        foreach (var handle in _open.Keys)
            await ReleaseAsync(handle).ConfigureAwait(false);
        _writing.Pending?.Dispose();
        _cache.Dispose();
        _dataCache?.Dispose();
    }

    private sealed class OpenHandle(string path, ObjectReader? reader, FileWriter? writer, OpenIntent mode)
    {
        public string Path { get; set; } = path;

        /// <summary>Reads the object; dropped for a local copy when an unlinked file's key is reused.</summary>
        public ObjectReader? Reader { get; set; } = reader;

        /// <summary>The file's writer; for an unlinked file whose key is reused, its local copy.</summary>
        public FileWriter? Writer { get; set; } = writer;

        public OpenIntent Mode { get; } = mode;
    }
}
