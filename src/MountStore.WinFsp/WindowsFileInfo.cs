using MountStore.Core.Model;
using MountStore.WinFsp.Native;

namespace MountStore.WinFsp;

/// <summary>
/// How a node's attributes appear to Windows: FSP_FSCTL_FILE_INFO from Core's
/// <see cref="NodeAttributes"/>, the only place the door turns POSIX attributes into Windows ones.
/// </summary>
internal static class WindowsFileInfo
{
    public const uint ReadOnlyAttribute = 0x1, DirectoryAttribute = 0x10, ArchiveAttribute = 0x20;

    /// <summary>The allocation unit the volume reports (sector size times sectors per unit): sizes on disk round up to it.</summary>
    public const int AllocationUnit = 4096;

    private const uint OwnerWrite = 0x80; // S_IWUSR

    /// <summary>The file information of a node with <paramref name="attributes"/>, numbered <paramref name="indexNumber"/> (0 when the door keeps none).</summary>
    public static FspFileInfo From(NodeAttributes attributes, ulong indexNumber = 0)
    {
        var size = attributes.IsDirectory ? 0UL : (ulong)Math.Max(0, attributes.Size);
        var modified = FileTime(attributes.ModifiedTime);
        return new FspFileInfo
        {
            FileAttributes = Attributes(attributes),
            FileSize = size,
            AllocationSize = (size + AllocationUnit - 1) / AllocationUnit * AllocationUnit,
            // An object store keeps no creation time: the last write is the nearest stand-in.
            CreationTime = modified,
            LastWriteTime = modified,
            LastAccessTime = attributes.AccessTime is { } accessed ? FileTime(accessed) : modified,
            ChangeTime = attributes.ChangeTime is { } changed ? FileTime(changed) : modified,
            IndexNumber = indexNumber,
        };
    }

    // Files are ARCHIVE, as NTFS marks new files: NORMAL may not be combined with any other
    // attribute, so a read-only file could not keep it. READONLY when the owner may not write,
    // which is what chmod a-w means on the FUSE side. Never on directories: Explorer reads
    // READONLY on a folder as "this folder is customized", not as read-only.
    private static uint Attributes(NodeAttributes attributes)
    {
        if (attributes.IsDirectory) return DirectoryAttribute;
        return (attributes.Mode & OwnerWrite) == 0 ? ArchiveAttribute | ReadOnlyAttribute : ArchiveAttribute;
    }

    /// <summary>
    /// A FILETIME (100 ns since 1601-01-01 UTC). Times before 1601 show as 1601: a FILETIME cannot
    /// hold them, and a wrong but valid date beats failing the whole listing.
    /// </summary>
    public static ulong FileTime(DateTimeOffset time) =>
        time.UtcTicks <= FileTimeEpoch ? 0 : (ulong)(time.UtcTicks - FileTimeEpoch);

    private static readonly long FileTimeEpoch = new DateTime(1601, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;
}
