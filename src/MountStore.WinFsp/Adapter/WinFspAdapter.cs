using Microsoft.Extensions.Logging;
using MountStore.Core.FileSystem;
using MountStore.Core.Model;
using MountStore.WinFsp.Native;

namespace MountStore.WinFsp.Adapter;

/// <summary>
/// The Windows door's operations over <see cref="MountedFileSystem"/>: each WinFsp operation as
/// a method taking what WinFsp passes (Windows paths, create options, flags, file contexts) and
/// answering an NTSTATUS with its results. No native code here, so a test host calls exactly
/// what the dispatcher's entries will; Read, Write and ReadDirectory return tasks the native
/// layer completes with STATUS_PENDING and FspFileSystemSendResponse, the rest are awaited there.
/// </summary>
/// <remarks>
/// Every failure becomes a status through <see cref="NtStatusMapping"/> (in <see cref="Fail"/>);
/// nothing thrown leaves a method. Contexts are opened by Create and Open and ended by Close.
/// </remarks>
internal sealed partial class WinFspAdapter(MountedFileSystem fileSystem, ILogger logger, string volumeLabel = "MountStore")
{
    private const uint OwnerWrite = 0x80, AnyWrite = 0x92, PermissionBits = 0xFFF; // S_IWUSR, S_IWUSR|S_IWGRP|S_IWOTH, 07777

    private readonly OpenContexts _contexts = new();

    /// <summary>The file system the door serves.</summary>
    public MountedFileSystem FileSystem { get; } = fileSystem;

    /// <summary>GetVolumeInfo: sizes from Core's statfs and the volume label.</summary>
    public WinFspAnswer<FspVolumeInfo> GetVolumeInfo()
    {
        var statistics = FileSystem.StatFs();
        var info = new FspVolumeInfo
        {
            TotalSize = statistics.TotalBlocks * statistics.BlockSize,
            FreeSize = statistics.FreeBlocks * statistics.BlockSize,
        };
        info.SetVolumeLabel(volumeLabel);
        return WinFspAnswer.Success(info);
    }

    /// <summary>
    /// GetSecurityByName without security descriptors: the attributes of <paramref name="fileName"/>,
    /// or STATUS_OBJECT_NAME_NOT_FOUND. WinFsp asks this before every open, and before a create
    /// to learn that the name is free.
    /// </summary>
    public async Task<WinFspAnswer<uint>> GetSecurityByNameAsync(string fileName)
    {
        var path = WindowsNames.ToObjectPath(fileName);
        try
        {
            return await FileSystem.LookupAsync(path, CancellationToken.None).ConfigureAwait(false) is { } attributes
                ? WinFspAnswer.Success(WindowsFileInfo.From(attributes).FileAttributes)
                : WinFspAnswer.Failure<uint>(NtStatus.ObjectNameNotFound);
        }
        catch (Exception e)
        {
            return WinFspAnswer.Failure<uint>(Fail(e, "GetSecurityByName", path));
        }
    }

    /// <summary>GetFileInfo: what the open file or folder is now.</summary>
    public async Task<WinFspAnswer<FspFileInfo>> GetFileInfoAsync(FileContext context)
    {
        try
        {
            return WinFspAnswer.Success(await InfoOfAsync(context).ConfigureAwait(false));
        }
        catch (Exception e)
        {
            return WinFspAnswer.Failure<FspFileInfo>(Fail(e, "GetFileInfo", context.Path));
        }
    }

    /// <summary>The file information of what <paramref name="context"/> names now.</summary>
    private async Task<FspFileInfo> InfoOfAsync(FileContext context) =>
        WindowsFileInfo.From(await FileSystem.GetAttributesAsync(context.Path, CancellationToken.None).ConfigureAwait(false));

    /// <summary>
    /// The NTSTATUS for a failure, logged as Core says it deserves. A Core error goes through the
    /// one table; anything else is a fault of ours, reported as an I/O error with its stack trace
    /// rather than let out, since an exception escaping a WinFsp entry ends the process.
    /// </summary>
    private int Fail(Exception failure, string operation, string path)
    {
        switch (failure)
        {
            case FileSystemException e:
                switch (e.Severity)
                {
                    case FailureSeverity.Warning:
                        logger.LogWarning("{Operation} '{Path}': {Message}", operation, path, e.Message);
                        break;
                    case FailureSeverity.Error:
                        logger.LogError("{Operation} '{Path}' failed: {Message}", operation, path, e.Message);
                        break;
                    case FailureSeverity.Unexpected:
                        logger.LogError(e, "{Operation} '{Path}' failed", operation, path);
                        break;
                }
                return NtStatusMapping.ToNtStatus(e.Error);
            case OperationCanceledException:
                return NtStatus.Cancelled;
            default:
                logger.LogError(failure, "{Operation} '{Path}' failed unexpectedly", operation, path);
                return NtStatus.IoDeviceError;
        }
    }

    /// <summary>The permission bits with the owner's write bit as the READONLY attribute says (and every write bit cleared for read-only, as chmod a-w does).</summary>
    private static uint PermissionsFor(uint mode, bool readOnly) =>
        readOnly ? mode & PermissionBits & ~AnyWrite : (mode & PermissionBits) | OwnerWrite;
}
