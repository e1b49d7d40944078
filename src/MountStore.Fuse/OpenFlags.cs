using MountStore.Core.Model;

namespace MountStore.Fuse;

/// <summary>open(2)'s flags, as the kernel passes them in fuse_file_info, decoded into Core's intent.</summary>
internal static class OpenFlags
{
    private const int AccessMode = 3, WriteOnly = 1, ReadWrite = 2, Exclusive = 0x80, Truncate = 0x200, Append = 0x400; // O_ACCMODE, O_WRONLY, O_RDWR, O_EXCL, O_TRUNC, O_APPEND

    /// <summary>The intent behind <paramref name="flags"/>.</summary>
    public static OpenIntent Decode(int flags)
    {
        var access = flags & AccessMode;
        return new OpenIntent(access != WriteOnly, access is WriteOnly or ReadWrite, (flags & Truncate) != 0, (flags & Append) != 0, (flags & Exclusive) != 0);
    }
}
