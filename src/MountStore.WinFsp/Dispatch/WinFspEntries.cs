using System.Runtime.InteropServices;
using MountStore.WinFsp.Adapter;
using MountStore.WinFsp.Native;

namespace MountStore.WinFsp.Dispatch;

/// <summary>
/// The entries of the interface table: each unpacks WinFsp's arguments, calls the adapter and
/// writes its answer where WinFsp expects it. Every entry catches everything (an exception
/// escaping into WinFsp's dispatcher ends the process). Operations other than Read, Write and
/// ReadDirectory wait for the adapter on the dispatcher thread; Core never needs that thread to
/// finish its work (it awaits without a synchronization context), so waiting cannot deadlock.
/// </summary>
internal static unsafe partial class WinFspEntries
{
    /// <summary>Puts every entry the adapter serves into <paramref name="table"/>; the other slots stay null.</summary>
    public static void Fill(FspFileSystemInterface* table)
    {
        table->GetVolumeInfo = &GetVolumeInfo;
        table->GetSecurityByName = &GetSecurityByName;
        table->Create = &Create;
        table->Open = &Open;
        table->Overwrite = &Overwrite;
        table->Cleanup = &Cleanup;
        table->Close = &Close;
        table->Read = &Read;
        table->Write = &Write;
        table->Flush = &Flush;
        table->GetFileInfo = &GetFileInfo;
        table->SetBasicInfo = &SetBasicInfo;
        table->SetFileSize = &SetFileSize;
        table->CanDelete = &CanDelete;
        table->Rename = &Rename;
        table->ReadDirectory = &ReadDirectory;
        table->GetDirInfoByName = &GetDirInfoByName;
        table->DispatcherStopped = &DispatcherStopped;
    }

    private static string? StringOf(char* text) => text is null ? null : new string(text);

    // What an entry answers when something outside the adapter failed (it answers its own failures).
    private static int Unexpected(FspFileSystem* fileSystem, Exception failure, string operation)
    {
        try
        {
            Microsoft.Extensions.Logging.LoggerExtensions.LogError(DispatchedVolume.Of(fileSystem).Logger, failure, "{Operation} failed unexpectedly", operation);
        }
        catch
        {
            // no logger to reach: the status still goes back
        }
        return NtStatus.IoDeviceError;
    }

    [UnmanagedCallersOnly]
    private static int GetVolumeInfo(FspFileSystem* fileSystem, FspVolumeInfo* info)
    {
        try
        {
            var answer = DispatchedVolume.Of(fileSystem).Adapter.GetVolumeInfo();
            if (answer.Succeeded) *info = answer.Value;
            return answer.Status;
        }
        catch (Exception e)
        {
            return Unexpected(fileSystem, e, "GetVolumeInfo");
        }
    }

    // No security descriptor is served: its size comes back 0 and the buffer is left alone.
    [UnmanagedCallersOnly]
    private static int GetSecurityByName(FspFileSystem* fileSystem, char* fileName, uint* fileAttributes, void* securityDescriptor, nuint* securityDescriptorSize)
    {
        try
        {
            var answer = DispatchedVolume.Of(fileSystem).Adapter.GetSecurityByNameAsync(new string(fileName)).GetAwaiter().GetResult();
            if (!answer.Succeeded) return answer.Status;
            if (fileAttributes is not null) *fileAttributes = answer.Value;
            if (securityDescriptorSize is not null) *securityDescriptorSize = 0;
            return answer.Status;
        }
        catch (Exception e)
        {
            return Unexpected(fileSystem, e, "GetSecurityByName");
        }
    }

    [UnmanagedCallersOnly]
    private static int Create(FspFileSystem* fileSystem, char* fileName, uint createOptions, uint grantedAccess, uint fileAttributes,
        void* securityDescriptor, ulong allocationSize, nint* fileContext, FspFileInfo* info)
    {
        try
        {
            var answer = DispatchedVolume.Of(fileSystem).Adapter.CreateAsync(new string(fileName), createOptions, grantedAccess, fileAttributes).GetAwaiter().GetResult();
            return Opened(answer, fileContext, info);
        }
        catch (Exception e)
        {
            return Unexpected(fileSystem, e, "Create");
        }
    }

    [UnmanagedCallersOnly]
    private static int Open(FspFileSystem* fileSystem, char* fileName, uint createOptions, uint grantedAccess, nint* fileContext, FspFileInfo* info)
    {
        try
        {
            var answer = DispatchedVolume.Of(fileSystem).Adapter.OpenAsync(new string(fileName), createOptions, grantedAccess).GetAwaiter().GetResult();
            return Opened(answer, fileContext, info);
        }
        catch (Exception e)
        {
            return Unexpected(fileSystem, e, "Open");
        }
    }

    private static int Opened(WinFspAnswer<(FileContext Context, FspFileInfo Info)> answer, nint* fileContext, FspFileInfo* info)
    {
        if (!answer.Succeeded) return answer.Status;
        *fileContext = DispatchedVolume.Handle(answer.Value.Context);
        *info = answer.Value.Info;
        return answer.Status;
    }

    [UnmanagedCallersOnly]
    private static int Overwrite(FspFileSystem* fileSystem, nint fileContext, uint fileAttributes, byte replaceFileAttributes, ulong allocationSize, FspFileInfo* info)
    {
        try
        {
            var answer = DispatchedVolume.Of(fileSystem).Adapter
                .OverwriteAsync(DispatchedVolume.Context(fileContext), fileAttributes, replaceFileAttributes != 0, allocationSize).GetAwaiter().GetResult();
            return Info(answer, info);
        }
        catch (Exception e)
        {
            return Unexpected(fileSystem, e, "Overwrite");
        }
    }

    private static int Info(WinFspAnswer<FspFileInfo> answer, FspFileInfo* info)
    {
        if (answer.Succeeded && info is not null) *info = answer.Value;
        return answer.Status;
    }

    // Cleanup answers nothing: the adapter logs what failed.
    [UnmanagedCallersOnly]
    private static void Cleanup(FspFileSystem* fileSystem, nint fileContext, char* fileName, uint flags)
    {
        try
        {
            DispatchedVolume.Of(fileSystem).Adapter.CleanupAsync(DispatchedVolume.Context(fileContext), StringOf(fileName), flags).GetAwaiter().GetResult();
        }
        catch (Exception e)
        {
            Unexpected(fileSystem, e, "Cleanup");
        }
    }

    [UnmanagedCallersOnly]
    private static void Close(FspFileSystem* fileSystem, nint fileContext)
    {
        try
        {
            DispatchedVolume.Of(fileSystem).Adapter.CloseAsync(DispatchedVolume.Context(fileContext)).GetAwaiter().GetResult();
        }
        catch (Exception e)
        {
            Unexpected(fileSystem, e, "Close");
        }
        finally
        {
            try
            {
                DispatchedVolume.Free(fileContext);
            }
            catch (Exception e)
            {
                Unexpected(fileSystem, e, "Close");
            }
        }
    }

    [UnmanagedCallersOnly]
    private static int Flush(FspFileSystem* fileSystem, nint fileContext, FspFileInfo* info)
    {
        try
        {
            var context = fileContext == 0 ? null : DispatchedVolume.Context(fileContext);
            return Info(DispatchedVolume.Of(fileSystem).Adapter.FlushAsync(context).GetAwaiter().GetResult(), info);
        }
        catch (Exception e)
        {
            return Unexpected(fileSystem, e, "Flush");
        }
    }

    [UnmanagedCallersOnly]
    private static int GetFileInfo(FspFileSystem* fileSystem, nint fileContext, FspFileInfo* info)
    {
        try
        {
            return Info(DispatchedVolume.Of(fileSystem).Adapter.GetFileInfoAsync(DispatchedVolume.Context(fileContext)).GetAwaiter().GetResult(), info);
        }
        catch (Exception e)
        {
            return Unexpected(fileSystem, e, "GetFileInfo");
        }
    }

    [UnmanagedCallersOnly]
    private static int SetBasicInfo(FspFileSystem* fileSystem, nint fileContext, uint fileAttributes, ulong creationTime, ulong lastAccessTime, ulong lastWriteTime, ulong changeTime, FspFileInfo* info)
    {
        try
        {
            var answer = DispatchedVolume.Of(fileSystem).Adapter
                .SetBasicInfoAsync(DispatchedVolume.Context(fileContext), fileAttributes, creationTime, lastAccessTime, lastWriteTime, changeTime).GetAwaiter().GetResult();
            return Info(answer, info);
        }
        catch (Exception e)
        {
            return Unexpected(fileSystem, e, "SetBasicInfo");
        }
    }

    [UnmanagedCallersOnly]
    private static int SetFileSize(FspFileSystem* fileSystem, nint fileContext, ulong newSize, byte setAllocationSize, FspFileInfo* info)
    {
        try
        {
            var answer = DispatchedVolume.Of(fileSystem).Adapter
                .SetFileSizeAsync(DispatchedVolume.Context(fileContext), newSize, setAllocationSize != 0).GetAwaiter().GetResult();
            return Info(answer, info);
        }
        catch (Exception e)
        {
            return Unexpected(fileSystem, e, "SetFileSize");
        }
    }

    [UnmanagedCallersOnly]
    private static int CanDelete(FspFileSystem* fileSystem, nint fileContext, char* fileName)
    {
        try
        {
            return DispatchedVolume.Of(fileSystem).Adapter.CanDeleteAsync(DispatchedVolume.Context(fileContext), StringOf(fileName)).GetAwaiter().GetResult();
        }
        catch (Exception e)
        {
            return Unexpected(fileSystem, e, "CanDelete");
        }
    }

    [UnmanagedCallersOnly]
    private static int Rename(FspFileSystem* fileSystem, nint fileContext, char* fileName, char* newFileName, byte replaceIfExists)
    {
        try
        {
            return DispatchedVolume.Of(fileSystem).Adapter
                .RenameAsync(DispatchedVolume.Context(fileContext), new string(fileName), new string(newFileName), replaceIfExists != 0).GetAwaiter().GetResult();
        }
        catch (Exception e)
        {
            return Unexpected(fileSystem, e, "Rename");
        }
    }

    [UnmanagedCallersOnly]
    private static int GetDirInfoByName(FspFileSystem* fileSystem, nint fileContext, char* fileName, FspDirInfo* dirInfo)
    {
        try
        {
            var answer = DispatchedVolume.Of(fileSystem).Adapter.GetDirInfoByNameAsync(DispatchedVolume.Context(fileContext), new string(fileName)).GetAwaiter().GetResult();
            if (!answer.Succeeded) return answer.Status;
            var entry = default(FspDirInfoEntry);
            entry.Set(answer.Value.Name, answer.Value.Info);
            // WinFsp's entry has room for a name of the longest length Windows allows, as ours does.
            Buffer.MemoryCopy(&entry, dirInfo, entry.Head.Size, entry.Head.Size);
            return answer.Status;
        }
        catch (Exception e)
        {
            return Unexpected(fileSystem, e, "GetDirInfoByName");
        }
    }
}
