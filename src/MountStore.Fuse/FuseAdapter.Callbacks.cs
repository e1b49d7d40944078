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
        ops->FsyncDir = &OnFsync;
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
        var wanted = FuseCapability.AsyncRead | FuseCapability.ReaddirPlus | FuseCapability.ParallelDirOps | FuseCapability.AutoInvalidateData;
        connection->Want |= wanted & connection->Capable;
        // READDIRPLUS_AUTO would make the kernel ask for attributes only on the first readdir; a
        // listing gives us attributes for free, so always send them and spare the kernel lookups.
        connection->Want &= ~FuseCapability.ReaddirPlusAuto;
        connection->MaxBackground = _options.MaxBackground;
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
    private static void OnFlush(nint request, ulong inode, FuseFileInfo* info) => LibFuse.ReplyError(request, 0);

    [UnmanagedCallersOnly]
    private static void OnFsync(nint request, ulong inode, int dataOnly, FuseFileInfo* info) => LibFuse.ReplyError(request, 0);

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

    // ---- writes: refused until the write path exists, and always on a read-only mount ----

    private static void RefuseWrite(nint request, ulong directory, byte* name)
    {
        var text = name is null ? null : Utf8(name);
        Guard(request, "write", () =>
        {
            var path = Current._inodes.PathOf(directory) is { } parent && text is not null ? Core.Namespace.PathNames.Join(parent, text) : Current._inodes.PathOf(directory) ?? "";
            LibFuse.ReplyError(request, ErrnoMapping.ToErrno(Current._fs.ReadOnlyError(path), "write", path, Current._logger));
        });
    }

    [UnmanagedCallersOnly]
    private static void OnSetAttr(nint request, ulong inode, Stat* attributes, int toSet, FuseFileInfo* info) => RefuseWrite(request, inode, null);

    [UnmanagedCallersOnly]
    private static void OnMkNod(nint request, ulong parent, byte* name, uint mode, ulong device) => RefuseWrite(request, parent, name);

    [UnmanagedCallersOnly]
    private static void OnMkDir(nint request, ulong parent, byte* name, uint mode) => RefuseWrite(request, parent, name);

    [UnmanagedCallersOnly]
    private static void OnUnlink(nint request, ulong parent, byte* name) => RefuseWrite(request, parent, name);

    [UnmanagedCallersOnly]
    private static void OnRmDir(nint request, ulong parent, byte* name) => RefuseWrite(request, parent, name);

    [UnmanagedCallersOnly]
    private static void OnSymLink(nint request, byte* target, ulong parent, byte* name) => RefuseWrite(request, parent, name);

    [UnmanagedCallersOnly]
    private static void OnRename(nint request, ulong parent, byte* name, ulong newParent, byte* newName, uint flags) => RefuseWrite(request, parent, name);

    [UnmanagedCallersOnly]
    private static void OnLink(nint request, ulong inode, ulong newParent, byte* newName) => RefuseWrite(request, newParent, newName);

    [UnmanagedCallersOnly]
    private static void OnWrite(nint request, ulong inode, byte* buffer, nuint size, long offset, FuseFileInfo* info) => RefuseWrite(request, inode, null);

    [UnmanagedCallersOnly]
    private static void OnCreate(nint request, ulong parent, byte* name, uint mode, FuseFileInfo* info) => RefuseWrite(request, parent, name);

    [UnmanagedCallersOnly]
    private static void OnFallocate(nint request, ulong inode, int mode, long offset, long length, FuseFileInfo* info) => RefuseWrite(request, inode, null);
}
