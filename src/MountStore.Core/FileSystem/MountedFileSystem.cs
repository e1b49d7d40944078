using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using MountStore.Core.Metadata;
using MountStore.Core.Namespace;
using MountStore.Core.Prefetch;
using MountStore.Core.Storage;

namespace MountStore.Core.FileSystem;

/// <summary>
/// The store seen as a POSIX directory tree, platform-free: paths in, attributes, listings and
/// bytes out. The FUSE adapter (and the WinFsp one) translate to and from kernel requests; this
/// class never sees an inode or an errno. Paths are relative to the mount root, '/'-separated,
/// "" for the root.
/// </summary>
public sealed class MountedFileSystem : IAsyncDisposable
{
    private readonly IObjectStore _store;
    private readonly ObjectNamespace _namespace;
    private readonly ObjectAttributes _attributes;
    private readonly MetadataCache _cache;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly ILoggerFactory _loggers;
    private readonly RangeFetcher _fetcher;
    private readonly ConcurrentDictionary<string, Task<DirectoryListing>> _listingsInFlight = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<ulong, OpenedObject> _open = new();
    private long _nextHandle;

    /// <summary>A filesystem over <paramref name="store"/>.</summary>
    public MountedFileSystem(IObjectStore store, FileSystemOptions options, ILoggerFactory loggers, TimeProvider? clock = null)
    {
        options.Validate();
        _store = store;
        Options = options;
        _clock = clock ?? TimeProvider.System;
        _loggers = loggers;
        _logger = loggers.CreateLogger<MountedFileSystem>();
        _namespace = new ObjectNamespace(options.RootPrefix);
        _attributes = new ObjectAttributes(options, _clock.GetUtcNow());
        _cache = new MetadataCache(options.MaxCachedEntries, options.MetadataTtl, options.NegativeTtl, _clock);
        ReadBuffers = new ReadBufferPool(options.ReadAhead.TotalBudgetBytes);
        _fetcher = new RangeFetcher(store, options.ReadAhead.MaxResumes, loggers.CreateLogger<ObjectReader>());
        RootAttributes = _attributes.Directory();
    }

    /// <summary>The options the mount runs with.</summary>
    public FileSystemOptions Options { get; }

    /// <summary>The metadata cache (for statistics and tests).</summary>
    public MetadataCache Cache => _cache;

    /// <summary>Read-ahead buffers shared by all open files.</summary>
    public ReadBufferPool ReadBuffers { get; }

    /// <summary>Files open now.</summary>
    public int OpenFileCount => _open.Count;

    /// <summary>Attributes of the mount root.</summary>
    public NodeAttributes RootAttributes { get; }

    /// <summary>What is at <paramref name="path"/>, or null when nothing is.</summary>
    public async ValueTask<NodeAttributes?> LookupAsync(string path, CancellationToken cancellationToken)
    {
        if (path.Length == 0)
            return RootAttributes;
        if (_cache.TryGetAttributes(path, out var known, out var knownAt))
        {
            // A listing fetched later than the attributes is the newer truth about the object.
            if (known is null || !_cache.TryGetListing(PathNames.ParentOf(path), out var newer) || newer.FetchedAt <= knownAt)
                return known;
        }
        var parent = PathNames.ParentOf(path);
        if (_cache.TryGetListing(parent, out var listing))
            return PreferredOrNull(path, listing.Find(path[(parent.Length == 0 ? 0 : parent.Length + 1)..])?.Attributes);
        var fetchedAt = _clock.GetUtcNow();
        var found = await FindInStoreAsync(path, cancellationToken).ConfigureAwait(false);
        if (found is null)
            _cache.SetAbsent(path, fetchedAt);
        else
            _cache.SetAttributes(path, found, fetchedAt);
        return found;
    }

    /// <summary>What is at <paramref name="path"/>; throws <see cref="FileSystemError.NotFound"/> when nothing is.</summary>
    public async ValueTask<NodeAttributes> GetAttributesAsync(string path, CancellationToken cancellationToken) =>
        await LookupAsync(path, cancellationToken).ConfigureAwait(false)
        ?? throw new FileSystemException(FileSystemError.NotFound, path, "no such file or directory");

    /// <summary>
    /// The attributes to show for an entry of a listing: the entry's own, unless a HEAD of the same
    /// version has loaded its metadata since (then mode, owner and mtime come from there).
    /// </summary>
    public NodeAttributes Preferred(string path, NodeAttributes fromListing)
    {
        if (fromListing.IsDirectory || fromListing.MetadataLoaded)
            return fromListing;
        return _cache.TryGetAttributes(path, out var headed, out _) && headed is { MetadataLoaded: true } && headed.ETag == fromListing.ETag
            ? headed
            : fromListing;
    }

    private NodeAttributes? PreferredOrNull(string path, NodeAttributes? fromListing) => fromListing is null ? null : Preferred(path, fromListing);

    /// <summary>The complete contents of the directory at <paramref name="path"/>, from the cache while fresh.</summary>
    public async ValueTask<DirectoryListing> ListDirectoryAsync(string path, CancellationToken cancellationToken)
    {
        if (_cache.TryGetListing(path, out var cached))
            return cached;
        // One listing per directory at a time: concurrent `ls` and lookups share it.
        var mine = new TaskCompletionSource<DirectoryListing>(TaskCreationOptions.RunContinuationsAsynchronously);
        var fetch = _listingsInFlight.GetOrAdd(path, mine.Task);
        if (fetch == mine.Task)
            _ = FetchListingAsync(path, mine); // started only once it is in the table, so its removal cannot miss
        return await fetch.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task FetchListingAsync(string path, TaskCompletionSource<DirectoryListing> result)
    {
        try
        {
            var fetchedAt = _clock.GetUtcNow();
            var prefix = _namespace.DirectoryPrefixOf(path);
            var builder = new DirectoryListingBuilder(prefix, _attributes, _logger);
            await foreach (var page in _store.ListAllAsync(prefix, "/", CancellationToken.None).ConfigureAwait(false))
                builder.Add(page);
            var listing = new DirectoryListing(builder.Build(), fetchedAt);
            _cache.SetListing(path, listing);
            if (builder.OwnMarker is { } marker && path.Length > 0)
                _cache.SetAttributes(path, _attributes.Directory(marker.LastModified), fetchedAt);
            Finish(() => result.SetResult(listing));
        }
        catch (Exception e)
        {
            Finish(() => result.SetException(e));
        }

        // Leave the table before answering, so a caller that lists again after the TTL starts
        // a new fetch instead of finding this finished one.
        void Finish(Action answer)
        {
            _listingsInFlight.TryRemove(new KeyValuePair<string, Task<DirectoryListing>>(path, result.Task));
            answer();
        }
    }

    /// <summary>
    /// Asks the store what "path" is with one delimited listing of the key as a prefix: it shows
    /// the object "key" and the folder "key/" together, where HEAD would need two requests.
    /// </summary>
    private async Task<NodeAttributes?> FindInStoreAsync(string path, CancellationToken cancellationToken)
    {
        var key = _namespace.KeyOf(path);
        var folder = key + "/";
        ObjectInfo? file = null;
        string? token = null;
        do
        {
            var page = await _store.ListAsync(new ListRequest(key, "/", token), cancellationToken).ConfigureAwait(false);
            if (page.CommonPrefixes.Contains(folder, StringComparer.Ordinal))
                return DirectoryAt(file);
            foreach (var info in page.Objects)
            {
                if (info.Key == folder)
                    return DirectoryAt(file);
                if (info.Key == key)
                {
                    if (DirectoryMarkers.HasDirectoryContentType(info))
                        return _attributes.Directory(info.LastModified);
                    file = info;
                }
            }
            var last = new[] { page.Objects.LastOrDefault()?.Key, page.CommonPrefixes.LastOrDefault() }
                .OfType<string>().Max(Utf8Order.Instance);
            if (last is not null && Utf8Order.Instance.Compare(last, folder) > 0)
                break; // listed past where "key/" would sort: there is no such folder
            token = page.ContinuationToken;
        }
        while (token is not null);
        return file is null || PathNames.WhyNotAName(path[(path.LastIndexOf('/') + 1)..]) is not null
            ? null
            : _attributes.File(file, metadataLoaded: false);
    }

    private NodeAttributes DirectoryAt(ObjectInfo? hiddenFile)
    {
        if (hiddenFile is not null)
            DirectoryListingBuilder.LogHiddenFile(_logger, hiddenFile.Key);
        return _attributes.Directory();
    }

    /// <summary>
    /// Opens the file at <paramref name="path"/> for reading. Close-to-open: the object is asked
    /// for again (one HEAD) unless the cache holds its full metadata and is fresh, so a file
    /// changed elsewhere is seen by the next open after the TTL, with its mtime and mode.
    /// </summary>
    public async ValueTask<OpenFile> OpenAsync(string path, bool forWriting, CancellationToken cancellationToken)
    {
        if (forWriting)
            throw ReadOnlyError(path);
        var attributes = await GetAttributesAsync(path, cancellationToken).ConfigureAwait(false);
        if (attributes.IsDirectory)
            throw new FileSystemException(FileSystemError.IsADirectory, path, "is a directory");
        var revalidate = !attributes.MetadataLoaded || !_cache.TryGetAttributes(path, out var fresh, out _) || fresh is null;
        if (revalidate)
        {
            var fetchedAt = _clock.GetUtcNow();
            var info = await _store.HeadAsync(_namespace.KeyOf(path), cancellationToken).ConfigureAwait(false);
            if (info is null)
            {
                _cache.Invalidate(path, PathNames.ParentOf(path));
                _cache.SetAbsent(path, fetchedAt);
                throw new FileSystemException(FileSystemError.NotFound, path, "the object was deleted from the store");
            }
            attributes = _attributes.File(info, metadataLoaded: true);
            _cache.SetAttributes(path, attributes, fetchedAt);
        }
        var reader = new ObjectReader(_namespace.KeyOf(path), attributes.Size, Options.ReadAhead, ReadBuffers, _fetcher);
        var handle = (ulong)Interlocked.Increment(ref _nextHandle);
        _open[handle] = new OpenedObject(path, reader);
        return new OpenFile(handle, attributes, revalidate);
    }

    /// <summary>Reads from an open file; returns the number of bytes, 0 at its end.</summary>
    public ValueTask<int> ReadAsync(ulong handle, long offset, Memory<byte> destination, CancellationToken cancellationToken) =>
        ReaderOf(handle).ReadAsync(offset, destination, cancellationToken);

    /// <summary>Reads from an open file without copying: the bytes stay in read-ahead buffers until the result is disposed.</summary>
    public ValueTask<ReadResult> ReadSegmentsAsync(ulong handle, long offset, int length, CancellationToken cancellationToken) =>
        ReaderOf(handle).ReadSegmentsAsync(offset, length, cancellationToken);

    private ObjectReader ReaderOf(ulong handle) =>
        _open.TryGetValue(handle, out var opened)
            ? opened.Reader
            : throw new FileSystemException(FileSystemError.BadHandle, "", $"file handle {handle} is not open");

    /// <summary>Closes an open file.</summary>
    public async ValueTask ReleaseAsync(ulong handle)
    {
        if (_open.TryRemove(handle, out var opened))
        {
            _logger.LogDebug("Closed '{Path}': {Fetches} ranged GETs, {Bytes} bytes fetched", opened.Path, opened.Reader.FetchCount, opened.Reader.FetchedBytes);
            await opened.Reader.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>What statfs() shows.</summary>
    public FileSystemStatistics StatFs() => FileSystemStatistics.Unbounded;

    /// <summary>The error every write gets until the write path exists, and always on a read-only mount.</summary>
    public FileSystemException ReadOnlyError(string path) =>
        new(FileSystemError.ReadOnly, path, Options.ReadOnly ? "the mount is read-only" : "this version of MountStore mounts read-only");

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var handle in _open.Keys)
            await ReleaseAsync(handle).ConfigureAwait(false);
        _cache.Dispose();
    }

    private sealed record OpenedObject(string Path, ObjectReader Reader);
}
