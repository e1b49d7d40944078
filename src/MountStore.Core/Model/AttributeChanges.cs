namespace MountStore.Core.Model;

/// <summary>What a setattr asks to change; null fields stay as they are.</summary>
/// <param name="Size">New length (truncate).</param>
/// <param name="Permissions">New permission bits (chmod).</param>
/// <param name="Uid">New owner (chown).</param>
/// <param name="Gid">New group (chown).</param>
/// <param name="ModifiedTime">New mtime (utimens, touch).</param>
/// <param name="ModifiedTimeToNow">The mtime becomes the time now, by the mount's clock (touch without a time).</param>
/// <param name="AccessTime">New atime (utimens; UTIME_OMIT leaves it null).</param>
/// <param name="AccessTimeToNow">The atime becomes the time now.</param>
public sealed record AttributeChanges(long? Size = null, uint? Permissions = null, uint? Uid = null, uint? Gid = null, DateTimeOffset? ModifiedTime = null,
    bool ModifiedTimeToNow = false, DateTimeOffset? AccessTime = null, bool AccessTimeToNow = false)
{
    /// <summary>True when something is stored in object metadata.</summary>
    public bool ChangesMetadata => Permissions is not null || Uid is not null || Gid is not null
        || ModifiedTime is not null || ModifiedTimeToNow || AccessTime is not null || AccessTimeToNow;

    /// <summary>These changes with "now" read from <paramref name="clock"/>.</summary>
    public AttributeChanges At(TimeProvider clock)
    {
        if (!ModifiedTimeToNow && !AccessTimeToNow)
            return this;
        var now = clock.GetUtcNow();
        return this with
        {
            ModifiedTime = ModifiedTimeToNow ? now : ModifiedTime,
            AccessTime = AccessTimeToNow ? now : AccessTime,
            ModifiedTimeToNow = false,
            AccessTimeToNow = false,
        };
    }
}
