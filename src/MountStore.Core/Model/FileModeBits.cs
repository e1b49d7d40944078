namespace MountStore.Core.Model;

/// <summary>
/// st_mode as POSIX lays it out: the file type in the high bits (S_IFMT), the permissions with
/// setuid, setgid and sticky in the low twelve. The one place these numbers are spelled: object
/// metadata stores full modes (s3fs), and every door shows them.
/// </summary>
public static class FileModeBits
{
    /// <summary>S_IFMT: the file type bits.</summary>
    public const uint TypeMask = 0xF000;

    /// <summary>S_IFREG.</summary>
    public const uint Regular = 0x8000;

    /// <summary>S_IFDIR.</summary>
    public const uint Directory = 0x4000;

    /// <summary>S_IFLNK.</summary>
    public const uint Symlink = 0xA000;

    /// <summary>S_IFIFO.</summary>
    public const uint Fifo = 0x1000;

    /// <summary>S_IFSOCK.</summary>
    public const uint Socket = 0xC000;

    /// <summary>07777: rwx for all, setuid, setgid, sticky.</summary>
    public const uint Permissions = 0xFFF;

    /// <summary>The type bits of <paramref name="kind"/>.</summary>
    public static uint TypeOf(NodeKind kind) => kind switch
    {
        NodeKind.Directory => Directory,
        NodeKind.Symlink => Symlink,
        NodeKind.Fifo => Fifo,
        NodeKind.Socket => Socket,
        _ => Regular,
    };

    /// <summary>The full st_mode of a <paramref name="kind"/> with <paramref name="permissions"/>.</summary>
    public static uint Mode(NodeKind kind, uint permissions) => TypeOf(kind) | (permissions & Permissions);

    /// <summary>The kind a full st_mode stands for; null for types the mount does not show as such.</summary>
    public static NodeKind? KindOf(uint mode) => (mode & TypeMask) switch
    {
        Regular => NodeKind.File,
        Directory => NodeKind.Directory,
        Symlink => NodeKind.Symlink,
        Fifo => NodeKind.Fifo,
        Socket => NodeKind.Socket,
        _ => null,
    };
}
