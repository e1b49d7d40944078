using MountStore.Core.Prefetch;

namespace MountStore.Core.Writing;

/// <summary>
/// Part buffers for all files being written, within one byte budget. A writer that finds the
/// budget spent waits until a part upload returns its buffer. Buffers are native memory whose
/// pages the OS commits only when written, so an 8 MiB part holding a 4 KiB file costs 4 KiB.
/// </summary>
public sealed class WriteBufferPool(long budgetBytes)
{
    private readonly Lock _gate = new();
    private readonly LinkedList<(long Bytes, TaskCompletionSource Ready)> _waiting = new();
    private long _inUse, _peak;

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

    /// <summary>A buffer of <paramref name="bytes"/> now, or null when the budget is spent.</summary>
    public NativeBuffer? TryRent(int bytes)
    {
        lock (_gate)
        {
            if (_waiting.Count > 0 || _inUse + bytes > BudgetBytes)
                return null;
            Take(bytes);
        }
        return new NativeBuffer(bytes);
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
                return new NativeBuffer(bytes);
            }
            node = _waiting.AddLast((bytes, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)));
        }
        try
        {
            await node.Value.Item2.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            return new NativeBuffer(bytes); // the budget was taken for us when we were woken
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
            return new NativeBuffer(bytes);
        }
    }

    /// <summary>Gives back a buffer from this pool.</summary>
    public void Return(NativeBuffer buffer)
    {
        var bytes = buffer.Length;
        ((IDisposable)buffer).Dispose();
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
        _inUse += bytes;
        _peak = Math.Max(_peak, _inUse);
    }
}
