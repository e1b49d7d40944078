namespace MountStore.Core.FileSystem;

/// <summary>
/// What statfs() reports. An object store has no fixed capacity, so the numbers are large and
/// constant (1 PiB, a billion files) rather than zero: tools such as cp, rsync and installers
/// refuse to write to a filesystem that looks full.
/// </summary>
public sealed record FileSystemStatistics(uint BlockSize, ulong TotalBlocks, ulong FreeBlocks, ulong TotalFiles, ulong FreeFiles, uint MaxNameLength)
{
    /// <summary>The figures every mount reports.</summary>
    public static FileSystemStatistics Unbounded { get; } = new(4096, (1UL << 50) / 4096, (1UL << 50) / 4096, 1UL << 30, 1UL << 30, 255);
}
