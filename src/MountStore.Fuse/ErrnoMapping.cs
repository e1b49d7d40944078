using Microsoft.Extensions.Logging;
using MountStore.Core.Model;

namespace MountStore.Fuse;

/// <summary>
/// The one place an error becomes an errno: one table from Core's <see cref="FileSystemError"/>.
/// Answers (no such file, read-only) are not logged; failures are logged once with the
/// operation, the path and what Core says to do; a fault of our own becomes EIO with its stack
/// trace, never a dead process.
/// </summary>
internal static class ErrnoMapping
{
    public static int ToErrno(FileSystemError error) => error switch
    {
        FileSystemError.NotFound => Errno.ENOENT,
        FileSystemError.NotADirectory => Errno.ENOTDIR,
        FileSystemError.IsADirectory => Errno.EISDIR,
        FileSystemError.ReadOnly => Errno.EROFS,
        FileSystemError.NameTooLong => Errno.ENAMETOOLONG,
        FileSystemError.InvalidName => Errno.EINVAL,
        FileSystemError.NotSupported => Errno.ENOTSUP,
        FileSystemError.BadHandle => Errno.EBADF,
        FileSystemError.Stale => Errno.ESTALE,
        FileSystemError.FileTooLarge => Errno.EFBIG,
        FileSystemError.NoSpace => Errno.ENOSPC,
        FileSystemError.NotEmpty => Errno.ENOTEMPTY,
        FileSystemError.Exists => Errno.EEXIST,
        FileSystemError.NotPermitted => Errno.EPERM,
        FileSystemError.AccessDenied => Errno.EACCES,
        _ => Errno.EIO,
    };

    public static int ToErrno(Exception error, string operation, string? path, ILogger logger)
    {
        switch (error)
        {
            case FileSystemException fs:
                switch (fs.Severity)
                {
                    case FailureSeverity.Warning:
                        logger.LogWarning("{Operation} '{Path}' failed: {Message}", operation, path, fs.Message);
                        break;
                    case FailureSeverity.Error:
                        logger.LogError("{Operation} '{Path}' failed: {Message}", operation, path, fs.Message);
                        break;
                    case FailureSeverity.Unexpected:
                        logger.LogError(fs.InnerException ?? fs, "{Operation} '{Path}' failed unexpectedly; answering EIO", operation, path);
                        break;
                }
                return ToErrno(fs.Error);
            case OperationCanceledException:
                return Errno.EINTR;
            default:
                logger.LogError(error, "{Operation} '{Path}' failed unexpectedly; answering EIO", operation, path);
                return Errno.EIO;
        }
    }
}
