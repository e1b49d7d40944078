using MountStore.Core.Prefetch;
using MountStore.Core.Memory;

namespace MountStore.Core.Writing;

/// <summary>
/// Part buffers for all files being written, within one byte budget that counts buffers in use
/// and buffers kept for reuse together. A writer that finds the budget spent waits until a part
/// upload returns its buffer. Up to a quarter of the budget is kept for reuse: a fresh native
/// block costs a page fault and a zeroed page per 4 KiB written, a fifth of a large copy's CPU.
/// </summary>
public sealed class WriteBufferPool(long budgetBytes)
{
    private readonly Lock _gate = new();
    private readonly LinkedList<(long Bytes, TaskCompletionSource Ready)> _waiting = new();
    private readonly List<NativeBuffer> _kept = [];
    private long _inUse, _keptBytes, _peak;

    /// <summary>The budget given at construction.</summary>
    public long BudgetBytes { get; } = budgetBytes;

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

    /// <summary>Bytes in returned buffers kept for reuse.</summary>
    public long KeptBytes
    {
        get
        {
            lock (_gate)
                return _keptBytes;
        }
    }

    /// <summary>
    /// A buffer of <paramref name="bytes"/>, waiting (first come, first served) until the budget
    /// has room; null when <paramref name="timeout"/> passes first, so the caller can free
    /// memory of its own before waiting again.
    /// </summary>
    public async ValueTask<NativeBuffer?> RentAsync(int bytes, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (bytes > BudgetBytes)
            throw new ArgumentOutOfRangeException(nameof(bytes), "a buffer larger than the whole write budget");
        LinkedListNode<(long, TaskCompletionSource)> node;
        lock (_gate)
        {
            if (_waiting.Count == 0 && _inUse + bytes <= BudgetBytes)
            {
                Take(bytes);
                return ReuseOrAllocate(bytes);
            }
            node = _waiting.AddLast((bytes, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)));
        }
        try
        {
            await node.Value.Item2.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            return ReuseOrAllocate(bytes); // the budget was taken for us when we were woken
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            lock (_gate)
            {
                if (node.List is not null)
                {
                    _waiting.Remove(node);
                    WakeWaiters();
                    if (e is OperationCanceledException) throw;
                    return null;
                }
            }
            // woken just as the wait ended: the bytes are ours
            if (e is OperationCanceledException)
            {
                Return(bytes);
                throw;
            }
            return ReuseOrAllocate(bytes);
        }
    }

    /// <summary>A kept buffer of exactly <paramref name="bytes"/>, else a new one (the budget is already taken).</summary>
    private NativeBuffer ReuseOrAllocate(int bytes)
    {
        lock (_gate)
        {
            var index = _kept.FindIndex(b => b.Length == bytes);
            if (index >= 0)
            {
                var buffer = _kept[index];
                _kept.RemoveAt(index);
                _keptBytes -= bytes;
                return buffer;
            }
        }
        return new NativeBuffer(bytes);
    }

    /// <summary>Gives back a buffer from this pool.</summary>
    public void Return(NativeBuffer buffer)
    {
        var bytes = buffer.Length;
        NativeBuffer? drop = buffer;
        lock (_gate)
        {
            if (_keptBytes + bytes <= BudgetBytes / 4)
            {
                _kept.Add(buffer);
                _keptBytes += bytes;
                drop = null;
            }
        }
        ((IDisposable?)drop)?.Dispose();
        Return(bytes);
    }

    private void Return(long bytes)
    {
        lock (_gate)
        {
            _inUse -= bytes;
            WakeWaiters();
        }
    }

    private void WakeWaiters()
    {
        while (_waiting.First is { } first && _inUse + first.Value.Bytes <= BudgetBytes)
        {
            _waiting.RemoveFirst();
            Take(first.Value.Bytes);
            first.Value.Ready.TrySetResult();
        }
    }

    private void Take(long bytes)
    {
        // kept buffers count against the budget too: drop some when the new one would not fit
        while (_inUse + _keptBytes + bytes > BudgetBytes && _kept.Count > 0)
        {
            var oldest = _kept[0];
            _kept.RemoveAt(0);
            _keptBytes -= oldest.Length;
            ((IDisposable)oldest).Dispose();
        }
        _inUse += bytes;
        _peak = Math.Max(_peak, _inUse);
    }
}
