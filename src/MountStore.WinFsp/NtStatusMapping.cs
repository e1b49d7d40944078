using System.Collections.Frozen;
using MountStore.Core.Model;
using MountStore.WinFsp.Native;

namespace MountStore.WinFsp;

/// <summary>
/// The one place a Core error becomes an NTSTATUS for the Windows door, as ErrnoMapping is for
/// FUSE. Where WinFsp's own FUSE layer maps the matching errno, the same status is used (its
/// src/dll/fuse/errno.i), so programs see what they would see through any WinFsp file system.
/// </summary>
internal static class NtStatusMapping
{
    /// <summary>Every <see cref="FileSystemError"/> and its status; a test checks no value is missing.</summary>
    internal static readonly FrozenDictionary<FileSystemError, int> Table = new Dictionary<FileSystemError, int>
    {
        [FileSystemError.NotFound] = NtStatus.ObjectNameNotFound,
        [FileSystemError.NotADirectory] = NtStatus.NotADirectory,
        [FileSystemError.IsADirectory] = NtStatus.FileIsADirectory,
        // Windows' answer for a write to a read-only medium; Explorer says "write protected".
        [FileSystemError.ReadOnly] = NtStatus.MediaWriteProtected,
        [FileSystemError.NameTooLong] = NtStatus.NameTooLong,
        // Not INVALID_PARAMETER (what EINVAL becomes): the name is what is wrong, and this status
        // is the one Windows programs report as "the file name ... is incorrect".
        [FileSystemError.InvalidName] = NtStatus.ObjectNameInvalid,
        [FileSystemError.NotSupported] = NtStatus.NotSupported,
        // "The volume for a file has been externally altered so that the opened file is no longer
        // valid": Windows' own words for a stale handle.
        [FileSystemError.Stale] = NtStatus.FileInvalid,
        [FileSystemError.BadHandle] = NtStatus.InvalidHandle,
        [FileSystemError.FileTooLarge] = NtStatus.FileTooLarge,
        [FileSystemError.NoSpace] = NtStatus.DiskFull,
        [FileSystemError.NotEmpty] = NtStatus.DirectoryNotEmpty,
        [FileSystemError.Exists] = NtStatus.ObjectNameCollision,
        [FileSystemError.NotPermitted] = NtStatus.AccessDenied,
        [FileSystemError.AccessDenied] = NtStatus.AccessDenied,
        [FileSystemError.InputOutput] = NtStatus.IoDeviceError,
    }.ToFrozenDictionary();

    /// <summary>The NTSTATUS for <paramref name="error"/>; an I/O error for a value the table lacks.</summary>
    public static int ToNtStatus(FileSystemError error) =>
        Table.TryGetValue(error, out var status) ? status : NtStatus.IoDeviceError;
}
