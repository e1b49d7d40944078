namespace MountStore.Core.FileSystem;

/// <summary>
/// What stat() shows for one path. <see cref="MetadataLoaded"/> says whether the object's own
/// metadata (mtime, mode, uid, gid headers) has been read, which listings do not return.
/// </summary>
public sealed record NodeAttributes(
    NodeKind Kind,
    long Size,
    uint Mode,
    uint Uid,
    uint Gid,
    DateTimeOffset ModifiedTime,
    string? ETag,
    bool MetadataLoaded)
{
    /// <summary>True for directories.</summary>
    public bool IsDirectory => Kind == NodeKind.Directory;
}
