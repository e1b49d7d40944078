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

    /// <summary>The store refused the mount's credentials or this operation on this object.</summary>
    AccessDenied,

    /// <summary>The store failed in a way the caller cannot fix by retrying the same call.</summary>
    InputOutput,
}

/// <summary>How much a failure deserves a line in the log, for the door that reports it.</summary>
public enum FailureSeverity
{
    /// <summary>An answer, not a fault (no such file, read-only): not logged.</summary>
    Answer,

    /// <summary>Something the user may want to know (a name the store cannot hold).</summary>
    Warning,

    /// <summary>The store or the disk failed: logged with what to do.</summary>
    Error,

    /// <summary>A fault in MountStore itself: logged with its stack trace.</summary>
    Unexpected,
}

/// <summary>
/// A filesystem operation failed; the only exception Core's filesystem lets out (besides the
/// caller's own cancellation). Every door maps <see cref="Error"/> in one table of its own.
/// </summary>
public sealed class FileSystemException(FileSystemError error, string path, string message, Exception? inner = null, FailureSeverity? severity = null)
    : Exception($"{message} ('{path}')", inner)
{
    /// <summary>The reason, in POSIX terms.</summary>
    public FileSystemError Error { get; } = error;

    /// <summary>The path the operation was about, relative to the mount root.</summary>
    public string Path { get; } = path;

    /// <summary>Whether and how the door should log it.</summary>
    public FailureSeverity Severity { get; } = severity ?? error switch
    {
        FileSystemError.InputOutput or FileSystemError.NoSpace or FileSystemError.FileTooLarge or FileSystemError.AccessDenied => FailureSeverity.Error,
        FileSystemError.InvalidName or FileSystemError.NameTooLong or FileSystemError.NotSupported => FailureSeverity.Warning,
        _ => FailureSeverity.Answer,
    };
}
