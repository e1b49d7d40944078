using System.Runtime.InteropServices;
using MountStore.Core.Model;
using MountStore.WinFsp.Native;

namespace MountStore.WinFsp.WineProbe;

/// <summary>
/// A toy file system (one file, \hello.txt, holding "hello world") served through the binding
/// exactly as the adapter will serve Core: an interface table of [UnmanagedCallersOnly] entries
/// that catch everything, Read, Write and ReadDirectory answered from tasks with
/// FspFileSystemSendResponse. native/winfsp_standin.c's script checks what comes back.
/// </summary>
internal static unsafe class ProbeFileSystem
{
    private const nint HelloFile = 1, RootDirectory = 2;
    private const uint FileAttributeNormal = 0x80, FileAttributeDirectory = 0x10;
    private static readonly void* UserContext = (void*)0x5EED;

    private static readonly Lock ContentLock = new();
    private static byte[] _content = "hello world"u8.ToArray();
    private static WinFspApi _api = null!;
    private static nint _fileSystem;

    /// <summary>Creates the volume, mounts it at M:, runs the dispatcher until the stand-in's script ends, and deletes it.</summary>
    public static int Run(WinFspApi api)
    {
        _api = api;
        var table = (FspFileSystemInterface*)NativeMemory.AllocZeroed((nuint)sizeof(FspFileSystemInterface));
        try
        {
            table->GetVolumeInfo = &GetVolumeInfo;
            table->Open = &Open;
            table->Read = &Read;
            table->Write = &Write;
            table->ReadDirectory = &ReadDirectory;
            table->Close = &Close;
            table->DispatcherStopped = &DispatcherStopped;

            var parameters = default(FspVolumeParams);
            parameters.Version = FspVolumeParams.CurrentVersion;
            parameters.SectorSize = 4096;
            parameters.SectorsPerAllocationUnit = 1;
            parameters.MaxComponentLength = 255;
            parameters.FileInfoTimeout = 1000;
            parameters.Flags = FspVolumeFlags.CaseSensitiveSearch | FspVolumeFlags.CasePreservedNames
                | FspVolumeFlags.UnicodeOnDisk | FspVolumeFlags.PostCleanupWhenModifiedOnly;
            parameters.TimeoutFlags = FspVolumeTimeoutFlags.VolumeInfoTimeoutValid;
            parameters.VolumeInfoTimeout = 2000;
            parameters.SetFileSystemName("MountStore");

            FspFileSystem* fileSystem;
            int status;
            fixed (char* device = WinFspApi.DiskDeviceName)
                status = api.FileSystemCreate(device, &parameters, table, &fileSystem);
            if (!Succeeded("FspFileSystemCreate", status)) return 2;
            fileSystem->UserContext = UserContext;
            _fileSystem = (nint)fileSystem;
            try
            {
                fixed (char* mountPoint = "M:")
                    status = api.FileSystemSetMountPoint(fileSystem, mountPoint);
                if (!Succeeded("FspFileSystemSetMountPoint", status)) return 2;
                status = api.FileSystemStartDispatcher(fileSystem, 0);
                if (!Succeeded("FspFileSystemStartDispatcher", status)) return 2;
                api.FileSystemStopDispatcher(fileSystem);
            }
            finally
            {
                api.FileSystemDelete(fileSystem);
            }
            Console.WriteLine("probe: done");
            return 0;
        }
        finally
        {
            NativeMemory.Free(table);
        }
    }

    private static bool Succeeded(string call, int status)
    {
        if (status == NtStatus.Success) return true;
        Console.WriteLine($"probe: {call} failed with 0x{status:X8}");
        return false;
    }

    private static bool Mine(FspFileSystem* fileSystem) =>
        (nint)fileSystem == _fileSystem && fileSystem->UserContext == UserContext;

    private static FspFileInfo HelloInfo(long size) =>
        new() { FileAttributes = FileAttributeNormal, FileSize = (ulong)size, AllocationSize = (ulong)(size + 4095) / 4096 * 4096 };

    [UnmanagedCallersOnly]
    private static int GetVolumeInfo(FspFileSystem* fileSystem, FspVolumeInfo* info)
    {
        try
        {
            if (!Mine(fileSystem)) return NtStatus.InvalidParameter;
            info->TotalSize = 1UL << 30;
            info->FreeSize = 1UL << 29;
            info->SetVolumeLabel("MountStore");
            return NtStatus.Success;
        }
        catch
        {
            return NtStatus.IoDeviceError;
        }
    }

    [UnmanagedCallersOnly]
    private static int Open(FspFileSystem* fileSystem, char* name, uint createOptions, uint grantedAccess, nint* context, FspFileInfo* info)
    {
        try
        {
            if (!Mine(fileSystem)) return NtStatus.InvalidParameter;
            switch (new string(name))
            {
                case @"\hello.txt":
                    *context = HelloFile;
                    lock (ContentLock) *info = HelloInfo(_content.Length);
                    return NtStatus.Success;
                case @"\":
                    *context = RootDirectory;
                    *info = new FspFileInfo { FileAttributes = FileAttributeDirectory };
                    return NtStatus.Success;
                default:
                    return NtStatusMapping.ToNtStatus(FileSystemError.NotFound);
            }
        }
        catch
        {
            return NtStatus.IoDeviceError;
        }
    }

    [UnmanagedCallersOnly]
    private static int Read(FspFileSystem* fileSystem, nint file, void* buffer, ulong offset, uint length, uint* transferred)
    {
        try
        {
            if (!Mine(fileSystem) || file != HelloFile) return NtStatus.InvalidHandle;
            var hint = _api.CurrentRequestHint();
            var target = (nint)buffer;
            _ = Task.Run(() =>
            {
                int count;
                lock (ContentLock)
                {
                    var available = _content.AsSpan((int)Math.Min(offset, (ulong)_content.Length));
                    count = Math.Min(available.Length, (int)length);
                    available[..count].CopyTo(new Span<byte>((void*)target, count));
                }
                _api.SendResponse((FspFileSystem*)_fileSystem,
                    FspTransactResponse.Completion(FspTransactKind.Read, hint, NtStatus.Success, (uint)count));
            });
            return NtStatus.Pending;
        }
        catch
        {
            return NtStatus.IoDeviceError;
        }
    }

    [UnmanagedCallersOnly]
    private static int Write(FspFileSystem* fileSystem, nint file, void* buffer, ulong offset, uint length,
        byte writeToEndOfFile, byte constrainedIo, uint* transferred, FspFileInfo* info)
    {
        try
        {
            if (!Mine(fileSystem) || file != HelloFile) return NtStatus.InvalidHandle;
            var hint = _api.CurrentRequestHint();
            var source = (nint)buffer;
            _ = Task.Run(() =>
            {
                FspFileInfo after;
                lock (ContentLock)
                {
                    var at = writeToEndOfFile != 0 ? _content.Length : (int)offset;
                    var grown = new byte[Math.Max(_content.Length, at + (int)length)];
                    _content.CopyTo(grown, 0);
                    new ReadOnlySpan<byte>((void*)source, (int)length).CopyTo(grown.AsSpan(at));
                    _content = grown;
                    after = HelloInfo(_content.Length);
                }
                _api.SendResponse((FspFileSystem*)_fileSystem, FspTransactResponse.WriteCompletion(hint, NtStatus.Success, length, after));
            });
            return NtStatus.Pending;
        }
        catch
        {
            return NtStatus.IoDeviceError;
        }
    }

    [UnmanagedCallersOnly]
    private static int ReadDirectory(FspFileSystem* fileSystem, nint directory, char* pattern, char* marker, void* buffer, uint length, uint* transferred)
    {
        try
        {
            if (!Mine(fileSystem) || directory != RootDirectory) return NtStatus.InvalidHandle;
            var hint = _api.CurrentRequestHint();
            var after = marker is null ? null : new string(marker);
            var target = (nint)buffer;
            _ = Task.Run(() =>
            {
                (string Name, long Size)[] entries;
                lock (ContentLock) entries = [("hello.txt", _content.Length), ("résumé.txt", 5), ("zeta", 0)];
                uint used = 0;
                var entry = default(FspDirInfoEntry);
                foreach (var (name, size) in entries.Where(e => after is null || string.CompareOrdinal(e.Name, after) > 0))
                {
                    entry.Set(name, HelloInfo(size));
                    if (_api.FileSystemAddDirInfo(&entry.Head, (void*)target, length, &used) == 0) break;
                }
                _api.FileSystemAddDirInfo(null, (void*)target, length, &used);
                _api.SendResponse((FspFileSystem*)_fileSystem,
                    FspTransactResponse.Completion(FspTransactKind.QueryDirectory, hint, NtStatus.Success, used));
            });
            return NtStatus.Pending;
        }
        catch
        {
            return NtStatus.IoDeviceError;
        }
    }

    [UnmanagedCallersOnly]
    private static void Close(FspFileSystem* fileSystem, nint file)
    {
        try
        {
            Console.WriteLine($"probe: closed {file}");
        }
        catch
        {
            // nothing to answer: Close returns nothing, and nothing may escape to the dispatcher
        }
    }

    [UnmanagedCallersOnly]
    private static void DispatcherStopped(FspFileSystem* fileSystem, byte normally)
    {
        try
        {
            Console.WriteLine($"probe: dispatcher stopped normally={normally}");
        }
        catch
        {
            // as in Close
        }
    }
}
