using System.Runtime.InteropServices;

namespace MountStore.WinFsp.Native;

/// <summary>
/// The head of FSP_FILE_SYSTEM (winfsp.h, 792 bytes in all): the object FspFileSystemCreate
/// allocates and every callback receives. Only the head is declared, because the binding only
/// reads and writes <see cref="UserContext"/> (how a callback finds the mount it serves) and
/// reads MountPoint (where FspFileSystemSetMountPoint put the volume); never allocate or copy one.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct FspFileSystem
{
    public ushort Version;
    public void* UserContext;

    /// <summary>
    /// Where FSP_FILE_SYSTEM's MountPoint (PWSTR) lies: after the volume name, handles and the
    /// table of per-request operations, which the binding does not declare. winfsp.h reads it with
    /// an inline function (FspFileSystemMountPoint), so there is no export to call instead.
    /// </summary>
    public const int MountPointOffset = 752;

    /// <summary>The mount point WinFsp chose or was given ("Z:", a folder), null before one is set.</summary>
    public static string? MountPointOf(FspFileSystem* fileSystem)
    {
        var mountPoint = *(char**)((byte*)fileSystem + MountPointOffset);
        return mountPoint is null ? null : new string(mountPoint);
    }
}
