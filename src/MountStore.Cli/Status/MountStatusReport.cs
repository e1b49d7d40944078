using System.Text.Json.Serialization;

namespace MountStore.Cli.Status;

/// <summary>What one mount reports over its status socket (JSON; `mountstore status --json` prints it as is).</summary>
internal sealed record MountStatusReport(
    string Remote,
    string MountPoint,
    int ProcessId,
    bool ReadOnly,
    string LogDestination,
    DateTimeOffset MountedAt,
    DateTimeOffset Now,
    IReadOnlyList<UploadReport> Uploads,
    long UploadsCompleted,
    long UploadsAbandoned,
    long BytesUploaded,
    int OpenFiles,
    CacheReport Cache,
    IReadOnlyList<RequestReport> Requests,
    long WarningsLogged,
    long ErrorsLogged,
    IReadOnlyList<ProblemReport> RecentProblems,
    long Conflicts = 0,
    IReadOnlyList<ConflictReport>? RecentConflicts = null,
    DataCacheReport? DataCache = null,
    WriteBackReport? WriteBack = null);

/// <summary>Closed files not yet in the store (absent without --write-back).</summary>
internal sealed record WriteBackReport(int Pending, long PendingBytes, DateTimeOffset? OldestClosedAt, long Uploaded, IReadOnlyList<FailedUploadReport> Failed, int FolderChanges = 0);

/// <summary>A closed file whose upload the store refused for good this mount.</summary>
internal sealed record FailedUploadReport(string Key, string Error);

/// <summary>The data cache on local disk (absent without --data-cache).</summary>
internal sealed record DataCacheReport(string Directory, long UsedBytes, long MaxBytes, int Objects, long ServedBytes, long FetchedBytes,
    long EvictedBytes, long EvictedObjects, long DiskErrors, string? LastDiskError);

/// <summary>A conflict this mount lost: the file that changed elsewhere, and where this mount's bytes went (null: nowhere, see the log).</summary>
internal sealed record ConflictReport(string Key, string? CopyKey);

/// <summary>One upload running now.</summary>
internal sealed record UploadReport(string Key, long BytesStored, long BytesWritten, bool Closing, DateTimeOffset StartedAt);

/// <summary>Metadata cache, background metadata loads and buffer memory.</summary>
internal sealed record CacheReport(long Hits, long Misses, long Entries, int MaxEntries, long ReadAheadBytesInUse, long ReadAheadBudgetBytes,
    long FoldersConverging = 0, long LoadedInBackground = 0, long CorrectedInBackground = 0,
    long MemoryHeldBytes = 0, long MemoryLimitBytes = 0, long WriteBuffersInUseBytes = 0, long MemoryKeptBytes = 0, long FoldersListedAhead = 0,
    long DeletesAnsweredAhead = 0);

/// <summary>Store operations of one kind since the mount started.</summary>
internal sealed record RequestReport(string Operation, long Count, long Errors);

/// <summary>One warning or error the mount logged.</summary>
internal sealed record ProblemReport(DateTimeOffset Time, string Level, string Message);

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(MountStatusReport))]
internal sealed partial class StatusJson : JsonSerializerContext;
