using System.Numerics;
using MountStore.Core.Memory;

namespace MountStore.Core.Prefetch;

/// <summary>
/// Buffers for fetched ranges, shared by all open files: at most <see cref="BudgetBytes"/>
/// (--read-ahead-total) in use at once, drawn from the mount's one <see cref="MemoryBudget"/>.
/// Read-ahead (<see cref="TryRent"/>) may fill three quarters of it, and gives way in the shared
/// budget to writers and to reads someone waits on; the last quarter is kept for reads the
/// kernel is waiting for (<see cref="TryRentForDemand"/>), so read-ahead of one file never
/// starves the reads of another. A demand read that finds even that full waits for a buffer to
/// come back (<see cref="WaitForReturnAsync"/>), and after a bounded wait takes one anyway
/// (<see cref="Rent"/>): memory stays bounded and no reader can deadlock on it.
/// Sizes are rounded to powers of two so returned buffers fit later requests.
/// </summary>
public sealed class ReadBufferPool(MemoryBudget memory, long budgetBytes, int maxStreams)
{
    private long _inUse, _peak;
    private int _readers;

    /// <summary>A pool with a budget of its own, for tests of the read path alone.</summary>
    public ReadBufferPool(long budgetBytes)
        : this(new MemoryBudget(Math.Max(budgetBytes, 1L << 20)), budgetBytes, new ReadAheadOptions().MaxStreams)
    {
    }

    /// <summary>The most bytes of read buffers in use at once (--read-ahead-total).</summary>
    public long BudgetBytes { get; } = budgetBytes;

    /// <summary>The GETs readers may hold open to fill these buffers from (<see cref="ReadAheadOptions.MaxStreams"/>).</summary>
    public StreamSlots Streams { get; } = new(maxStreams);

    /// <summary>The mount's memory budget this pool draws from.</summary>
    public MemoryBudget Memory => memory;

    /// <summary>Bytes in buffers handed out and not returned.</summary>
    public long InUseBytes => Interlocked.Read(ref _inUse);

    /// <summary>The most bytes ever in use at once.</summary>
    public long PeakInUseBytes => Interlocked.Read(ref _peak);

    /// <summary>The size a request for <paramref name="bytes"/> is served with.</summary>
    public static int SizeClass(int bytes) => (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(bytes, 4096));

    /// <summary>Open files reading through this pool.</summary>
    public int Readers => Volatile.Read(ref _readers);

    /// <summary>
    /// The read-ahead one file may use while <see cref="Readers"/> share the pool: an equal share
    /// of the read-ahead part of the budget. Without it the first sequential readers grow their
    /// windows over the whole budget and later ones are left fetching only what is asked.
    /// </summary>
    public long FairShareBytes => Math.Min(BudgetBytes, memory.LimitBytes - memory.Reserve) / 4 * 3 / Math.Max(1, Readers);

    internal void ReaderOpened() => Interlocked.Increment(ref _readers);

    internal void ReaderClosed() => Interlocked.Decrement(ref _readers);

    /// <summary>A read-ahead buffer of at least <paramref name="bytes"/>, or null past three quarters of the budget or when the shared budget is short.</summary>
    public NativeBuffer? TryRent(int bytes) => TryRentWithin(bytes, BudgetBytes / 4 * 3, MemoryClaim.ReadAhead);

    /// <summary>A buffer for a read the kernel waits for, or null past the whole budget.</summary>
    public NativeBuffer? TryRentForDemand(int bytes) => TryRentWithin(bytes, BudgetBytes, MemoryClaim.Demand);

    /// <summary>Completes when some buffer comes back (to this pool or to the writers'), or after <paramref name="timeout"/>.</summary>
    public Task WaitForReturnAsync(TimeSpan timeout, CancellationToken cancellationToken) => memory.WaitForReturnAsync(timeout, cancellationToken);

    private NativeBuffer? TryRentWithin(int bytes, long limit, MemoryClaim claim)
    {
        var size = SizeClass(bytes);
        while (true)
        {
            var inUse = Interlocked.Read(ref _inUse);
            if (inUse + size > limit)
                return null;
            if (Interlocked.CompareExchange(ref _inUse, inUse + size, inUse) != inUse)
                continue;
            if (memory.TryRent(size, claim) is { } buffer)
            {
                NotePeak();
                return buffer;
            }
            Interlocked.Add(ref _inUse, -size);
            return null;
        }
    }

    /// <summary>A buffer of at least <paramref name="bytes"/>, even past the budget.</summary>
    public NativeBuffer Rent(int bytes)
    {
        var size = SizeClass(bytes);
        Interlocked.Add(ref _inUse, size);
        NotePeak();
        return memory.Rent(size);
    }

    /// <summary>Gives a buffer back.</summary>
    public void Return(NativeBuffer buffer)
    {
        Interlocked.Add(ref _inUse, -buffer.Length);
        memory.Return(buffer);
    }

    private void NotePeak() => PeakValue.Raise(ref _peak, Interlocked.Read(ref _inUse));
}
