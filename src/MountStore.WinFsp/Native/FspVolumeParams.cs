using System.Runtime.InteropServices;

namespace MountStore.WinFsp.Native;

/// <summary>
/// FSP_FSCTL_VOLUME_PARAMS (fsctl.h), version 1 (504 bytes): how the volume presents itself,
/// given to FspFileSystemCreate. Set <see cref="Version"/> to <see cref="CurrentVersion"/> so
/// WinFsp reads the per-kind timeouts after the version 0 fields.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct FspVolumeParams
{
    /// <summary>WinFsp takes the structure's size as its version number.</summary>
    public const ushort CurrentVersion = 504;

    public const int PrefixCapacity = 192, FileSystemNameCapacity = 16;

    public ushort Version;
    public ushort SectorSize;
    public ushort SectorsPerAllocationUnit;

    /// <summary>The longest name component, in bytes.</summary>
    public ushort MaxComponentLength;

    public ulong VolumeCreationTime;
    public uint VolumeSerialNumber;

    /// <summary>Deprecated by WinFsp; left 0.</summary>
    public uint TransactTimeout;

    /// <summary>How long (ms, 1-10 min) the driver lets a request stay pending before cancelling it.</summary>
    public uint IrpTimeout;

    public uint IrpCapacity;

    /// <summary>How long (ms) the driver caches file information, security and volume information.</summary>
    public uint FileInfoTimeout;

    public FspVolumeFlags Flags;

    /// <summary>The UNC prefix (\server\share) of a network volume, NUL-terminated.</summary>
    public fixed char Prefix[PrefixCapacity];

    /// <summary>The name Windows reports as the file system's (NTFS, FAT32...), NUL-terminated.</summary>
    public fixed char FileSystemName[FileSystemNameCapacity];

    public FspVolumeTimeoutFlags TimeoutFlags;
    public uint VolumeInfoTimeout;
    public uint DirInfoTimeout;
    public uint SecurityTimeout;
    public uint StreamInfoTimeout;
    public uint EaTimeout;
    public uint FsextControlCode;
    private uint _reserved32;
    private fixed ulong _reserved64[2];

    /// <summary>Sets the UNC prefix; throws when it does not fit with its terminating NUL.</summary>
    public void SetPrefix(ReadOnlySpan<char> prefix) =>
        CopyTerminated(prefix, MemoryMarshal.CreateSpan(ref Prefix[0], PrefixCapacity), nameof(prefix));

    /// <summary>Sets the file system name; throws when it does not fit with its terminating NUL.</summary>
    public void SetFileSystemName(ReadOnlySpan<char> name) =>
        CopyTerminated(name, MemoryMarshal.CreateSpan(ref FileSystemName[0], FileSystemNameCapacity), nameof(name));

    private static void CopyTerminated(ReadOnlySpan<char> value, Span<char> target, string parameter)
    {
        if (value.Length >= target.Length)
            throw new ArgumentException($"at most {target.Length - 1} characters fit", parameter);
        target.Clear();
        value.CopyTo(target);
    }
}
