using System.Runtime.InteropServices;

namespace MountStore.WinFsp.Native;

/// <summary>
/// FSP_FSCTL_DIR_INFO (fsctl.h): the fixed 104-byte head of one directory entry. The entry's
/// name follows the head directly, in UTF-16 and not terminated; <see cref="Size"/> covers head
/// and name, which is how WinFsp knows where the name ends. Build one with
/// <see cref="FspDirInfoEntry"/>.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct FspDirInfo
{
    public ushort Size;
    public FspFileInfo FileInfo;

    /// <summary>
    /// With DirectoryMarkerAsNextOffset, the marker the next ReadDirectory gets back; otherwise
    /// unused. In C it shares a 24-byte union with padding that makes the head as large as the
    /// kernel's own entry, so WinFsp can copy in place.
    /// </summary>
    public ulong NextOffset;

    private fixed byte _padding[16];

    /// <summary>The name of the entry at <paramref name="entry"/>, read from behind its head.</summary>
    public static ReadOnlySpan<char> NameOf(FspDirInfo* entry) =>
        new(entry + 1, (entry->Size - sizeof(FspDirInfo)) / sizeof(char));
}

/// <summary>
/// A directory entry with room for the longest name Windows allows (255 UTF-16 units), laid out
/// as FSP_FSCTL_DIR_INFO followed by its name, ready for FspFileSystemAddDirInfo. Lives on the
/// stack: one per entry added, so no buffer is allocated per listing.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct FspDirInfoEntry
{
    /// <summary>The longest name component Windows allows, in UTF-16 units.</summary>
    public const int MaxNameLength = 255;

    public FspDirInfo Head;
    public fixed char Name[MaxNameLength];

    /// <summary>Fills the entry for <paramref name="name"/>; throws when the name is longer than Windows allows.</summary>
    public void Set(ReadOnlySpan<char> name, in FspFileInfo info, ulong nextOffset = 0)
    {
        if (name.Length > MaxNameLength)
            throw new ArgumentException($"a name component holds at most {MaxNameLength} UTF-16 units", nameof(name));
        Head = default;
        Head.FileInfo = info;
        Head.NextOffset = nextOffset;
        Head.Size = (ushort)(sizeof(FspDirInfo) + name.Length * sizeof(char));
        name.CopyTo(MemoryMarshal.CreateSpan(ref Name[0], MaxNameLength));
    }
}
