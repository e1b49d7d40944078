using Microsoft.Extensions.Logging;
using MountStore.Core.FileSystem;
using MountStore.Core.Storage;
using MountStore.Core.Model;

namespace MountStore.Fuse;

/// <summary>
/// The one place an exception becomes an errno. Expected answers (no such file, read-only) are
/// not logged; store failures are logged once with the operation, the path and what to do;
/// anything unexpected becomes EIO with its stack trace, never a dead process.
/// </summary>
internal static class ErrnoMapping
{
    public static int ToErrno(Exception error, string operation, string? path, ILogger logger)
    {
        switch (error)
        {
            case FileSystemException fs:
                var errno = fs.Error switch
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
                    _ => Errno.EIO,
                };
                if (errno is Errno.EIO or Errno.EINVAL or Errno.ENAMETOOLONG or Errno.ENOTSUP or Errno.EFBIG or Errno.ENOSPC)
                    logger.LogWarning("{Operation} '{Path}' failed: {Message}", operation, path, fs.Message);
                return errno;
            case Core.Writing.StagingFullException full:
                logger.LogError("{Operation} '{Path}': {Message}", operation, path, full.Message);
                return Errno.ENOSPC;
            case Core.Writing.FileTooLargeException large:
                logger.LogError("{Operation} '{Path}': {Message}", operation, path, large.Message);
                return Errno.EFBIG;
            case ObjectNotFoundException:
                return Errno.ENOENT;
            case AccessDeniedException or AuthenticationFailedException:
                logger.LogError("{Operation} '{Path}': {Message}. Check the mount's credentials and the container's access rights.", operation, path, error.Message);
                return Errno.EACCES;
            case InvalidObjectNameException:
                logger.LogWarning("{Operation} '{Path}': {Message}", operation, path, error.Message);
                return Errno.EINVAL;
            case ObjectStoreException store:
                logger.LogError("{Operation} '{Path}' failed: {Message}", operation, path, store.Message);
                return Errno.EIO;
            case IOException io:
                logger.LogError("{Operation} '{Path}' failed: {Message}", operation, path, io.Message);
                return Errno.EIO;
            case OperationCanceledException:
                return Errno.EINTR;
            default:
                logger.LogError(error, "{Operation} '{Path}' failed unexpectedly; answering EIO", operation, path);
                return Errno.EIO;
        }
    }
}
