using System.Diagnostics;
using MountStore.Core.DiskCache;

namespace MountStore.Core.Prefetch;

/// <summary>
/// Reads one open object for one file handle. Sequential reads are detected and served from a
/// queue of ranged GETs running ahead of the reader in parallel; the queue's reach (the window)
/// is twice the bytes read in sequence so far, from one small chunk up to
/// <see cref="ReadAheadOptions.MaxWindowBytes"/>, and its chunks grow with it. A jump elsewhere
/// drops the queue and fetches only near the new offset, so random access (mmap, a zip's
/// directory, a parquet footer) costs small ranges. Memory: the window per handle, and the
/// shared <see cref="ReadBufferPool"/> budget over all handles. When many files share that
/// budget, each one's window is small; a file read in sequence then fills its window from one
/// GET held open (<see cref="SequentialStream"/>) instead of one GET per small buffer.
/// </summary>
public sealed class ObjectReader : IAsyncDisposable
{
    /// <summary>How long a read waits for read-ahead memory before it takes some past the budget.</summary>
    private static readonly TimeSpan DemandWaitLimit = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Bytes read in sequence before a reader may stream (1 MiB): a reader that jumps about (a
    /// zip's directory, a parquet footer) would open a GET of the rest of the file per jump.
    /// </summary>
    private const long StreamAfterBytes = 1 << 20;

    private readonly string _key;
    private readonly string? _version;
    private readonly long _size;
    private readonly ReadAheadOptions _options;
    private readonly ReadBufferPool _pool;
    private readonly RangeFetcher _fetcher;
    private readonly (DataCache Cache, CachedObject Object)? _diskCopy;
    private readonly CancellationTokenSource _closing = new();
    private readonly Lock _gate = new();
    private readonly List<FetchedRange> _queue = [];
    private SequentialStream? _stream;
    private long _sequenceStart = -1;
    private long _lastReadEnd = -1;
    private bool _disposed;

    /// <summary>
    /// A reader of <paramref name="key"/>; with <paramref name="version"/> (an ETag), of that
    /// version only. With <paramref name="diskCopy"/>, ranges come from that object's data on
    /// local disk where present and are kept there when fetched; the reader gives it back when
    /// disposed.
    /// </summary>
    internal ObjectReader(string key, string? version, long size, ReadAheadOptions options, ReadBufferPool pool, RangeFetcher fetcher, (DataCache Cache, CachedObject Object)? diskCopy = null)
    {
        _diskCopy = diskCopy;
        _key = key;
        _version = version;
        _size = size;
        _options = options;
        _pool = pool;
        _fetcher = fetcher;
        pool.ReaderOpened();
    }

    /// <summary>Ranged GETs started by this handle (tests check that random reads stay small).</summary>
    public int FetchCount { get; private set; }

    /// <summary>Bytes requested from the store by this handle.</summary>
    public long FetchedBytes { get; private set; }

    /// <summary>Bytes this handle holds in read-ahead buffers now.</summary>
    public long QueuedBytes
    {
        get
        {
            lock (_gate)
                return _queue.Sum(r => (long)r.Buffer.Length);
        }
    }

    /// <summary>Copies bytes at <paramref name="offset"/> into <paramref name="destination"/>; returns how many (0 at the end).</summary>
    public async ValueTask<int> ReadAsync(long offset, Memory<byte> destination, CancellationToken cancellationToken)
    {
        using var result = await ReadSegmentsAsync(offset, destination.Length, cancellationToken).ConfigureAwait(false);
        return result.CopyTo(destination);
    }

    /// <summary>
    /// The bytes at [offset, offset+length) as slices of the buffers holding them (fewer at the
    /// end of the object, none past it). Dispose the result to release the buffers.
    /// </summary>
    public async ValueTask<ReadResult> ReadSegmentsAsync(long offset, int length, CancellationToken cancellationToken)
    {
        if (offset >= _size || length <= 0)
            return ReadResult.Empty;
        length = (int)Math.Min(length, _size - offset);
        List<FetchedRange>? ranges;
        var waitedSince = 0L;
        while (true)
        {
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                var waitedEnough = waitedSince != 0 && Stopwatch.GetElapsedTime(waitedSince) > DemandWaitLimit;
                ranges = Plan(offset, length, waitedEnough);
            }
            if (ranges is not null)
                break;
            // The shared budget is spent: wait for another read to give a buffer back.
            if (waitedSince == 0)
                waitedSince = Stopwatch.GetTimestamp();
            await _pool.WaitForReturnAsync(DemandWaitLimit, cancellationToken).ConfigureAwait(false);
        }
        try
        {
            var end = offset + length;
            var segments = new List<ReadOnlyMemory<byte>>(ranges.Count);
            foreach (var range in ranges)
            {
                await range.Completion.WaitAsync(cancellationToken).ConfigureAwait(false);
                var from = Math.Max(offset, range.Start);
                var to = Math.Min(end, range.End);
                segments.Add(range.Buffer.Memory.Slice((int)(from - range.Start), (int)(to - from)));
            }
            var result = new ReadResult(segments, ranges);
            // A short answer before the end of the file would tell the kernel the file ended
            // there (it shrinks its size): never give one.
            if (result.Length != length)
                throw new IOException($"read of '{_key}' at {offset} got {result.Length} of {length} bytes from ranges " +
                                      string.Join(", ", ranges.Select(r => $"[{r.Start}, {r.End})")));
            return result;
        }
        catch
        {
            lock (_gate)
                DropFailed();
            foreach (var range in ranges)
                range.Release();
            throw;
        }
    }

    /// <summary>
    /// Decides which ranges serve [offset, offset+length), schedules missing ones and read-ahead,
    /// and returns the serving ranges with a reference taken on each. Runs under the lock.
    /// </summary>
    private List<FetchedRange>? Plan(long offset, int length, bool overBudget)
    {
        var end = offset + length;
        var queueStart = _queue.Count > 0 ? _queue[0].Start : -1;
        var queueEnd = _queue.Count > 0 ? _queue[^1].End : -1;

        if (_queue.Count > 0 && offset < queueStart && offset >= queueStart - _options.MaxWindowBytes)
        {
            // A late read just behind the queue (the kernel sends read-ahead requests in
            // parallel and they can arrive out of order): serve it alone, keep the queue.
            return StartDemandFetch(offset, length, overBudget) is { } alone ? [alone] : null;
        }

        var inSequence = offset == _lastReadEnd || (_queue.Count > 0 && offset >= queueStart && offset <= queueEnd);
        if (!inSequence)
        {
            ClearQueue();
            EndStream();
            _sequenceStart = offset;
        }
        _lastReadEnd = Math.Max(_lastReadEnd, end);
        DropConsumed(offset);

        var reachLimit = Math.Max(2L * _options.MinChunkBytes, Math.Min(_options.MaxWindowBytes, _pool.FairShareBytes));
        var window = Math.Clamp(2 * (end - _sequenceStart), _options.MinChunkBytes, reachLimit);
        // Half the window per GET (capped at MaxChunkBytes): with many readers sharing the budget,
        // two larger GETs per file cost the server far less than many small ones.
        var chunk = (int)Math.Clamp(window / 2 / _options.MinChunkBytes * _options.MinChunkBytes, _options.MinChunkBytes, _options.MaxChunkBytes);
        if (_stream is null && _diskCopy is null && end - _sequenceStart >= StreamAfterBytes
            && _pool.FairShareBytes < _options.StreamBelowShareBytes && _pool.Streams.TryTake())
            _stream = new SequentialStream(_fetcher, _key, _version, _size, _pool.Streams, _closing.Token);
        var next = _queue.Count > 0 ? _queue[^1].End : offset;
        if (next < offset)
        {
            // The queue ends before this read (a failed fetch was dropped, the reader went on):
            // start it afresh here. Fetching at the offset behind it would leave a gap that a
            // later read of the dropped bytes finds unserved.
            ClearQueue();
            next = offset;
        }
        if (next < end)
        {
            // What the kernel waits for: a whole chunk while read-ahead may grow, else exactly
            // the missing bytes from the demand reserve; when even that is spent, the caller
            // waits for a buffer to come back and asks again.
            var demand = StartFetch(next, (int)Math.Min(Math.Max(chunk, end - next), _size - next), mandatory: false, inOrder: true)
                ?? StartFetch(next, (int)(end - next), mandatory: true, inOrder: true, overBudget);
            if (demand is null)
                return null;
            next = Enqueue(demand);
        }
        var reach = Math.Min(_size, offset + window);
        while (next < reach)
        {
            var range = StartFetch(next, (int)Math.Min(chunk, _size - next), mandatory: false, inOrder: true);
            if (range is null)
                break; // over the shared budget: read only what is asked until memory frees up
            next = Enqueue(range);
        }

        var serving = new List<FetchedRange>();
        foreach (var range in _queue)
        {
            if (range.End > offset && range.Start < end)
            {
                range.AddReference();
                serving.Add(range);
            }
        }
        return serving;
    }

    private long Enqueue(FetchedRange range)
    {
        _queue.Add(range);
        return range.End;
    }

    private FetchedRange? StartDemandFetch(long start, int length, bool overBudget) =>
        StartFetch(start, length, mandatory: true, inOrder: false, overBudget);

    /// <summary>
    /// A range fetched into a new buffer: from the stream when the reader streams and the range
    /// continues the queue (<paramref name="inOrder"/>), else by a GET of its own.
    /// </summary>
    private FetchedRange? StartFetch(long start, int length, bool mandatory, bool inOrder, bool overBudget = false)
    {
        var buffer = !mandatory ? _pool.TryRent(length) : overBudget ? _pool.Rent(length) : _pool.TryRentForDemand(length);
        if (buffer is null)
            return null;
        var range = new FetchedRange(start, length, buffer, _pool);
        range.Completion = _diskCopy is { Object: var cached }
            ? cached.FillAsync(start, buffer.Memory[..length], (at, into, token) => _fetcher.FetchAsync(_key, _version, at, into, token), _closing.Token)
            : inOrder && _stream is not null
                ? _stream.FillAsync(start, buffer.Memory[..length])
                : _fetcher.FetchAsync(_key, _version, start, buffer.Memory[..length], _closing.Token);
        FetchCount++;
        FetchedBytes += length;
        return range;
    }

    /// <summary>Releases ranges the reader has passed, keeping the one just behind for late reads.</summary>
    private void DropConsumed(long offset)
    {
        var passed = 0;
        while (passed < _queue.Count && _queue[passed].End <= offset)
            passed++;
        var drop = passed - 1;
        for (var i = 0; i < drop; i++)
            _queue[i].Release();
        if (drop > 0)
            _queue.RemoveRange(0, drop);
    }

    /// <summary>After a failed GET, forgets that range and everything after it, so a retry fetches again.</summary>
    private void DropFailed()
    {
        var failed = _queue.FindIndex(r => r.Completion.IsFaulted || r.Completion.IsCanceled);
        if (failed < 0)
            return;
        for (var i = failed; i < _queue.Count; i++)
            _queue[i].Release();
        _queue.RemoveRange(failed, _queue.Count - failed);
    }

    /// <summary>Leaves streaming (a jump elsewhere): the reader fetches with a GET per range until it proves sequential again.</summary>
    private void EndStream()
    {
        _stream?.Close();
        _stream = null;
    }

    private void ClearQueue()
    {
        foreach (var range in _queue)
            range.Release();
        _queue.Clear();
    }

    /// <summary>Stops the GETs still running and gives their buffers back.</summary>
    public ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            if (_disposed)
                return ValueTask.CompletedTask;
            _disposed = true;
            _pool.ReaderClosed();
            _closing.Cancel();
            ClearQueue();
            EndStream();
        }
        if (_diskCopy is var (cache, cached))
            cache.Release(cached);
        return ValueTask.CompletedTask;
    }
}
