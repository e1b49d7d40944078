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
    /// <summary>
    /// When the object was last written to the store (ctime). Unlike the mtime, which an object's
    /// own metadata can set, it is the same in a listing and in a HEAD, so tools that compare
    /// ctime before and after reading (GNU tar) do not see a file change when it is opened.
    /// </summary>
    public DateTimeOffset? ChangeTime { get; init; }

    /// <summary>True for directories.</summary>
    public bool IsDirectory => Kind == NodeKind.Directory;
}
