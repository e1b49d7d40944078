using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace MountStore.Core.Writing;

/// <summary>
/// A pending upload's record kept in an extended attribute of its data file, on Linux. One
/// fsync of the data file then makes bytes and record durable together: a record in a file of
/// its own costs a second fsync, 2 to 3 ms on a virtual disk, which doubled the cost of each
/// small file a write-back copy closes. Where the file system has no user attributes (or the
/// record is larger than it holds), callers keep the record in a file instead.
/// </summary>
internal static partial class RecordAttribute
{
    private const string Name = "user.mountstore.pending";
    private const int NoAttribute = 61; // ENODATA
    private const int TooLarge = 34; // ERANGE
    private const int NoFile = 2; // ENOENT: the file is gone, and its record with it
    private const int NotSupported = 95; // ENOTSUP: a file system without attributes holds none

    /// <summary>True where attributes may be tried at all (Linux; elsewhere records are files).</summary>
    public static bool Supported => OperatingSystem.IsLinux();

    /// <summary>Sets the record on the open data file; false when the file system cannot hold it (nothing was set).</summary>
    public static bool TrySet(SafeFileHandle file, ReadOnlySpan<byte> record)
    {
        if (!Supported)
            return false;
        var added = false;
        file.DangerousAddRef(ref added);
        try
        {
            return SetOnDescriptor((int)file.DangerousGetHandle(), Name, record, (nuint)record.Length, 0) == 0;
        }
        finally
        {
            if (added)
                file.DangerousRelease();
        }
    }

    /// <summary>The record kept on the file at <paramref name="path"/>; null when it has none.</summary>
    public static byte[]? Read(string path)
    {
        if (!Supported)
            return null;
        var buffer = new byte[4096];
        while (true)
        {
            var length = Get(path, Name, buffer, (nuint)buffer.Length);
            if (length >= 0)
                return buffer[..(int)length];
            var error = Marshal.GetLastPInvokeError();
            if (error == TooLarge && buffer.Length < 1 << 20)
            {
                buffer = new byte[buffer.Length * 4];
                continue;
            }
            if (error is NoAttribute or NoFile or NotSupported)
                return null;
            throw new IOException($"the record of {path} cannot be read: {Marshal.GetPInvokeErrorMessage(error)}");
        }
    }

    /// <summary>Removes the record from the file at <paramref name="path"/>, if it has one.</summary>
    public static void Remove(string path)
    {
        if (!Supported || RemoveFrom(path, Name) == 0)
            return;
        var error = Marshal.GetLastPInvokeError();
        if (error is not (NoAttribute or NoFile or NotSupported)) // gone, or never had one
            throw new IOException($"the record of {path} cannot be removed: {Marshal.GetPInvokeErrorMessage(error)}");
    }

    [LibraryImport("libc", EntryPoint = "fsetxattr", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int SetOnDescriptor(int fd, string name, ReadOnlySpan<byte> value, nuint size, int flags);

    [LibraryImport("libc", EntryPoint = "getxattr", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial nint Get(string path, string name, Span<byte> value, nuint size);

    [LibraryImport("libc", EntryPoint = "removexattr", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int RemoveFrom(string path, string name);
}
