using Microsoft.Extensions.Logging;
using MountStore.Core.Activity;
using MountStore.Core.Memory;
using MountStore.Core.Storage;

namespace MountStore.Core.Writing;

/// <summary>What every file writer of one mount shares: the store, the limits and the pools.</summary>
public sealed class WriteContext(IObjectStore store, WriteOptions options, StagingArea staging, ILogger logger, UploadsInProgress uploads, TimeProvider? clock = null, MemoryBudget? memory = null)
{
    /// <summary>The mount's one clock: a file's mtime while it is written comes from here.</summary>
    public TimeProvider Clock { get; } = clock ?? TimeProvider.System;

    /// <summary>Uploads running now, for `mountstore status`.</summary>
    public UploadsInProgress Uploads { get; } = uploads;

    /// <summary>The store objects are written to.</summary>
    public IObjectStore Store { get; } = store;

    /// <summary>Part sizes, budgets and limits.</summary>
    public WriteOptions Options { get; } = options;

    /// <summary>Where parts start and end for this store.</summary>
    public PartSizing Sizing { get; } = new(store.Limits, options.PartBytes);

    /// <summary>Memory for part buffers, shared by all writers, drawn from the mount's one budget.</summary>
    public WriteBufferPool Buffers { get; } = memory is null ? new(options.MemoryBudgetBytes) : new(memory, options.MemoryBudgetBytes);

    /// <summary>Disk for staging files, shared by all writers.</summary>
    public StagingArea Staging { get; } = staging;

    /// <summary>Where writers log.</summary>
    public ILogger Logger { get; } = logger;

    /// <summary>Conflicts lost by this mount's writers, for the log and `mountstore status`.</summary>
    public ConflictLog Conflicts { get; } = new(logger);

    /// <summary>This machine's name, in conflict copies' names.</summary>
    public string HostName { get; init; } = Environment.MachineName;

    /// <summary>With write-back: where files live until uploaded, recorded so a later mount finishes them. Null: staging files are scratch.</summary>
    public PendingJournal? Pending { get; init; }

    /// <summary>
    /// With a data cache: takes a written file's data file, whose bytes are now the object's
    /// version (key, etag, size, path, whether the bytes were flushed to disk since the last
    /// change), as cached data. Null: such files are deleted.
    /// </summary>
    public Action<string, string, long, string, bool>? KeepWritten { get; init; }

    /// <summary>A staging file standing for an object of <paramref name="baseLength"/> bytes: kept in <see cref="Pending"/> with write-back, else unlinked scratch.</summary>
    public StagingFile NewStagingFile(long baseLength)
    {
        if (Pending is null)
            return new StagingFile(Staging, baseLength);
        var (id, file) = Pending.NewFile();
        try
        {
            return new StagingFile(Staging, file, baseLength, id);
        }
        catch
        {
            file.Dispose();
            Pending.DeleteUnrecorded(id);
            throw;
        }
    }

    /// <summary>A new streaming upload to <paramref name="key"/>.</summary>
    public StreamingUpload NewUpload(string key, ObjectWriteOptions writeOptions) =>
        new(Store, key, writeOptions, Sizing, Buffers, Options.MaxPartsInFlight, Logger, Uploads);
}
