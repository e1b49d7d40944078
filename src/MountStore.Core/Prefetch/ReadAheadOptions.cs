namespace MountStore.Core.Prefetch;

/// <summary>How far ahead a file handle reads, in how large pieces, and with how much memory.</summary>
public sealed record ReadAheadOptions
{
    /// <summary>
    /// Smallest range fetched, also what a random read costs at least (64 KiB): small enough that
    /// a 4 KiB page fault does not pull megabytes, large enough to amortise a request.
    /// </summary>
    public int MinChunkBytes { get; init; } = 64 << 10;

    /// <summary>Largest single ranged GET (8 MiB): big enough to run at full stream speed.</summary>
    public int MaxChunkBytes { get; init; } = 8 << 20;

    /// <summary>
    /// Most bytes fetched ahead of the reader per handle (64 MiB: eight 8 MiB GETs in flight).
    /// The window starts small and grows to twice what was read in sequence.
    /// </summary>
    public long MaxWindowBytes { get; init; } = 64L << 20;

    /// <summary>
    /// Read-ahead memory for all handles together (80 MiB). Read-ahead may use three quarters of
    /// it; the rest serves reads the kernel waits for. Many parallel readers share the budget
    /// instead of multiplying it, which keeps the mount process under 200 MB.
    /// </summary>
    public long TotalBudgetBytes { get; init; } = 80L << 20;

    /// <summary>
    /// Below this share of the read-ahead budget per open file (16 MiB), a file read in sequence
    /// fills its buffers from one GET held open instead of one GET per buffer. Many readers
    /// sharing the budget get small buffers each, and a GET per small buffer costs the server a
    /// request each time (16 readers of 64 MiB made about 1,000 GETs); one stream per file
    /// costs one, with the same memory. A lone reader keeps its parallel GETs, which one stream
    /// cannot match.
    /// </summary>
    public long StreamBelowShareBytes { get; init; } = 16L << 20;

    /// <summary>Most GETs held open for streaming at once (16): each holds one of the store's connections.</summary>
    public int MaxStreams { get; init; } = 16;

    /// <summary>How often a range whose stream broke midway is resumed before the read fails.</summary>
    public int MaxResumes { get; init; } = 3;

    /// <summary>Throws when the sizes contradict each other.</summary>
    public void Validate()
    {
        if (MinChunkBytes < 4096 || !IsPowerOfTwo(MinChunkBytes) || !IsPowerOfTwo(MaxChunkBytes) || MaxChunkBytes < MinChunkBytes)
            throw new ArgumentException("read-ahead chunk sizes must be powers of two, at least 4 KiB, min <= max");
        if (MaxWindowBytes < MaxChunkBytes)
            throw new ArgumentException("the read-ahead window must hold at least one chunk");
        if (TotalBudgetBytes < MaxChunkBytes)
            throw new ArgumentException("the read-ahead budget must hold at least one chunk");
        if (MaxStreams < 0)
            throw new ArgumentException("the number of streams must not be negative");
    }

    private static bool IsPowerOfTwo(int value) => value > 0 && (value & (value - 1)) == 0;
}
