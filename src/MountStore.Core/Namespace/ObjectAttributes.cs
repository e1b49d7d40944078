using MountStore.Core.Model;
using MountStore.Core.Storage;

namespace MountStore.Core.Namespace;

/// <summary>
/// Turns what the store says about an object into stat() attributes: the metadata other tools
/// write (<see cref="FileMetadata"/>), else the mount's defaults.
/// </summary>
public sealed class ObjectAttributes(NodeDefaults defaults, DateTimeOffset mountTime)
{
    /// <summary>Attributes of a directory; <paramref name="modified"/> from its marker when it has one.</summary>
    public NodeAttributes Directory(DateTimeOffset? modified = null, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var stored = FileMetadata.Read(metadata, null);
        return new NodeAttributes(NodeKind.Directory, 0,
            stored.Permissions ?? defaults.DirectoryMode,
            stored.Uid ?? defaults.Uid,
            stored.Gid ?? defaults.Gid,
            stored.ModifiedTime ?? modified ?? mountTime,
            ETag: null,
            MetadataLoaded: metadata is not null)
        {
            AccessTime = stored.AccessTime,
        };
    }

    /// <summary>Attributes of a file from a listing entry (<paramref name="metadataLoaded"/> false) or a HEAD.</summary>
    public NodeAttributes File(ObjectInfo info, bool metadataLoaded)
    {
        var stored = FileMetadata.Read(info.Metadata, info.ContentType);
        return new NodeAttributes(stored.FileKind, info.Size,
            stored.Permissions ?? defaults.FileMode,
            stored.Uid ?? defaults.Uid,
            stored.Gid ?? defaults.Gid,
            stored.ModifiedTime ?? info.LastModified,
            info.ETag,
            metadataLoaded)
        {
            ChangeTime = info.LastModified,
            AccessTime = stored.AccessTime,
        };
    }
}
