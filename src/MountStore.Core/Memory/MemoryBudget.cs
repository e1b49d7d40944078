using System.Collections.Concurrent;

namespace MountStore.Core.Memory;

/// <summary>What a buffer is for, which decides how much of the budget it may reach.</summary>
public enum MemoryClaim
{
    /// <summary>Read-ahead: opportunistic, it gives way to writers waiting and to reads someone waits on.</summary>
    ReadAhead,

    /// <summary>A part a writer fills: all but the reserve kept for reads someone waits on.</summary>
    Write,

    /// <summary>A read the kernel is waiting for: up to the whole budget.</summary>
    Demand,
}

/// <summary>
/// The one memory budget of a mount (--memory-limit), shared by read-ahead and write buffers, in
/// the spirit of mountpoint-s3's memory limiter. It counts every native buffer alive, those in
/// use and those kept for reuse, so the figure is what the process holds. Read-ahead may fill
/// the budget only up to what writers are waiting for and a reserve kept for reads someone waits
/// on; writers up to that reserve; a read someone waits on may take all of it. Nobody waits forever on it: the pools above wait a
/// bounded time and then take memory past the budget (counted, and rare) or give something up
/// (a writer sends a part early or stages on disk), so no set of readers and writers can
/// deadlock on it. Buffers given back are kept for reuse (a fresh native block costs a page
/// fault per 4 KiB) while the budget has room, and dropped, largest last, when it has not.
/// </summary>
public sealed class MemoryBudget
{
    private readonly ConcurrentDictionary<int, ConcurrentBag<NativeBuffer>> _free = new();
    private long _allocated, _kept, _peak, _waitingWriters, _forced;
    private TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>A budget of <paramref name="limitBytes"/>.</summary>
    public MemoryBudget(long limitBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limitBytes, 1L << 20);
        LimitBytes = limitBytes;
    }

    /// <summary>The limit given at construction.</summary>
    public long LimitBytes { get; }

    /// <summary>Native memory held now: buffers in use and buffers kept for reuse.</summary>
    public long AllocatedBytes => Interlocked.Read(ref _allocated);

    /// <summary>Of <see cref="AllocatedBytes"/>, what is kept for reuse.</summary>
    public long KeptBytes => Interlocked.Read(ref _kept);

    /// <summary>The most native memory ever held at once.</summary>
    public long PeakBytes => Interlocked.Read(ref _peak);

    /// <summary>Bytes taken past the budget after a bounded wait (should stay rare).</summary>
    public long ForcedBytes => Interlocked.Read(ref _forced);

    /// <summary>What read-ahead leaves free for reads someone waits on: an eighth of the budget.</summary>
    public long Reserve => LimitBytes / 8;

    /// <summary>Bytes writers are waiting for now: read-ahead stops growing until they have them.</summary>
    public long WaitingWriterBytes => Interlocked.Read(ref _waitingWriters);

    /// <summary>A buffer of exactly <paramref name="bytes"/> for <paramref name="claim"/>, or null when the budget has no room for it.</summary>
    public NativeBuffer? TryRent(int bytes, MemoryClaim claim)
    {
        if (TakeKept(bytes) is { } kept)
            return kept;
        var limit = claim switch
        {
            MemoryClaim.ReadAhead => LimitBytes - Reserve - WaitingWriterBytes,
            MemoryClaim.Write => LimitBytes - Reserve,
            _ => LimitBytes,
        };
        if (!TryCount(bytes, limit))
        {
            // kept buffers of other sizes may be all that stands in the way
            DropKept(AllocatedBytes + bytes - limit);
            if (!TryCount(bytes, limit))
                return null;
        }
        return new NativeBuffer(bytes);
    }

    /// <summary>A buffer of <paramref name="bytes"/> even past the budget: for a need that waited long enough.</summary>
    public NativeBuffer Rent(int bytes)
    {
        if (TakeKept(bytes) is { } kept)
            return kept;
        var over = Interlocked.Add(ref _allocated, bytes) - LimitBytes;
        if (over > 0)
            Interlocked.Add(ref _forced, Math.Min(over, bytes));
        NotePeak();
        return new NativeBuffer(bytes);
    }

    /// <summary>
    /// Gives a buffer back: kept for reuse while the budget has room and what is kept stays under
    /// half of it (an idle mount should not sit on its whole budget), else freed.
    /// </summary>
    public void Return(NativeBuffer buffer)
    {
        if (AllocatedBytes <= LimitBytes - WaitingWriterBytes && KeptBytes + buffer.Length <= LimitBytes / 2)
        {
            Interlocked.Add(ref _kept, buffer.Length);
            _free.GetOrAdd(buffer.Length, _ => []).Add(buffer);
        }
        else
        {
            Free(buffer);
        }
        Interlocked.Exchange(ref _released, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    /// <summary>Completes when some buffer comes back, or after <paramref name="timeout"/>.</summary>
    public async Task WaitForReturnAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await Volatile.Read(ref _released).Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }
    }

    /// <summary>Announces that a writer waits for <paramref name="bytes"/>; dispose when it has them or gave up.</summary>
    public IDisposable WriterWaiting(long bytes)
    {
        Interlocked.Add(ref _waitingWriters, bytes);
        return new Waiting(this, bytes);
    }

    private sealed class Waiting(MemoryBudget budget, long bytes) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
                Interlocked.Add(ref budget._waitingWriters, -bytes);
        }
    }

    private bool TryCount(int bytes, long limit)
    {
        while (true)
        {
            var allocated = Interlocked.Read(ref _allocated);
            if (allocated + bytes > limit)
                return false;
            if (Interlocked.CompareExchange(ref _allocated, allocated + bytes, allocated) == allocated)
            {
                NotePeak();
                return true;
            }
        }
    }

    private NativeBuffer? TakeKept(int bytes)
    {
        if (!_free.TryGetValue(bytes, out var bag) || !bag.TryTake(out var buffer))
            return null;
        Interlocked.Add(ref _kept, -bytes);
        return buffer;
    }

    /// <summary>Frees kept buffers until <paramref name="bytes"/> are gone or none is left.</summary>
    private void DropKept(long bytes)
    {
        foreach (var (size, bag) in _free.OrderBy(pair => pair.Key))
        {
            while (bytes > 0 && bag.TryTake(out var buffer))
            {
                Interlocked.Add(ref _kept, -size);
                Free(buffer);
                bytes -= size;
            }
        }
    }

    private void Free(NativeBuffer buffer)
    {
        Interlocked.Add(ref _allocated, -buffer.Length);
        ((IDisposable)buffer).Dispose();
    }

    private void NotePeak() => PeakValue.Raise(ref _peak, Interlocked.Read(ref _allocated));
}
