using MountStore.Core.Storage;

namespace MountStore.Core.Writing;

/// <summary>
/// Where each part of a segmented upload starts and ends. Parts start at the configured size and
/// double every tenth of the store's part count, so the first gigabytes use small parts (little
/// memory, early parallelism) and the last allowed part still reaches the store's object limit:
/// with Swift's 1,000 segments of 8 MiB a flat size would stop at 8 GiB.
/// </summary>
public sealed class PartSizing
{
    private readonly long _first;
    private readonly long _max;
    private readonly int _doublingEvery;

    /// <summary>A schedule for <paramref name="limits"/> starting at <paramref name="firstPartBytes"/>.</summary>
    public PartSizing(StoreLimits limits, long firstPartBytes)
    {
        _first = Math.Max(firstPartBytes, limits.MinPartBytes);
        _max = limits.MaxPartBytes;
        _doublingEvery = Math.Max(1, limits.MaxParts / 10);
        MaxParts = limits.MaxParts;
    }

    /// <summary>Most parts the store accepts.</summary>
    public int MaxParts { get; }

    /// <summary>Size of part <paramref name="partNumber"/> (1-based).</summary>
    public long SizeOf(int partNumber)
    {
        var doublings = Math.Min(30, (partNumber - 1) / _doublingEvery);
        return Math.Min(_max, _first << doublings);
    }

    /// <summary>The largest file this schedule can hold.</summary>
    public long Capacity
    {
        get
        {
            long total = 0;
            for (var part = 1; part <= MaxParts; part++)
                total += SizeOf(part);
            return total;
        }
    }
}
