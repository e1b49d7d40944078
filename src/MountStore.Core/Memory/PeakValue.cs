namespace MountStore.Core.Memory;

/// <summary>A high-water mark (bytes held, slots taken) shared by threads: raised without a lock, never lowered.</summary>
internal static class PeakValue
{
    /// <summary>Makes <paramref name="peak"/> at least <paramref name="value"/>.</summary>
    public static void Raise(ref long peak, long value)
    {
        long seen;
        while (value > (seen = Interlocked.Read(ref peak)) && Interlocked.CompareExchange(ref peak, value, seen) != seen)
        {
        }
    }

    /// <summary>Makes <paramref name="peak"/> at least <paramref name="value"/>.</summary>
    public static void Raise(ref int peak, int value)
    {
        int seen;
        while (value > (seen = Volatile.Read(ref peak)) && Interlocked.CompareExchange(ref peak, value, seen) != seen)
        {
        }
    }
}
