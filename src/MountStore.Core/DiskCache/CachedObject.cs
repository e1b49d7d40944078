using System.Text.Json;
using Microsoft.Win32.SafeHandles;
using MountStore.Core.Storage;

namespace MountStore.Core.DiskCache;

/// <summary>
/// One object version's bytes on local disk: a sparse data file, and the ranges of it that hold
/// real bytes (saved beside it as <see cref="CachedObjectState"/>). Open handles of that version
/// share it; a range is marked present only after its bytes are written, and the saved state is
/// written only after the data is flushed to disk, so a crash can lose cached ranges but never
/// make a later mount serve bytes that were not written.
/// </summary>
/// <remarks>Lock order: <see cref="DataCache"/>'s lock before this one, never the reverse.</remarks>
public sealed class CachedObject
{
    private readonly DataCache _cache;
    private readonly string _dataPath;
    private readonly string _statePath;
    private readonly RangeSet _present = new();
    private readonly Lock _gate = new();
    private FileStream? _data;
    private bool _stateChanged;
    private bool _wholeOnDisk;
    private bool _deleted;

    internal CachedObject(DataCache cache, string key, string etag, long size, string pathWithoutExtension)
    {
        _cache = cache;
        Key = key;
        ETag = etag;
        Size = size;
        _dataPath = pathWithoutExtension + ".data";
        _statePath = pathWithoutExtension + ".state";
    }

    /// <summary>The object's key.</summary>
    public string Key { get; }

    /// <summary>The version the bytes belong to.</summary>
    public string ETag { get; }

    /// <summary>The object's size.</summary>
    public long Size { get; }

    /// <summary>Bytes present on disk.</summary>
    public long PresentBytes
    {
        get
        {
            lock (_gate)
                return _present.Ranges.Sum(r => r.End - r.Start);
        }
    }

    /// <summary>Handles using it now (guarded by the cache's lock); one in use is never evicted.</summary>
    internal int Users { get; set; }

    /// <summary>When it was last opened, for least-recently-used eviction (guarded by the cache's lock).</summary>
    internal long LastUsed { get; set; }

    /// <summary>
    /// Fills <paramref name="destination"/> with the bytes at <paramref name="start"/>: ranges on
    /// disk are read from it, the others come from <paramref name="fetch"/> and are kept.
    /// </summary>
    public async Task FillAsync(long start, Memory<byte> destination, Func<long, Memory<byte>, CancellationToken, Task> fetch, CancellationToken cancellationToken)
    {
        var end = start + destination.Length;
        List<(long Start, long End)> missing;
        lock (_gate)
            missing = _present.Missing(start, end).ToList();
        var at = start;
        foreach (var (gapStart, gapEnd) in missing.Append((end, end)))
        {
            if (gapStart > at && !await TryReadAsync(at, destination[(int)(at - start)..(int)(gapStart - start)], cancellationToken).ConfigureAwait(false))
                await FetchAndKeepAsync(at, destination[(int)(at - start)..(int)(gapStart - start)], fetch, cancellationToken).ConfigureAwait(false);
            if (gapEnd > gapStart)
                await FetchAndKeepAsync(gapStart, destination[(int)(gapStart - start)..(int)(gapEnd - start)], fetch, cancellationToken).ConfigureAwait(false);
            at = gapEnd;
        }
    }

    private async Task FetchAndKeepAsync(long start, Memory<byte> destination, Func<long, Memory<byte>, CancellationToken, Task> fetch, CancellationToken cancellationToken)
    {
        await fetch(start, destination, cancellationToken).ConfigureAwait(false);
        _cache.CountFetched(destination.Length);
        // The fetch may have finished on the thread that serves every socket of the mount (Swift
        // mounts run socket completions there, see InlineSocketCompletions); a write to disk that
        // waits for the disk must not hold those up, so it is made on a pool thread.
        await Task.Yield();
        Keep(start, destination.Span);
    }

    /// <summary>Reads present bytes; false (logged, the range forgotten) when the local disk fails.</summary>
    private async Task<bool> TryReadAsync(long start, Memory<byte> destination, CancellationToken cancellationToken)
    {
        try
        {
            var data = DataFile();
            var filled = 0;
            while (filled < destination.Length)
            {
                var read = await RandomAccess.ReadAsync(data.SafeFileHandle, destination[filled..], start + filled, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                    throw new IOException($"the cached data of '{Key}' ends at {start + filled}, before bytes marked present");
                filled += read;
            }
            _cache.CountServed(destination.Length);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            lock (_gate)
            {
                _cache.Unreserve(_present.Ranges.Sum(r => r.End - r.Start));
                _present.Clip(0);
                _stateChanged = true;
            }
            _cache.ReportDiskError($"reading the cached data of '{Key}'", e);
            return false;
        }
    }

    /// <summary>
    /// Writes fetched bytes to disk and marks them present, when the cache has room and the disk
    /// takes them. The write is made under the lock so an eviction cannot delete the file between
    /// it and the marking (the page cache takes it in microseconds; the read is not held up).
    /// </summary>
    private void Keep(long start, ReadOnlySpan<byte> bytes)
    {
        if (!_cache.TryReserve(bytes.Length))
            return;
        var kept = 0L;
        try
        {
            lock (_gate)
            {
                if (_deleted)
                    return;
                RandomAccess.Write(DataFile().SafeFileHandle, bytes, start);
                kept = _present.Missing(start, start + bytes.Length).Sum(r => r.End - r.Start);
                _present.Add(start, start + bytes.Length);
                _stateChanged = true;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _cache.ReportDiskError($"keeping {bytes.Length} bytes of '{Key}' (the read itself went on from the store)", e);
        }
        finally
        {
            _cache.Unreserve(bytes.Length - kept); // another handle may have kept the same bytes first
        }
    }

    private FileStream DataFile()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_deleted, this);
            return _data ??= PrivateFiles.Open(_dataPath, FileMode.OpenOrCreate, FileShare.ReadWrite);
        }
    }

    /// <summary>
    /// Marks every byte present (a written file taken whole), to be saved by <see cref="SaveAndClose"/>.
    /// <paramref name="alreadyOnDisk"/>: the bytes were flushed to disk before (write-back's
    /// close did), so the save neither flushes them again nor waits for its own state to reach
    /// the disk: a state lost in a crash only loses the cached copy, which is in the store.
    /// </summary>
    internal void MarkWhole(bool alreadyOnDisk)
    {
        lock (_gate)
        {
            _present.Add(0, Size);
            _stateChanged = true;
            _wholeOnDisk = alreadyOnDisk;
            if (!alreadyOnDisk)
                _data ??= PrivateFiles.Open(_dataPath, FileMode.Open, FileShare.ReadWrite); // so the save flushes it first
        }
    }

    /// <summary>
    /// Saves which ranges are present, after flushing their bytes to disk (a crash must never
    /// leave a state naming bytes that did not reach the disk), and closes the data file.
    /// </summary>
    internal void SaveAndClose()
    {
        lock (_gate)
        {
            try
            {
                if (_stateChanged && (_data is not null || _wholeOnDisk) && !_deleted)
                {
                    _data?.Flush(flushToDisk: true);
                    var state = new CachedObjectState(Key, ETag, Size, _present.Ranges.Select(r => new[] { r.Start, r.End }).ToList());
                    PrivateFiles.Replace(_statePath, JsonSerializer.SerializeToUtf8Bytes(state, CachedObjectStateJson.Default.CachedObjectState), flushToDisk: !_wholeOnDisk);
                    _stateChanged = false;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _cache.ReportDiskError($"saving the cache state of '{Key}'", e);
            }
            finally
            {
                _data?.Dispose();
                _data = null;
            }
        }
    }

    /// <summary>Deletes the files (state first: data without a state is never trusted). Returns the bytes freed.</summary>
    internal long Delete()
    {
        lock (_gate)
        {
            _deleted = true;
            _data?.Dispose();
            _data = null;
            var freed = _present.Ranges.Sum(r => r.End - r.Start);
            _present.Clip(0);
            _stateChanged = false;
            File.Delete(_statePath);
            File.Delete(_dataPath);
            return freed;
        }
    }

    /// <summary>An entry for what a previous mount saved, or null when the state is unreadable or its data is gone.</summary>
    internal static CachedObject? Load(DataCache cache, string statePath)
    {
        try
        {
            var state = JsonSerializer.Deserialize(File.ReadAllBytes(statePath), CachedObjectStateJson.Default.CachedObjectState);
            var stem = statePath[..^".state".Length];
            if (state is null || state.Ranges.Any(r => r.Length != 2 || r[0] < 0 || r[1] > state.Size || r[1] < r[0]))
                return null;
            var dataLength = new FileInfo(stem + ".data") is { Exists: true } info ? info.Length : -1;
            var entry = new CachedObject(cache, state.Key, state.ETag, state.Size, stem)
            {
                LastUsed = File.GetLastWriteTimeUtc(statePath).Ticks,
            };
            foreach (var range in state.Ranges)
            {
                if (range[1] > dataLength)
                    return null;
                entry._present.Add(range[0], range[1]);
            }
            return entry;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }
}
