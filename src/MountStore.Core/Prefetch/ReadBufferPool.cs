using System.Collections.Concurrent;
using System.Numerics;
using MountStore.Core.Memory;

namespace MountStore.Core.Prefetch;

/// <summary>
/// Buffers for fetched ranges, shared by all open files, with one byte budget for buffers in use
/// and buffers kept for reuse together. Read-ahead (<see cref="TryRent"/>) may fill three
/// quarters of the budget; the last quarter is kept for reads the kernel is waiting for
/// (<see cref="TryRentForDemand"/>), so read-ahead of one file never starves the reads of
/// another. A demand read that finds even that full waits for a buffer to come back
/// (<see cref="WaitForReturnAsync"/>), and after a bounded wait takes one anyway
/// (<see cref="Rent"/>): memory stays bounded and no reader can deadlock on it.
/// Sizes are rounded to powers of two so returned buffers fit later requests.
/// </summary>
public sealed class ReadBufferPool(long budgetBytes)
{
    private readonly ConcurrentDictionary<int, ConcurrentBag<NativeBuffer>> _free = new();
    private long _inUse, _kept, _peak;

    /// <summary>The budget given at construction.</summary>
    public long BudgetBytes { get; } = budgetBytes;

    /// <summary>Bytes in buffers handed out and not returned.</summary>
    public long InUseBytes => Interlocked.Read(ref _inUse);

    /// <summary>Bytes in returned buffers kept for reuse.</summary>
    public long KeptBytes => Interlocked.Read(ref _kept);

    /// <summary>The most bytes ever in use at once.</summary>
    public long PeakInUseBytes => Interlocked.Read(ref _peak);

    /// <summary>The size a request for <paramref name="bytes"/> is served with.</summary>
    public static int SizeClass(int bytes) => (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(bytes, 4096));

    private int _readers;

    /// <summary>Open files reading through this pool.</summary>
    public int Readers => Volatile.Read(ref _readers);

    /// <summary>
    /// The read-ahead one file may use while <see cref="Readers"/> share the pool: an equal share
    /// of the read-ahead part of the budget. Without it the first sequential readers grow their
    /// windows over the whole budget and later ones are left fetching only what is asked.
    /// </summary>
    public long FairShareBytes => BudgetBytes / 4 * 3 / Math.Max(1, Readers);

    internal void ReaderOpened() => Interlocked.Increment(ref _readers);

    internal void ReaderClosed() => Interlocked.Decrement(ref _readers);

    private TaskCompletionSource _returned = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>A read-ahead buffer of at least <paramref name="bytes"/>, or null past three quarters of the budget.</summary>
    public NativeBuffer? TryRent(int bytes) => TryRentWithin(bytes, BudgetBytes / 4 * 3);

    /// <summary>A buffer for a read the kernel waits for, or null past the whole budget.</summary>
    public NativeBuffer? TryRentForDemand(int bytes) => TryRentWithin(bytes, BudgetBytes);

    /// <summary>Completes when some buffer comes back, or after <paramref name="timeout"/>.</summary>
    public async Task WaitForReturnAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await Volatile.Read(ref _returned).Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }
    }

    private NativeBuffer? TryRentWithin(int bytes, long limit)
    {
        var size = SizeClass(bytes);
        while (true)
        {
            var inUse = Interlocked.Read(ref _inUse);
            if (inUse + size > limit)
                return null;
            if (Interlocked.CompareExchange(ref _inUse, inUse + size, inUse) == inUse)
                return Take(size);
        }
    }

    /// <summary>A buffer of at least <paramref name="bytes"/>, even past the budget.</summary>
    public NativeBuffer Rent(int bytes)
    {
        var size = SizeClass(bytes);
        Interlocked.Add(ref _inUse, size);
        return Take(size);
    }

    /// <summary>Gives a buffer back; it is kept for reuse only while the budget allows.</summary>
    public void Return(NativeBuffer buffer)
    {
        var inUse = Interlocked.Add(ref _inUse, -buffer.Length);
        Interlocked.Exchange(ref _returned, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        if (inUse + Interlocked.Read(ref _kept) + buffer.Length > BudgetBytes)
        {
            ((IDisposable)buffer).Dispose(); // keeping it would hold memory past the budget
            return;
        }
        Interlocked.Add(ref _kept, buffer.Length);
        _free.GetOrAdd(buffer.Length, _ => []).Add(buffer);
    }

    private NativeBuffer Take(int size)
    {
        var inUse = Interlocked.Read(ref _inUse);
        long peak;
        while (inUse > (peak = Interlocked.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, inUse, peak) != peak)
        {
        }
        if (_free.TryGetValue(size, out var bag) && bag.TryTake(out var buffer))
        {
            Interlocked.Add(ref _kept, -size);
            return buffer;
        }
        return new NativeBuffer(size);
    }
}
