using MountStore.Core.FileSystem;
using MountStore.Core.Model;

namespace MountStore.WinFsp.Adapter;

/// <summary>
/// What the door keeps for one open of a file or folder (WinFsp's file context): the Core path
/// it names now, Core's handle for a file, and for a folder the listing its enumeration pages
/// through.
/// </summary>
internal sealed class FileContext(string path, bool isDirectory, OpenFile? opened, bool openedForWrite = false)
{
    /// <summary>The Core path ('/'-separated, "" for the root); a rename or a delete while open moves it.</summary>
    public string Path { get; set; } = path;

    /// <summary>True for a folder (no Core handle, enumerated instead).</summary>
    public bool IsDirectory { get; } = isDirectory;

    /// <summary>Core's open file, null for a folder.</summary>
    public OpenFile? Opened { get; } = opened;

    /// <summary>True when <see cref="Opened"/> may write.</summary>
    public bool OpenedForWrite { get; } = openedForWrite;

    /// <summary>A second Core handle that may write, opened by the first write through an open that could not.</summary>
    public ulong? WriteHandle { get; set; }

    /// <summary>True once something was written through this open, so its cleanup commits it.</summary>
    public bool Written { get; set; }

    /// <summary>The folder's entries in the order WinFsp pages through them, taken when an enumeration starts.</summary>
    public DirectorySnapshot? Listing { get; set; }

    /// <summary>The Core handle reads, flushes and size changes go through: the writing one when there is one. Throws for a folder, which has none.</summary>
    public ulong Handle => WriteHandle ?? Opened?.Handle ?? throw new FileSystemException(FileSystemError.IsADirectory, Path, "is a directory");
}
