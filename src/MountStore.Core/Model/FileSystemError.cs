namespace MountStore.Core.Model;

/// <summary>What went wrong in a filesystem operation, in POSIX terms; the FUSE layer maps it to an errno.</summary>
public enum FileSystemError
{
    /// <summary>No such file or directory.</summary>
    NotFound,

    /// <summary>A path component is a file where a directory was needed.</summary>
    NotADirectory,

    /// <summary>A file operation was asked of a directory.</summary>
    IsADirectory,

    /// <summary>The mount (or this build of it) does not write.</summary>
    ReadOnly,

    /// <summary>A name longer than the store or the kernel allows.</summary>
    NameTooLong,

    /// <summary>A name the store cannot hold.</summary>
    InvalidName,

    /// <summary>The operation has no meaning on an object store.</summary>
    NotSupported,

    /// <summary>A node the filesystem no longer knows (the kernel's reference outlived it).</summary>
    Stale,

    /// <summary>A handle that is not (or no longer) open.</summary>
    BadHandle,

    /// <summary>The file would grow past what the store holds in one object.</summary>
    FileTooLarge,

    /// <summary>The staging area is full.</summary>
    NoSpace,

    /// <summary>A directory that still has entries.</summary>
    NotEmpty,

    /// <summary>Something is already at the path.</summary>
    Exists,

    /// <summary>The operation is not permitted on this kind of node (hard links, device nodes).</summary>
    NotPermitted,

    /// <summary>The store failed in a way the caller cannot fix by retrying the same call.</summary>
    InputOutput,
}

/// <summary>A filesystem operation failed for a reason that has a precise POSIX meaning.</summary>
public sealed class FileSystemException(FileSystemError error, string path, string message, Exception? inner = null)
    : Exception($"{message} ('{path}')", inner)
{
    /// <summary>The POSIX-shaped reason.</summary>
    public FileSystemError Error { get; } = error;

    /// <summary>The path the operation was about, relative to the mount root.</summary>
    public string Path { get; } = path;
}
