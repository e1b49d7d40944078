namespace MountStore.Fuse;

/// <summary>The Linux errno values MountStore answers with.</summary>
internal static class Errno
{
    public const int EPERM = 1, ENOENT = 2, EINTR = 4, EIO = 5, EBADF = 9, EACCES = 13, EEXIST = 17,
        ENOTDIR = 20, EISDIR = 21, EINVAL = 22, EFBIG = 27, ENOSPC = 28, EROFS = 30, ENAMETOOLONG = 36, ENOSYS = 38,
        ENOTEMPTY = 39, ENOTSUP = 95, ESTALE = 116;
}
