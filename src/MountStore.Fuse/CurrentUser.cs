using MountStore.Fuse.Native;

namespace MountStore.Fuse;

/// <summary>Who the mount process runs as: the default owner of files without uid/gid metadata.</summary>
public static class CurrentUser
{
    /// <summary>The effective user id.</summary>
    public static uint Uid => LibC.GetEffectiveUserId();

    /// <summary>The effective group id.</summary>
    public static uint Gid => LibC.GetEffectiveGroupId();
}
