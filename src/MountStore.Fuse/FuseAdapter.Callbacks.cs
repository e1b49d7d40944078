using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using MountStore.Fuse.Native;

namespace MountStore.Fuse;

/// <summary>
/// The entry points libfuse calls. Each is an [UnmanagedCallersOnly] function pointer that starts
/// the work and returns; each catches everything, because an exception escaping into native code
/// ends the process. One mount per process: the adapter is reached through a static.
/// </summary>
internal sealed unsafe partial class FuseAdapter
{
    private static FuseAdapter? _current;

    private static FuseAdapter Current => _current ?? throw new InvalidOperationException("no FUSE adapter is installed");

    /// <summary>Installs <paramref name="adapter"/> and returns the operations table for fuse_session_new (free with NativeMemory.Free).</summary>
    public static FuseLowLevelOps* CreateOperations(FuseAdapter adapter)
    {
        _current = adapter;
        var ops = (FuseLowLevelOps*)NativeMemory.AllocZeroed((nuint)sizeof(FuseLowLevelOps));
        ops->Init = &OnInit;
        ops->Lookup = &OnLookup;
        ops->Forget = &OnForget;
        ops->ForgetMulti = &OnForgetMulti;
        ops->GetAttr = &OnGetAttr;
        ops->SetAttr = &OnSetAttr;
        ops->MkNod = &OnMkNod;
        ops->MkDir = &OnMkDir;
        ops->Unlink = &OnUnlink;
        ops->RmDir = &OnRmDir;
        ops->SymLink = &OnSymLink;
        ops->Rename = &OnRename;
        ops->Link = &OnLink;
        ops->Open = &OnOpen;
        ops->Read = &OnRead;
        ops->Write = &OnWrite;
        ops->Flush = &OnFlush;
        ops->Release = &OnRelease;
        ops->Fsync = &OnFsync;
        ops->OpenDir = &OnOpenDir;
        ops->ReadDir = &OnReadDir;
        ops->ReaddirPlus = &OnReaddirPlus;
        ops->ReleaseDir = &OnReleaseDir;
        ops->FsyncDir = &OnFsyncDir;
        ops->ReadLink = &OnReadLink;
        ops->StatFs = &OnStatFs;
        ops->Create = &OnCreate;
        ops->Fallocate = &OnFallocate;
        return ops;
    }

    private static void Guard(nint request, string operation, Action work)
    {
        try
        {
            work();
        }
        catch (Exception e)
        {
            try
            {
                Current.Fail(request, e, operation, null);
            }
            catch
            {
                LibFuse.ReplyError(request, Errno.EIO);
            }
        }
    }

    private static string Utf8(byte* text) => Marshal.PtrToStringUTF8((nint)text) ?? "";

    [UnmanagedCallersOnly]
    private static void OnInit(void* userData, FuseConnInfo* connection)
    {
        try
        {
            Current.Initialize(connection);
        }
        catch (Exception e)
        {
            _current?._logger.LogError(e, "FUSE init failed; the mount keeps libfuse's defaults");
        }
    }

    private void Initialize(FuseConnInfo* connection)
    {
        var wanted = FuseCapability.AsyncRead | FuseCapability.AtomicOTrunc | FuseCapability.ReaddirPlus | FuseCapability.ParallelDirOps | FuseCapability.AutoInvalidateData;
        connection->Want |= wanted & connection->Capable;
        // READDIRPLUS_AUTO would make the kernel ask for attributes only on the first readdir; a
        // listing gives us attributes for free, so always send them and spare the kernel lookups.
        connection->Want &= ~FuseCapability.ReaddirPlusAuto;
        connection->MaxBackground = _options.MaxBackground;
        // 1 MiB writes (the kernel's default is 128 KiB): an eighth of the requests for a copy
        connection->MaxWrite = 1 << 20;
        connection->CongestionThreshold = _options.MaxBackground * 3 / 4;
        _logger.LogDebug("FUSE protocol {Major}.{Minor}, max_write {MaxWrite}, max_readahead {ReadAhead}, want 0x{Want:x}",
            connection->ProtocolMajor, connection->ProtocolMinor, connection->MaxWrite, connection->MaxReadahead, connection->Want);
    }

    [UnmanagedCallersOnly]
    private static void OnLookup(nint request, ulong parent, byte* name)
    {
        var text = Utf8(name);
        Guard(request, "lookup", () => _ = Current.LookupAsync(request, parent, text));
    }

    [UnmanagedCallersOnly]
    private static void OnForget(nint request, ulong inode, ulong count)
    {
        try
        {
            Current._inodes.Forget(inode, count);
        }
        finally
        {
            LibFuse.ReplyNone(request);
        }
    }

    [UnmanagedCallersOnly]
    private static void OnForgetMulti(nint request, nuint count, FuseForgetData* forgets)
    {
        try
        {
            for (nuint i = 0; i < count; i++)
                Current._inodes.Forget(forgets[i].Inode, forgets[i].LookupCount);
        }
        finally
        {
            LibFuse.ReplyNone(request);
        }
    }

    [UnmanagedCallersOnly]
    private static void OnGetAttr(nint request, ulong inode, FuseFileInfo* info) =>
        Guard(request, "stat", () => _ = Current.GetAttributesAsync(request, inode));

    [UnmanagedCallersOnly]
    private static void OnOpenDir(nint request, ulong inode, FuseFileInfo* info)
    {
        var copy = *info; // libfuse's struct is only valid during this call; the reply is sent later
        Guard(request, "opendir", () => _ = Current.OpenDirectoryAsync(request, inode, copy));
    }

    [UnmanagedCallersOnly]
    private static void OnReadDir(nint request, ulong inode, nuint size, long offset, FuseFileInfo* info)
    {
        var handle = info->Handle;
        Guard(request, "readdir", () => Current.ReadDirectory(request, size, offset, handle, plus: false));
    }

    [UnmanagedCallersOnly]
    private static void OnReaddirPlus(nint request, ulong inode, nuint size, long offset, FuseFileInfo* info)
    {
        var handle = info->Handle;
        Guard(request, "readdir", () => Current.ReadDirectory(request, size, offset, handle, plus: true));
    }

    [UnmanagedCallersOnly]
    private static void OnReleaseDir(nint request, ulong inode, FuseFileInfo* info)
    {
        var handle = info->Handle;
        Guard(request, "closedir", () =>
        {
            Current._directories.TryRemove(handle, out _);
            LibFuse.ReplyError(request, 0);
        });
    }

    [UnmanagedCallersOnly]
    private static void OnOpen(nint request, ulong inode, FuseFileInfo* info)
    {
        var copy = *info;
        Guard(request, "open", () => _ = Current.OpenAsync(request, inode, copy));
    }

    [UnmanagedCallersOnly]
    private static void OnRead(nint request, ulong inode, nuint size, long offset, FuseFileInfo* info)
    {
        var handle = info->Handle;
        Guard(request, "read", () => _ = Current.ReadAsync(request, inode, handle, (int)size, offset));
    }

    [UnmanagedCallersOnly]
    private static void OnRelease(nint request, ulong inode, FuseFileInfo* info)
    {
        var handle = info->Handle;
        Guard(request, "close", () => _ = Current.ReleaseAsync(request, handle));
    }

    [UnmanagedCallersOnly]
    private static void OnStatFs(nint request, ulong inode)
    {
        Guard(request, "statfs", () =>
        {
            var figures = Current._fs.StatFs();
            var statistics = new StatVfs
            {
                BlockSize = figures.BlockSize,
                FragmentSize = figures.BlockSize,
                Blocks = figures.TotalBlocks,
                BlocksFree = figures.FreeBlocks,
                BlocksAvailable = figures.FreeBlocks,
                Files = figures.TotalFiles,
                FilesFree = figures.FreeFiles,
                FilesAvailable = figures.FreeFiles,
                NameMax = figures.MaxNameLength,
            };
            LibFuse.ReplyStatFs(request, &statistics);
        });
    }

    // ---- changes ----

    /// <summary>A name from the kernel, or null when its bytes are not UTF-8 (the stores hold UTF-8 names only).</summary>
    private static string? StrictUtf8(byte* text)
    {
        var length = 0;
        while (text[length] != 0) length++;
        try
        {
            return StrictEncoding.GetString(text, length);
        }
        catch (System.Text.DecoderFallbackException)
        {
            return null;
        }
    }

    private static readonly System.Text.UTF8Encoding StrictEncoding = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Starts <paramref name="work"/> with the new name, or answers EINVAL for a name that is not UTF-8.</summary>
    private static void WithNewName(nint request, string operation, byte* name, Func<string, Task> work)
    {
        var text = StrictUtf8(name);
        Guard(request, operation, () =>
        {
            if (text is null)
            {
                Current._logger.LogWarning("{Operation}: a name that is not valid UTF-8 was refused (EINVAL); object stores hold UTF-8 names", operation);
                LibFuse.ReplyError(request, Errno.EINVAL);
                return;
            }
            _ = work(text);
        });
    }

    [UnmanagedCallersOnly]
    private static void OnSetAttr(nint request, ulong inode, Stat* attributes, int toSet, FuseFileInfo* info)
    {
        var changed = *attributes;
        ulong? handle = info is null ? null : info->Handle;
        Guard(request, "setattr", () => _ = Current.SetAttributesAsync(request, inode, changed, toSet, handle));
    }

    [UnmanagedCallersOnly]
    private static void OnMkNod(nint request, ulong parent, byte* name, uint mode, ulong device) =>
        WithNewName(request, "mknod", name, text => Current.MakeNodeAsync(request, parent, text, mode));

    [UnmanagedCallersOnly]
    private static void OnMkDir(nint request, ulong parent, byte* name, uint mode) =>
        WithNewName(request, "mkdir", name, text => Current.MakeDirectoryAsync(request, parent, text, mode));

    [UnmanagedCallersOnly]
    private static void OnUnlink(nint request, ulong parent, byte* name)
    {
        var text = Utf8(name);
        Guard(request, "unlink", () => _ = Current.RemoveAsync(request, parent, text, directory: false));
    }

    [UnmanagedCallersOnly]
    private static void OnRmDir(nint request, ulong parent, byte* name)
    {
        var text = Utf8(name);
        Guard(request, "rmdir", () => _ = Current.RemoveAsync(request, parent, text, directory: true));
    }

    [UnmanagedCallersOnly]
    private static void OnSymLink(nint request, byte* target, ulong parent, byte* name)
    {
        var link = Utf8(target);
        WithNewName(request, "symlink", name, text => Current.SymlinkAsync(request, parent, text, link));
    }

    [UnmanagedCallersOnly]
    private static void OnReadLink(nint request, ulong inode) =>
        Guard(request, "readlink", () => _ = Current.ReadLinkAsync(request, inode));

    [UnmanagedCallersOnly]
    private static void OnRename(nint request, ulong parent, byte* name, ulong newParent, byte* newName, uint flags)
    {
        var from = Utf8(name);
        WithNewName(request, "rename", newName, to => Current.RenameAsync(request, parent, from, newParent, to, flags));
    }

    [UnmanagedCallersOnly]
    private static void OnLink(nint request, ulong inode, ulong newParent, byte* newName)
    {
        Guard(request, "link", () =>
        {
            Current._logger.LogInformation("link: hard links cannot be stored as objects; answering EPERM (use a symlink, or copy)");
            LibFuse.ReplyError(request, Errno.EPERM);
        });
    }

    [UnmanagedCallersOnly]
    private static void OnWrite(nint request, ulong inode, byte* buffer, nuint size, long offset, FuseFileInfo* info)
    {
        var handle = info->Handle;
        var length = (int)size;
        var bytes = (nint)buffer;
        Guard(request, "write", () =>
        {
            // Most writes of a file written in order fit the part being filled: those go straight
            // from libfuse's buffer into it, one copy of the file fewer.
            if (Current.TryWriteNow(request, handle, new ReadOnlySpan<byte>((void*)bytes, length), offset))
                return;
            // libfuse reuses its buffer once this returns: copy the bytes before going async
            var data = System.Buffers.ArrayPool<byte>.Shared.Rent(length);
            new ReadOnlySpan<byte>((void*)bytes, length).CopyTo(data);
            _ = Current.WriteAsync(request, inode, handle, data, length, offset);
        });
    }

    [UnmanagedCallersOnly]
    private static void OnCreate(nint request, ulong parent, byte* name, uint mode, FuseFileInfo* info)
    {
        var copy = *info;
        WithNewName(request, "create", name, text => Current.CreateAsync(request, parent, text, mode, copy));
    }

    [UnmanagedCallersOnly]
    private static void OnFlush(nint request, ulong inode, FuseFileInfo* info)
    {
        var handle = info->Handle;
        Guard(request, "close", () => _ = Current.FlushAsync(request, inode, handle, "close"));
    }

    [UnmanagedCallersOnly]
    private static void OnFsync(nint request, ulong inode, int dataOnly, FuseFileInfo* info)
    {
        var handle = info->Handle;
        Guard(request, "fsync", () => _ = Current.FlushAsync(request, inode, handle, "fsync"));
    }

    [UnmanagedCallersOnly]
    private static void OnFsyncDir(nint request, ulong inode, int dataOnly, FuseFileInfo* info) => LibFuse.ReplyError(request, 0);

    [UnmanagedCallersOnly]
    private static void OnFallocate(nint request, ulong inode, int mode, long offset, long length, FuseFileInfo* info) =>
        LibFuse.ReplyError(request, Errno.ENOTSUP); // glibc's posix_fallocate then writes zeros itself
}
