namespace MountStore.Core.DiskCache;

/// <summary>Where file data is kept on local disk across mounts, and how much of it.</summary>
public sealed record DataCacheOptions
{
    /// <summary>The cache folder (created mode 0700). One mount at a time may use it.</summary>
    public required string Directory { get; init; }

    /// <summary>
    /// Most bytes the cache may hold, staging files of the same mount included (10 GiB). Past
    /// it the least recently used objects not open are evicted; data a reader holds open is not.
    /// </summary>
    public long MaxBytes { get; init; } = 10L << 30;

    /// <summary>Throws when a value is out of range, naming the option.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Directory))
            throw new ArgumentException("the data cache needs a folder (--cache-dir)");
        if (MaxBytes < 1 << 20)
            throw new ArgumentException("the cache needs at least 1 MiB (--cache-max-size)");
    }
}
