namespace MountStore.Core.Model;

/// <summary>What a setattr asks to change; null fields stay as they are.</summary>
/// <param name="Size">New length (truncate).</param>
/// <param name="Permissions">New permission bits (chmod).</param>
/// <param name="Uid">New owner (chown).</param>
/// <param name="Gid">New group (chown).</param>
/// <param name="ModifiedTime">New mtime (utimens, touch).</param>
public sealed record AttributeChanges(long? Size = null, uint? Permissions = null, uint? Uid = null, uint? Gid = null, DateTimeOffset? ModifiedTime = null)
{
    /// <summary>True when something is stored in object metadata.</summary>
    public bool ChangesMetadata => Permissions is not null || Uid is not null || Gid is not null || ModifiedTime is not null;
}
