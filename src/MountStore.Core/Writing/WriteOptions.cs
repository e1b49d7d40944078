namespace MountStore.Core.Writing;

/// <summary>How files written through the mount are buffered, staged and uploaded.</summary>
public sealed record WriteOptions
{
    /// <summary>
    /// Size of the first parts of a segmented upload, and the largest file sent as one PUT
    /// (16 MiB): above S3's 5 MiB minimum part, large enough that a part runs at stream speed.
    /// Later parts grow (see <see cref="PartSizing"/>) so no file is capped below the store's limit.
    /// </summary>
    public int PartBytes { get; init; } = 16 << 20;

    /// <summary>Parts of one file uploading at once while the application keeps writing.</summary>
    public int MaxPartsInFlight { get; init; } = 4;

    /// <summary>
    /// Memory for write buffers of all open files together (128 MiB). A writer that finds it
    /// full waits for a part upload to finish, or moves its bytes to a staging file.
    /// </summary>
    public long MemoryBudgetBytes { get; init; } = 128L << 20;

    /// <summary>Where staging files live (created mode 0700); null: a folder under the system's temp directory.</summary>
    public string? StagingDirectory { get; init; }

    /// <summary>Most bytes all staging files may hold together (10 GiB); past it writes get ENOSPC.</summary>
    public long StagingLimitBytes { get; init; } = 10L << 30;

    /// <summary>Parallel requests when a directory rename copies and deletes its keys.</summary>
    public int RenameParallelism { get; init; } = 8;

    /// <summary>Throws when a value is out of range, naming the option.</summary>
    public void Validate()
    {
        if (PartBytes < 5 << 20)
            throw new ArgumentException("the part size must be at least 5 MiB (S3's smallest part)");
        if (MaxPartsInFlight < 1)
            throw new ArgumentException("at least one part must be allowed in flight");
        if (MemoryBudgetBytes < 3L * PartBytes)
            throw new ArgumentException("the write buffer must hold at least three parts");
        if (StagingLimitBytes < 0)
            throw new ArgumentException("the staging limit cannot be negative");
        if (RenameParallelism < 1)
            throw new ArgumentException("rename parallelism must be at least 1");
    }
}
