using MountStore.Core.Memory;

namespace MountStore.Core.Prefetch;

/// <summary>
/// How many GETs readers hold open to stream from at once. Each holds a connection for as long
/// as its file is read in sequence, and the store's connections are shared with every other
/// request (listings, HEADs, uploads), so only a bounded number may be held; readers past it
/// fetch one GET per buffer, as a lone reader does.
/// </summary>
public sealed class StreamSlots(int limit)
{
    private int _open, _peak;

    /// <summary>The most streams open at once.</summary>
    public int Limit { get; } = limit;

    /// <summary>Streams open now.</summary>
    public int Open => Volatile.Read(ref _open);

    /// <summary>The most streams ever open at once.</summary>
    public int Peak => Volatile.Read(ref _peak);

    /// <summary>Takes a slot; false when all are taken.</summary>
    public bool TryTake()
    {
        var open = Interlocked.Increment(ref _open);
        if (open > Limit)
        {
            Interlocked.Decrement(ref _open);
            return false;
        }
        PeakValue.Raise(ref _peak, open);
        return true;
    }

    /// <summary>Gives a slot back.</summary>
    public void Return() => Interlocked.Decrement(ref _open);
}
