namespace MountStore.Core.Model;

/// <summary>How a file is opened, from open(2)'s flags.</summary>
/// <param name="Read">The handle may read (O_RDONLY or O_RDWR).</param>
/// <param name="Write">The handle may write (O_WRONLY or O_RDWR).</param>
/// <param name="Truncate">O_TRUNC: the file is emptied at open.</param>
public readonly record struct OpenMode(bool Read, bool Write, bool Truncate)
{
    /// <summary>Read only.</summary>
    public static readonly OpenMode ReadOnly = new(true, false, false);

    /// <summary>From the O_* flags of open(2).</summary>
    public static OpenMode FromFlags(int flags)
    {
        const int accessMode = 3, writeOnly = 1, readWrite = 2, truncate = 0x200;
        var access = flags & accessMode;
        return new OpenMode(access != writeOnly, access is writeOnly or readWrite, (flags & truncate) != 0);
    }
}
