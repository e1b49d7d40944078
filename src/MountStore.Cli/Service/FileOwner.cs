using System.Runtime.InteropServices;

namespace MountStore.Cli.Service;

/// <summary>
/// Who owns a file. .NET shows a file's mode but not its owner; statx(2) has the same layout on
/// every architecture, unlike struct stat.
/// </summary>
internal static unsafe partial class FileOwner
{
    private const int AtFdCwd = -100;
    private const uint StatxUid = 0x8;
    private const int UidOffset = 20; // struct statx: mask u32, blksize u32, attributes u64, nlink u32, uid u32

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Statx(int directoryFd, string path, int flags, uint mask, byte* buffer);

    /// <summary>The uid owning <paramref name="path"/>; throws when it cannot be read.</summary>
    public static uint Of(string path)
    {
        var buffer = stackalloc byte[256];
        if (Statx(AtFdCwd, path, 0, StatxUid, buffer) != 0)
            throw new IOException($"cannot read the owner of {path}: {Marshal.GetLastPInvokeErrorMessage()}");
        return *(uint*)(buffer + UidOffset);
    }
}
