using MountStore.Cli.Logs;
using MountStore.Core.Activity;
using MountStore.Core.FileSystem;

namespace MountStore.Cli.Status;

/// <summary>Gathers one mount's figures into a <see cref="MountStatusReport"/> when a status client asks.</summary>
internal sealed class MountStatusSource(
    string remote, string mountPoint, string logDestination, MountedFileSystem fileSystem, StoreRequestCounts requests, RecentProblems problems)
{
    private readonly DateTimeOffset _mountedAt = DateTimeOffset.UtcNow;

    public MountStatusReport Report()
    {
        var uploads = fileSystem.Uploads;
        var cache = fileSystem.Cache;
        return new MountStatusReport(
            remote,
            mountPoint,
            Environment.ProcessId,
            fileSystem.Options.ReadOnly,
            logDestination,
            _mountedAt,
            DateTimeOffset.UtcNow,
            uploads.Running().Select(u => new UploadReport(u.Key, u.BytesStored, u.BytesWritten, u.IsClosing, u.StartedAt)).ToList(),
            uploads.Completed,
            uploads.Abandoned,
            uploads.BytesStored,
            fileSystem.OpenFileCount,
            new CacheReport(cache.Hits, cache.Misses, cache.Count, cache.MaxEntries, fileSystem.ReadBuffers.InUseBytes, fileSystem.ReadBuffers.BudgetBytes,
                fileSystem.ListingsConverging, fileSystem.MetadataLoadedInBackground, fileSystem.MetadataCorrectedInBackground,
                fileSystem.Memory.AllocatedBytes, fileSystem.Memory.LimitBytes, fileSystem.Writing.Buffers.InUseBytes, fileSystem.Memory.KeptBytes, fileSystem.ListedAhead,
                fileSystem.DeletesAnsweredAhead),
            requests.Snapshot().Select(r => new RequestReport(r.Operation, r.Count, r.Errors)).ToList(),
            problems.Warnings,
            problems.Errors,
            problems.Snapshot().Select(p => new ProblemReport(p.Time, p.Level, p.Message)).ToList(),
            fileSystem.Writing.Conflicts.Count,
            fileSystem.Writing.Conflicts.Recent.Select(c => new ConflictReport(c.Key, c.Copy is null ? null : c.CopyKey)).ToList(),
            fileSystem.DataCache is { } disk
                ? new DataCacheReport(disk.Options.Directory, disk.UsedBytes, disk.Options.MaxBytes, disk.ObjectCount, disk.ServedBytes, disk.FetchedBytes,
                    disk.Evicted.Bytes, disk.Evicted.Objects, disk.DiskErrors.Count, disk.DiskErrors.Last)
                : null,
            fileSystem.PendingUploads is { } pending
                ? new WriteBackReport(pending.Pending, pending.PendingBytes, pending.OldestClosedAt, pending.Uploaded,
                    pending.Failed.Select(f => new FailedUploadReport(f.Key, f.Error)).ToList(), pending.FolderChanges)
                : null);
    }
}
