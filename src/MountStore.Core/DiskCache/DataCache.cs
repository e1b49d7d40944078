using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;

namespace MountStore.Core.DiskCache;

/// <summary>
/// File data kept on local disk across mounts: per object, the byte ranges read so far, valid
/// for one version (ETag) only. Bounded by <see cref="DataCacheOptions.MaxBytes"/> together with
/// the mount's staging files: past it the least recently used objects that no handle has open
/// are evicted. A local disk that fails or fills never fails a read: the bytes come from the
/// store as without a cache, and the error is logged and counted for `mountstore status`.
/// </summary>
/// <remarks>
/// Lock order: this cache's lock, then a <see cref="CachedObject"/>'s. Byte counts are
/// Interlocked so an object may give bytes back while holding its own lock.
/// </remarks>
public sealed class DataCache : IDisposable
{
    private static readonly TimeSpan DiskErrorLogInterval = TimeSpan.FromMinutes(1);
    private readonly Dictionary<string, CachedObject> _objects = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly CacheFolderLock _folderLock;
    private readonly string _objectsFolder;
    private readonly Func<long> _otherUse;
    private readonly ILogger _logger;
    private long _used, _served, _fetched, _evictedBytes, _evictions, _diskErrors, _lastDiskErrorLogged;
    private string? _lastDiskError;
    private bool _disposed;

    private DataCache(DataCacheOptions options, CacheFolderLock folderLock, Func<long> otherUse, ILogger logger)
    {
        Options = options;
        _folderLock = folderLock;
        _objectsFolder = Path.Combine(options.Directory, "objects");
        _otherUse = otherUse;
        _logger = logger;
    }

    /// <summary>
    /// Opens the cache folder (created mode 0700), takes its lock, and loads what earlier mounts
    /// kept. <paramref name="otherUse"/> tells the bytes the mount's staging files hold, which
    /// share the bound. Throws <see cref="CacheFolderInUseException"/> when another mount has it.
    /// </summary>
    public static DataCache Open(DataCacheOptions options, ILogger logger, Func<long>? otherUse = null)
    {
        options.Validate();
        PrivateFiles.EnsureFolder(options.Directory);
        var folderLock = CacheFolderLock.Take(options.Directory);
        try
        {
            var cache = new DataCache(options, folderLock, otherUse ?? (() => 0), logger);
            PrivateFiles.EnsureFolder(cache._objectsFolder);
            cache.LoadKept();
            return cache;
        }
        catch
        {
            folderLock.Dispose();
            throw;
        }
    }

    /// <summary>The folder and bound.</summary>
    public DataCacheOptions Options { get; }

    /// <summary>Bytes of object data on disk now.</summary>
    public long UsedBytes => Interlocked.Read(ref _used);

    /// <summary>Objects with data on disk.</summary>
    public int ObjectCount
    {
        get
        {
            lock (_gate)
                return _objects.Count;
        }
    }

    /// <summary>Bytes read from the cache instead of the store, since the mount started.</summary>
    public long ServedBytes => Interlocked.Read(ref _served);

    /// <summary>Bytes fetched from the store through the cache (kept when there was room).</summary>
    public long FetchedBytes => Interlocked.Read(ref _fetched);

    /// <summary>Bytes and objects evicted to stay within the bound.</summary>
    public (long Bytes, long Objects) Evicted => (Interlocked.Read(ref _evictedBytes), Interlocked.Read(ref _evictions));

    /// <summary>Local disk errors (full, failing), and the last one's description.</summary>
    public (long Count, string? Last) DiskErrors => (Interlocked.Read(ref _diskErrors), Volatile.Read(ref _lastDiskError));

    /// <summary>
    /// The cached data of one object version for a handle that reads it, or null when there is
    /// none to use (no ETag to tie bytes to, or an older version still open elsewhere). A version
    /// other than the one kept drops the kept bytes first. Give it back with <see cref="Release"/>.
    /// </summary>
    public CachedObject? Acquire(string key, string? etag, long size)
    {
        if (string.IsNullOrEmpty(etag))
            return null;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_objects.TryGetValue(key, out var kept))
            {
                if (kept.ETag == etag && kept.Size == size)
                {
                    kept.Users++;
                    kept.LastUsed = Stopwatch.GetTimestamp();
                    return kept;
                }
                if (kept.Users > 0)
                    return null; // handles still read the older version: this one reads uncached
                Remove(kept);
                _logger.LogDebug("Cached data of '{Key}' dropped: the object is now version {ETag}, the cache held {Old}", key, etag, kept.ETag);
            }
            var entry = new CachedObject(this, key, etag, size, NewPathStemOf(key)) { Users = 1, LastUsed = Stopwatch.GetTimestamp() };
            _objects[key] = entry;
            return entry;
        }
    }

    /// <summary>Whether some version of <paramref name="key"/> has data kept here.</summary>
    public bool Holds(string key)
    {
        lock (_gate)
            return _objects.ContainsKey(key);
    }

    /// <summary>Ends one handle's use; the last one saves the object's state.</summary>
    public void Release(CachedObject entry)
    {
        lock (_gate)
        {
            entry.Users--;
            if (entry.Users > 0)
                return;
        }
        // outside the cache's lock: it flushes the data to disk, which can take a while
        entry.SaveAndClose();
    }

    /// <summary>
    /// Takes a file written through the mount (write-back's data file, whose bytes are now the
    /// object's version <paramref name="etag"/>) as the cached data of that object: moved, not
    /// copied, so a file just written is read again from local disk. The file is deleted instead
    /// when the cache has no room or a handle still reads another version.
    /// <paramref name="alreadyOnDisk"/>: its bytes were flushed at close and not changed since,
    /// so taking it costs no flush.
    /// </summary>
    public void Adopt(string key, string etag, long size, string dataPath, bool alreadyOnDisk)
    {
        var kept = false;
        try
        {
            lock (_gate)
            {
                if (_disposed || (_objects.TryGetValue(key, out var old) && old.Users > 0))
                    return;
                if (old is not null)
                    Remove(old);
            }
            if (!TryReserve(size))
                return;
            lock (_gate)
            {
                var stem = NewPathStemOf(key);
                File.Move(dataPath, stem + ".data", overwrite: true);
                var entry = new CachedObject(this, key, etag, size, stem) { LastUsed = Stopwatch.GetTimestamp() };
                entry.MarkWhole(alreadyOnDisk);
                _objects[key] = entry;
                entry.SaveAndClose();
                kept = true;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ReportDiskError($"keeping the written file '{key}' as cached data", e);
        }
        finally
        {
            if (!kept)
                File.Delete(dataPath);
        }
    }

    /// <summary>Drops what is kept for <paramref name="key"/> (deleted or replaced through this mount), unless a handle reads it.</summary>
    public void Forget(string key)
    {
        lock (_gate)
        {
            if (_objects.TryGetValue(key, out var kept) && kept.Users == 0)
                Remove(kept);
        }
    }

    /// <summary>Takes room for <paramref name="bytes"/>, evicting idle objects if needed; false when even that leaves too little.</summary>
    internal bool TryReserve(long bytes)
    {
        if (Volatile.Read(ref _disposed))
            return false; // a fetch finishing after unmount: its state could no longer be saved
        if (Interlocked.Read(ref _used) + _otherUse() + bytes <= Options.MaxBytes)
        {
            Interlocked.Add(ref _used, bytes);
            return true;
        }
        lock (_gate)
        {
            if (_disposed)
                return false;
            // Evict down to 90% of the bound, so a sequential read does not evict once per chunk.
            var target = Options.MaxBytes - Options.MaxBytes / 10 - bytes;
            if (Interlocked.Read(ref _used) + _otherUse() > target)
            {
                foreach (var idle in _objects.Values.Where(o => o.Users == 0).OrderBy(o => o.LastUsed).ToList())
                {
                    Interlocked.Increment(ref _evictions);
                    Interlocked.Add(ref _evictedBytes, idle.PresentBytes);
                    Remove(idle);
                    if (Interlocked.Read(ref _used) + _otherUse() <= target)
                        break;
                }
            }
            if (Interlocked.Read(ref _used) + _otherUse() + bytes > Options.MaxBytes)
                return false;
            Interlocked.Add(ref _used, bytes);
            return true;
        }
    }

    /// <summary>Gives back room taken by <see cref="TryReserve"/> and not used.</summary>
    internal void Unreserve(long bytes) => Interlocked.Add(ref _used, -bytes);

    internal void CountServed(long bytes) => Interlocked.Add(ref _served, bytes);

    internal void CountFetched(long bytes) => Interlocked.Add(ref _fetched, bytes);

    /// <summary>Records a local disk failure; logged at most once a minute, so a full disk does not flood the log.</summary>
    internal void ReportDiskError(string doing, Exception error)
    {
        Interlocked.Increment(ref _diskErrors);
        var description = $"{doing}: {error.Message}";
        Volatile.Write(ref _lastDiskError, description);
        var now = Stopwatch.GetTimestamp();
        var last = Interlocked.Read(ref _lastDiskErrorLogged);
        if ((last == 0 || Stopwatch.GetElapsedTime(last, now) > DiskErrorLogInterval) && Interlocked.CompareExchange(ref _lastDiskErrorLogged, now, last) == last)
        {
            _logger.LogWarning("The data cache in {Folder} failed {Doing}. Reads go on from the store. Free space there, or choose another --cache-dir or a smaller --cache-max-size.",
                Options.Directory, description);
        }
    }

    private void Remove(CachedObject entry)
    {
        _objects.Remove(entry.Key);
        try
        {
            Interlocked.Add(ref _used, -entry.Delete());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ReportDiskError($"deleting the cached data of '{entry.Key}'", e);
        }
    }

    /// <summary>Where an object's files live: a hash of the key (keys can be longer than a file name, and hold any character).</summary>
    private string PathStemOf(string key)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        return Path.Combine(_objectsFolder, hash[..2], hash);
    }

    /// <summary>Where a new object's files go, its folder made (mode 0700) if it is the first there.</summary>
    private string NewPathStemOf(string key)
    {
        var stem = PathStemOf(key);
        PrivateFiles.EnsureFolder(Path.GetDirectoryName(stem)!);
        return stem;
    }

    /// <summary>Loads the objects earlier mounts saved; data files without a readable state are deleted.</summary>
    private void LoadKept()
    {
        var loaded = 0;
        foreach (var statePath in Directory.EnumerateFiles(_objectsFolder, "*.state", SearchOption.AllDirectories))
        {
            var entry = CachedObject.Load(this, statePath);
            if (entry is null || _objects.ContainsKey(entry.Key) || PathStemOf(entry.Key) + ".state" != statePath)
            {
                File.Delete(statePath);
                continue;
            }
            _objects[entry.Key] = entry;
            _used += entry.PresentBytes;
            loaded++;
        }
        foreach (var dataPath in Directory.EnumerateFiles(_objectsFolder, "*", SearchOption.AllDirectories))
        {
            // data never described by a saved state (the mount stopped first), and unfinished state files
            var stem = Path.ChangeExtension(dataPath, null);
            if (!dataPath.EndsWith(".state", StringComparison.Ordinal) && !File.Exists(stem + ".state"))
                File.Delete(dataPath);
        }
        if (loaded > 0)
            _logger.LogInformation("The data cache in {Folder} holds {Bytes} bytes of {Count} objects from earlier mounts", Options.Directory, _used, loaded);
        if (_used > Options.MaxBytes)
            TryReserve(0);
    }

    /// <summary>Saves every object's state and lets the folder go.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
                return;
            _disposed = true;
            foreach (var entry in _objects.Values)
                entry.SaveAndClose();
        }
        _folderLock.Dispose();
    }
}
