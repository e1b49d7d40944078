namespace MountStore.Core.WriteBack;

/// <summary>Closed files not yet in the store, as `mountstore status` shows them.</summary>
/// <param name="Pending">files waiting or uploading (failed ones included)</param>
/// <param name="PendingBytes">their bytes</param>
/// <param name="OldestClosedAt">when the longest-waiting one was closed</param>
/// <param name="Uploaded">files uploaded in the background since the mount started</param>
/// <param name="Failed">files whose upload was refused for good this mount: key and reason</param>
/// <param name="FolderChanges">folders whose mode, owner or times are not stored yet (<see cref="WriteBack.FolderChanges"/>)</param>
public sealed record WriteBackStatus(int Pending, long PendingBytes, DateTimeOffset? OldestClosedAt, long Uploaded, IReadOnlyList<(string Key, string Error)> Failed, int FolderChanges = 0);
