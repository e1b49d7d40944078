using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using MountStore.WinFsp.Adapter;
using MountStore.WinFsp.Native;

namespace MountStore.WinFsp.Dispatch;

/// <summary>
/// Read, Write and ReadDirectory: answered at once when the adapter's task has already finished
/// (a cached read), otherwise STATUS_PENDING and the answer sent with FspFileSystemSendResponse
/// when it does, carrying the request's hint taken before the entry returns (the operation
/// context is only valid during the call).
/// </summary>
internal static unsafe partial class WinFspEntries
{
    [UnmanagedCallersOnly]
    private static int Read(FspFileSystem* fileSystem, nint fileContext, void* buffer, ulong offset, uint length, uint* bytesTransferred)
    {
        try
        {
            var volume = DispatchedVolume.Of(fileSystem);
            var hint = volume.Api.CurrentRequestHint();
            var work = volume.Adapter.ReadAsync(DispatchedVolume.Context(fileContext), new NativeBuffer(buffer, (int)length).Memory, offset);
            if (work.IsCompleted)
            {
                var answer = work.GetAwaiter().GetResult();
                if (answer.Succeeded) *bytesTransferred = (uint)answer.Value;
                return answer.Status;
            }
            volume.CompleteLater(work,
                answer => FspTransactResponse.Completion(FspTransactKind.Read, hint, answer.Status, answer.Succeeded ? (uint)answer.Value : 0),
                FspTransactResponse.Completion(FspTransactKind.Read, hint, NtStatus.IoDeviceError, 0));
            return NtStatus.Pending;
        }
        catch (Exception e)
        {
            return Unexpected(fileSystem, e, "Read");
        }
    }

    [UnmanagedCallersOnly]
    private static int Write(FspFileSystem* fileSystem, nint fileContext, void* buffer, ulong offset, uint length,
        byte writeToEndOfFile, byte constrainedIo, uint* bytesTransferred, FspFileInfo* info)
    {
        try
        {
            var volume = DispatchedVolume.Of(fileSystem);
            var hint = volume.Api.CurrentRequestHint();
            var work = volume.Adapter.WriteAsync(DispatchedVolume.Context(fileContext), new NativeBuffer(buffer, (int)length).Memory, offset, writeToEndOfFile != 0, constrainedIo != 0);
            if (work.IsCompleted)
            {
                var answer = work.GetAwaiter().GetResult();
                if (!answer.Succeeded) return answer.Status;
                *bytesTransferred = (uint)answer.Value.Written;
                *info = answer.Value.Info;
                return answer.Status;
            }
            volume.CompleteLater(work,
                answer => answer.Succeeded
                    ? FspTransactResponse.WriteCompletion(hint, answer.Status, (uint)answer.Value.Written, answer.Value.Info)
                    : FspTransactResponse.Completion(FspTransactKind.Write, hint, answer.Status, 0),
                FspTransactResponse.Completion(FspTransactKind.Write, hint, NtStatus.IoDeviceError, 0));
            return NtStatus.Pending;
        }
        catch (Exception e)
        {
            return Unexpected(fileSystem, e, "Write");
        }
    }

    [UnmanagedCallersOnly]
    private static int ReadDirectory(FspFileSystem* fileSystem, nint fileContext, char* pattern, char* marker, void* buffer, uint length, uint* bytesTransferred)
    {
        try
        {
            var volume = DispatchedVolume.Of(fileSystem);
            var hint = volume.Api.CurrentRequestHint();
            var work = volume.Adapter.ReadDirectoryAsync(DispatchedVolume.Context(fileContext), StringOf(pattern), StringOf(marker));
            if (work.IsCompleted)
            {
                var answer = work.GetAwaiter().GetResult();
                if (!answer.Succeeded) return answer.Status;
                *bytesTransferred = Fill(volume, answer.Value, buffer, length);
                return answer.Status;
            }
            var target = (nint)buffer;
            volume.CompleteLater(work,
                answer => FspTransactResponse.Completion(FspTransactKind.QueryDirectory, hint, answer.Status,
                    answer.Succeeded ? Fill(volume, answer.Value, (void*)target, length) : 0),
                FspTransactResponse.Completion(FspTransactKind.QueryDirectory, hint, NtStatus.IoDeviceError, 0));
            return NtStatus.Pending;
        }
        catch (Exception e)
        {
            return Unexpected(fileSystem, e, "ReadDirectory");
        }
    }

    /// <summary>
    /// Adds entries to WinFsp's buffer until it is full; when every entry fits, the end marker
    /// too, which tells WinFsp the folder has nothing more. Returns the bytes used.
    /// </summary>
    private static uint Fill(DispatchedVolume volume, IReadOnlyList<WindowsDirectoryEntry> entries, void* buffer, uint length)
    {
        uint used = 0;
        var entry = default(FspDirInfoEntry);
        foreach (var (name, info) in entries)
        {
            if (name.Length > FspDirInfoEntry.MaxNameLength)
            {
                // Only a name with many quoted look-alikes can pass Windows' limit once mapped.
                volume.Logger.LogWarning("'{Name}' is longer than Windows allows once mapped: not listed", name);
                continue;
            }
            entry.Set(name, info);
            if (volume.Api.FileSystemAddDirInfo(&entry.Head, buffer, length, &used) == 0)
                return used;
        }
        volume.Api.FileSystemAddDirInfo(null, buffer, length, &used);
        return used;
    }
}
