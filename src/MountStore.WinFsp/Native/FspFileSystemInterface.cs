using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MountStore.WinFsp.Native;

/// <summary>
/// FSP_FILE_SYSTEM_INTERFACE (winfsp.h): the table of 64 operation slots WinFsp's dispatcher
/// calls, in WinFsp's order; a null slot is an operation the file system does not offer. Each
/// slot has its C signature, with BOOLEAN as byte, ULONG as uint, SIZE_T as nuint, a file context
/// (PVOID) as nint and NTSTATUS as int; the table must stay alive and unmoved while the file
/// system exists, so it lives in native memory.
/// </summary>
/// <remarks>
/// WinFsp calls the slots on its dispatcher threads: every function put here must be an
/// [UnmanagedCallersOnly] method that catches everything, since an exception escaping it ends
/// the process. Read, Write and ReadDirectory may return STATUS_PENDING and answer later with
/// FspFileSystemSendResponse.
/// </remarks>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct FspFileSystemInterface
{
    public delegate* unmanaged<FspFileSystem*, FspVolumeInfo*, int> GetVolumeInfo;
    public delegate* unmanaged<FspFileSystem*, char*, FspVolumeInfo*, int> SetVolumeLabel;

    /// <summary>(file name, attributes out, security descriptor buffer, its size in/out).</summary>
    public delegate* unmanaged<FspFileSystem*, char*, uint*, void*, nuint*, int> GetSecurityByName;

    /// <summary>(file name, create options, granted access, attributes, security descriptor, allocation size, file context out, info out).</summary>
    public delegate* unmanaged<FspFileSystem*, char*, uint, uint, uint, void*, ulong, nint*, FspFileInfo*, int> Create;

    /// <summary>(file name, create options, granted access, file context out, info out).</summary>
    public delegate* unmanaged<FspFileSystem*, char*, uint, uint, nint*, FspFileInfo*, int> Open;

    /// <summary>(file context, attributes, replace the attributes, allocation size, info out).</summary>
    public delegate* unmanaged<FspFileSystem*, nint, uint, byte, ulong, FspFileInfo*, int> Overwrite;

    /// <summary>(file context, file name, cleanup flags such as delete): returns nothing.</summary>
    public delegate* unmanaged<FspFileSystem*, nint, char*, uint, void> Cleanup;

    public delegate* unmanaged<FspFileSystem*, nint, void> Close;

    /// <summary>(file context, buffer, offset, length, bytes read out).</summary>
    public delegate* unmanaged<FspFileSystem*, nint, void*, ulong, uint, uint*, int> Read;

    /// <summary>(file context, buffer, offset, length, write to end of file, constrained I/O, bytes written out, info out).</summary>
    public delegate* unmanaged<FspFileSystem*, nint, void*, ulong, uint, byte, byte, uint*, FspFileInfo*, int> Write;

    /// <summary>(file context or 0 for the volume, info out).</summary>
    public delegate* unmanaged<FspFileSystem*, nint, FspFileInfo*, int> Flush;

    public delegate* unmanaged<FspFileSystem*, nint, FspFileInfo*, int> GetFileInfo;

    /// <summary>(file context, attributes or INVALID_FILE_ATTRIBUTES, creation, last access, last write, change time (0: unchanged), info out).</summary>
    public delegate* unmanaged<FspFileSystem*, nint, uint, ulong, ulong, ulong, ulong, FspFileInfo*, int> SetBasicInfo;

    /// <summary>(file context, new size, whether it is the allocation size, info out).</summary>
    public delegate* unmanaged<FspFileSystem*, nint, ulong, byte, FspFileInfo*, int> SetFileSize;

    public delegate* unmanaged<FspFileSystem*, nint, char*, int> CanDelete;

    /// <summary>(file context, file name, new file name, replace if exists).</summary>
    public delegate* unmanaged<FspFileSystem*, nint, char*, char*, byte, int> Rename;

    public delegate* unmanaged<FspFileSystem*, nint, void*, nuint*, int> GetSecurity;
    public delegate* unmanaged<FspFileSystem*, nint, uint, void*, int> SetSecurity;

    /// <summary>(file context, pattern or null, marker or null, buffer, length, bytes transferred out).</summary>
    public delegate* unmanaged<FspFileSystem*, nint, char*, char*, void*, uint, uint*, int> ReadDirectory;

    /// <summary>(file name, reparse point index, resolve the last component, IO_STATUS_BLOCK out, buffer, size in/out).</summary>
    public delegate* unmanaged<FspFileSystem*, char*, uint, byte, void*, void*, nuint*, int> ResolveReparsePoints;

    public delegate* unmanaged<FspFileSystem*, nint, char*, void*, nuint*, int> GetReparsePoint;
    public delegate* unmanaged<FspFileSystem*, nint, char*, void*, nuint, int> SetReparsePoint;
    public delegate* unmanaged<FspFileSystem*, nint, char*, void*, nuint, int> DeleteReparsePoint;
    public delegate* unmanaged<FspFileSystem*, nint, void*, uint, uint*, int> GetStreamInfo;

    /// <summary>(directory's file context, name, entry out).</summary>
    public delegate* unmanaged<FspFileSystem*, nint, char*, FspDirInfo*, int> GetDirInfoByName;

    /// <summary>(file context, control code, input, input length, output, output length, bytes transferred out).</summary>
    public delegate* unmanaged<FspFileSystem*, nint, uint, void*, uint, void*, uint, uint*, int> Control;

    /// <summary>(file context, file name, delete): newer WinFsp calls this instead of CanDelete when both are set.</summary>
    public delegate* unmanaged<FspFileSystem*, nint, char*, byte, int> SetDelete;

    /// <summary>Create with an extra buffer (extended attributes or a reparse point): (..., extra buffer, its length, whether it is a reparse point, file context out, info out).</summary>
    public delegate* unmanaged<FspFileSystem*, char*, uint, uint, uint, void*, ulong, void*, uint, byte, nint*, FspFileInfo*, int> CreateEx;

    public delegate* unmanaged<FspFileSystem*, nint, uint, byte, ulong, void*, uint, FspFileInfo*, int> OverwriteEx;
    public delegate* unmanaged<FspFileSystem*, nint, void*, uint, uint*, int> GetEa;
    public delegate* unmanaged<FspFileSystem*, nint, void*, uint, FspFileInfo*, int> SetEa;
    public delegate* unmanaged<int> Obsolete0;

    /// <summary>(normally: 1 when stopped by FspFileSystemStopDispatcher, 0 when the driver went away).</summary>
    public delegate* unmanaged<FspFileSystem*, byte, void> DispatcherStopped;

    public ReservedSlots Reserved;

    /// <summary>The 31 slots WinFsp keeps for later operations, so the table stays 64 entries long.</summary>
    [InlineArray(31)]
    public struct ReservedSlots
    {
        private nint _slot;
    }
}
