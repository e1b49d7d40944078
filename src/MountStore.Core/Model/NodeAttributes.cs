namespace MountStore.Core.Model;

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

    /// <summary>True for a file unlinked while open: no name leads to it any more (nlink 0).</summary>
    public bool Unlinked { get; init; }

    /// <summary>The atime set on the object (utimensat, s3fs's "atime"); the mtime when none was.</summary>
    public DateTimeOffset? AccessTime { get; init; }

    /// <summary>
    /// The ETag a listing shows for this version when it differs from the HEAD's: a DLO's
    /// manifest lists as 0 bytes with its own ETag, RGW lists an SLO by its manifest. It lets a
    /// listing row be matched with the metadata loaded for the version it stands for.
    /// </summary>
    public string? ListingETag { get; init; }

    /// <summary>True when <paramref name="etag"/> (from a HEAD or a listing) names the version these attributes describe.</summary>
    public bool IsVersion(string? etag) => etag is not null && (etag == ETag || etag == ListingETag);

    /// <summary>
    /// True when stat() would show something else for <paramref name="other"/>: kind, size, mode,
    /// owner or times. The ETag alone does not count (a listing and a HEAD may spell it apart).
    /// </summary>
    public bool LooksDifferentFrom(NodeAttributes other) =>
        Kind != other.Kind || Size != other.Size || Mode != other.Mode || Uid != other.Uid || Gid != other.Gid
        || ModifiedTime != other.ModifiedTime || ChangeTime != other.ChangeTime || AccessTime != other.AccessTime;

    /// <summary>True for directories.</summary>
    public bool IsDirectory => Kind == NodeKind.Directory;
}
