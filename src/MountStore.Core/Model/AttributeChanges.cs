namespace MountStore.Core.Model;

/// <summary>What a setattr asks to change; null fields stay as they are.</summary>
/// <param name="Size">New length (truncate).</param>
/// <param name="Permissions">New permission bits (chmod).</param>
/// <param name="Uid">New owner (chown).</param>
/// <param name="Gid">New group (chown).</param>
/// <param name="ModifiedTime">New mtime (utimens, touch).</param>
/// <param name="ModifiedTimeToNow">The mtime becomes the time now, by the mount's clock (touch without a time).</param>
public sealed record AttributeChanges(long? Size = null, uint? Permissions = null, uint? Uid = null, uint? Gid = null, DateTimeOffset? ModifiedTime = null, bool ModifiedTimeToNow = false)
{
    /// <summary>True when something is stored in object metadata.</summary>
    public bool ChangesMetadata => Permissions is not null || Uid is not null || Gid is not null || ModifiedTime is not null || ModifiedTimeToNow;

    /// <summary>These changes with "now" read from <paramref name="clock"/>.</summary>
    public AttributeChanges At(TimeProvider clock) => ModifiedTimeToNow ? this with { ModifiedTime = clock.GetUtcNow(), ModifiedTimeToNow = false } : this;
}
