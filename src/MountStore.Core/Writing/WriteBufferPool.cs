using System.Diagnostics;
using MountStore.Core.Memory;

namespace MountStore.Core.Writing;

/// <summary>
/// Part buffers for all files being written: at most <see cref="BudgetBytes"/> (--write-buffer)
/// in use at once, drawn from the mount's one <see cref="MemoryBudget"/>. Writers are served
/// first come, first served; one that finds no room waits, and while it waits, read-ahead in the
/// shared budget stops growing, so the memory readers give back comes to it. The wait is
/// bounded: the caller then frees memory of its own (sends a part early, or stages on disk)
/// before waiting again, so writers cannot hold the budget while waiting on each other.
/// </summary>
public sealed class WriteBufferPool(MemoryBudget memory, long budgetBytes)
{
    private readonly Lock _gate = new();
    private readonly LinkedList<int> _queue = new();
    private TaskCompletionSource _turn = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _inUse, _peak;

    /// <summary>A pool with a budget of its own, for tests of the write path alone.</summary>
    public WriteBufferPool(long budgetBytes)
        : this(new MemoryBudget(Math.Max(budgetBytes, 1L << 20)), budgetBytes)
    {
    }

    /// <summary>The most bytes of part buffers in use at once (--write-buffer).</summary>
    public long BudgetBytes { get; } = budgetBytes;

    /// <summary>The mount's memory budget this pool draws from.</summary>
    public MemoryBudget Memory => memory;

    /// <summary>Bytes in buffers handed out now.</summary>
    public long InUseBytes
    {
        get
        {
            lock (_gate)
                return _inUse;
        }
    }

    /// <summary>The most bytes ever in use at once.</summary>
    public long PeakInUseBytes
    {
        get
        {
            lock (_gate)
                return _peak;
        }
    }

    /// <summary>
    /// A buffer of <paramref name="bytes"/>, waiting (first come, first served) until there is
    /// room; null when <paramref name="timeout"/> passes first, so the caller can free memory of
    /// its own before waiting again.
    /// </summary>
    public async ValueTask<NativeBuffer?> RentAsync(int bytes, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (bytes > BudgetBytes || bytes > memory.LimitBytes - memory.Reserve)
            throw new ArgumentOutOfRangeException(nameof(bytes), "a buffer larger than the whole write budget");
        LinkedListNode<int> place;
        lock (_gate)
        {
            if (_queue.Count == 0 && TryTake(bytes) is { } at_once)
                return at_once;
            place = _queue.AddLast(bytes);
        }
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        using var waiting = memory.WriterWaiting(bytes);
        try
        {
            while (true)
            {
                Task turn;
                lock (_gate)
                {
                    if (_queue.First == place && TryTake(bytes) is { } buffer)
                        return buffer;
                    turn = _turn.Task;
                }
                var left = TimeSpan.FromSeconds((double)(deadline - Stopwatch.GetTimestamp()) / Stopwatch.Frequency);
                if (left <= TimeSpan.Zero)
                    return null;
                // a buffer coming back anywhere in the budget, or an earlier writer leaving the queue
                await Task.WhenAny(memory.WaitForReturnAsync(left, cancellationToken), turn.WaitAsync(left, cancellationToken)).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
        finally
        {
            lock (_gate)
            {
                var wasFirst = _queue.First == place;
                _queue.Remove(place);
                if (wasFirst)
                    Interlocked.Exchange(ref _turn, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
            }
        }
    }

    /// <summary>A buffer when both this pool and the shared budget have room; under the lock.</summary>
    private NativeBuffer? TryTake(int bytes)
    {
        if (_inUse + bytes > BudgetBytes || memory.TryRent(bytes, MemoryClaim.Write) is not { } buffer)
            return null;
        _inUse += bytes;
        _peak = Math.Max(_peak, _inUse);
        return buffer;
    }

    /// <summary>Gives back a buffer from this pool.</summary>
    public void Return(NativeBuffer buffer)
    {
        lock (_gate)
            _inUse -= buffer.Length;
        memory.Return(buffer);
    }
}
