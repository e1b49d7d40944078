namespace MountStore.Core.FileSystem;

/// <summary>How the mounted filesystem presents and caches the store.</summary>
public sealed record FileSystemOptions
{
    /// <summary>Key prefix the mount root stands for: empty, or ending in '/'.</summary>
    public string RootPrefix { get; init; } = "";

    /// <summary>Refuse every write with EROFS.</summary>
    public bool ReadOnly { get; init; }

    /// <summary>
    /// How long attributes and listings are trusted before the store is asked again, and the
    /// kernel's entry and attribute timeout. 30 s: a folder listed once is browsed without
    /// requests, and a change made elsewhere shows within half a minute.
    /// </summary>
    public TimeSpan MetadataTtl { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long "no such file" is remembered (shorter: new files from elsewhere show sooner).</summary>
    public TimeSpan NegativeTtl { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Most attribute and listing entries cached at once (about 200 bytes each).</summary>
    public int MaxCachedEntries { get; init; } = 100_000;

    /// <summary>
    /// HEADs in flight at once, after a folder is listed, to load the metadata a listing cannot
    /// carry (mtime, mode and owner set by other tools, a symlink's type on S3, a DLO's size), so
    /// listings converge to the objects' own attributes. 0: only a lookup or open of a single
    /// path loads them. Default 4: a folder of 1,000 files converges in well under a second on a
    /// local server, without holding back the requests a user waits for.
    /// </summary>
    public int ListingMetadataParallel { get; init; } = 4;

    /// <summary>
    /// Folders listed ahead of a tree walk (`find`, `ls -R`, `du`) at a time: when a folder is
    /// opened its first subfolder, and when the walk goes down into a subfolder, the subtrees of
    /// up to this many subfolders after it, flat, in at most <see cref="ListAheadParallel"/>
    /// ranges side by side (<see cref="Metadata.ListingLookAhead"/>), up to a fifth of
    /// <see cref="MaxCachedEntries"/> names. 0: a folder is listed only when opened. Default 128:
    /// a cold `find` over 100 folders of 100 files costs the root's LIST, its first folder's and
    /// four flat ranges of 2,500 names, and opening one folder costs one LIST more.
    /// </summary>
    public int ListAhead { get; init; } = 128;

    /// <summary>Listings in flight at once ahead of a walk. Default 4.</summary>
    public int ListAheadParallel { get; init; } = 4;

    /// <summary>
    /// How many of the next files a run of deletes in one folder (`rm -r`) wants answered before
    /// it reaches them, on a store that asks before it deletes (Swift); when one is not, a
    /// listing page asks about the files after the last delete (<see cref="DeleteLookAhead"/>).
    /// 0: each delete asks for itself. Default 4.
    /// </summary>
    public int DeleteAhead { get; init; } = 4;

    /// <summary>
    /// Questions in flight at once ahead of runs of deletes: listing pages (one per folder), or
    /// HEADs where a listing row cannot answer. Default 2.
    /// </summary>
    public int DeleteAheadParallel { get; init; } = 2;

    /// <summary>
    /// How old an answer asked ahead may be when its delete takes it, and how soon one unlink
    /// must follow another in the same folder to count as a run. Default 1 s.
    /// </summary>
    public TimeSpan DeleteAheadFreshFor { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Owner shown for objects without uid metadata.</summary>
    public uint Uid { get; init; }

    /// <summary>Group shown for objects without gid metadata.</summary>
    public uint Gid { get; init; }

    /// <summary>Permission bits of files without mode metadata.</summary>
    public uint FileMode { get; init; } = Convert.ToUInt32("644", 8);

    /// <summary>Permission bits of directories.</summary>
    public uint DirectoryMode { get; init; } = Convert.ToUInt32("755", 8);

    /// <summary>Owner and permissions of nodes whose objects carry none.</summary>
    public Model.NodeDefaults NodeDefaults => new(Uid, Gid, FileMode, DirectoryMode);

    /// <summary>
    /// The one memory budget for read-ahead and write buffers together (native memory, buffers
    /// kept for reuse included). Read-ahead (<see cref="Prefetch.ReadAheadOptions.TotalBudgetBytes"/>)
    /// and write buffers (<see cref="Writing.WriteOptions.MemoryBudgetBytes"/>) are caps within
    /// it. Default 160 MiB: with the runtime's own 60 to 80 MB, a mount with 16 readers and 4
    /// writers at once stays under 250 MB resident.
    /// </summary>
    public long MemoryLimitBytes { get; init; } = 160L << 20;

    /// <summary>Read-ahead sizes and the memory they may use.</summary>
    public Prefetch.ReadAheadOptions ReadAhead { get; init; } = new();

    /// <summary>Part sizes, write memory, staging files.</summary>
    public Writing.WriteOptions Writing { get; init; } = new();

    /// <summary>File data kept on local disk across mounts; null: none (the default).</summary>
    public DiskCache.DataCacheOptions? DataCache { get; init; }

    /// <summary>
    /// Closed files uploaded in the background from the data cache (close() returns once the
    /// file is safe on local disk); null: close() returns once the object is in the store (the
    /// default). Needs <see cref="DataCache"/>.
    /// </summary>
    public WriteBack.WriteBackOptions? WriteBack { get; init; }

    /// <summary>Throws when a value is out of range, naming the option.</summary>
    public void Validate()
    {
        DataCache?.Validate();
        WriteBack?.Validate();
        if (WriteBack is not null && DataCache is null)
            throw new ArgumentException("write-back keeps files in the data cache until they are uploaded: it needs a data cache folder");
        if (RootPrefix.Length > 0 && !RootPrefix.EndsWith('/'))
            throw new ArgumentException("RootPrefix must be empty or end with '/'.");
        if (MetadataTtl < TimeSpan.Zero || NegativeTtl < TimeSpan.Zero)
            throw new ArgumentException("cache TTLs cannot be negative");
        if (ListingMetadataParallel is < 0 or > 64)
            throw new ArgumentException("ListingMetadataParallel must be between 0 and 64");
        if (ListAhead is < 0 or > 4096 || ListAheadParallel is < 1 or > 16)
            throw new ArgumentException("ListAhead must be between 0 and 4096, ListAheadParallel between 1 and 16");
        if (DeleteAhead is < 0 or > 64 || DeleteAheadParallel is < 1 or > 16 || DeleteAheadFreshFor < TimeSpan.Zero)
            throw new ArgumentException("DeleteAhead must be between 0 and 64, DeleteAheadParallel between 1 and 16, DeleteAheadFreshFor not negative");
        if (MaxCachedEntries < 1000)
            throw new ArgumentException("the metadata cache needs at least 1000 entries");
        ReadAhead.Validate();
        Writing.Validate();
        // writers need three parts to stream (one filling, one sending, the held-back first);
        // the budget keeps an eighth for reads someone waits on
        var least = Math.Max(3L * Writing.PartBytes, 2L * ReadAhead.MaxChunkBytes) * 8 / 7 + 1;
        if (MemoryLimitBytes < least)
            throw new ArgumentException($"the memory limit must be at least {(least + (1 << 20) - 1) >> 20} MiB with these part and read sizes");
    }
}
