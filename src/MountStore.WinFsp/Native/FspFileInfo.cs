using System.Runtime.InteropServices;

namespace MountStore.WinFsp.Native;

/// <summary>
/// FSP_FSCTL_FILE_INFO (fsctl.h, 72 bytes): what WinFsp caches about a file. Times are FILETIME
/// values (100 ns since 1601, UTC); the attributes are Windows' FILE_ATTRIBUTE_* bits.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct FspFileInfo
{
    public uint FileAttributes;
    public uint ReparseTag;
    public ulong AllocationSize;
    public ulong FileSize;
    public ulong CreationTime;
    public ulong LastAccessTime;
    public ulong LastWriteTime;
    public ulong ChangeTime;
    public ulong IndexNumber;

    /// <summary>Unimplemented by WinFsp: always 0.</summary>
    public uint HardLinks;

    public uint EaSize;
}
