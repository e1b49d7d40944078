namespace MountStore.Core.Model;

/// <summary>What a path is on the mount.</summary>
public enum NodeKind
{
    /// <summary>An object read as a regular file.</summary>
    File,

    /// <summary>A folder: a marker object or a common prefix of keys.</summary>
    Directory,

    /// <summary>A symbolic link: an object holding the target path, marked as s3fs marks them.</summary>
    Symlink,

    /// <summary>A named pipe: an empty object whose mode says so (as s3fs stores it); the kernel makes it work.</summary>
    Fifo,

    /// <summary>A UNIX-domain socket's name: an empty object whose mode says so; the kernel binds and connects it.</summary>
    Socket,
}
