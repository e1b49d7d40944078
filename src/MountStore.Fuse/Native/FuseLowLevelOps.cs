using System.Runtime.InteropServices;

namespace MountStore.Fuse.Native;

/// <summary>
/// struct fuse_lowlevel_ops of libfuse 3.12-3.16: one function pointer per request type, in the
/// header's order. A null entry makes libfuse answer ENOSYS, which the kernel remembers and stops
/// asking (we leave the xattr calls null for that reason).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct FuseLowLevelOps
{
    public delegate* unmanaged<void*, FuseConnInfo*, void> Init;
    public delegate* unmanaged<void*, void> Destroy;
    public delegate* unmanaged<nint, ulong, byte*, void> Lookup;
    public delegate* unmanaged<nint, ulong, ulong, void> Forget;
    public delegate* unmanaged<nint, ulong, FuseFileInfo*, void> GetAttr;
    public delegate* unmanaged<nint, ulong, Stat*, int, FuseFileInfo*, void> SetAttr;
    public delegate* unmanaged<nint, ulong, void> ReadLink;
    public delegate* unmanaged<nint, ulong, byte*, uint, ulong, void> MkNod;
    public delegate* unmanaged<nint, ulong, byte*, uint, void> MkDir;
    public delegate* unmanaged<nint, ulong, byte*, void> Unlink;
    public delegate* unmanaged<nint, ulong, byte*, void> RmDir;
    public delegate* unmanaged<nint, byte*, ulong, byte*, void> SymLink;
    public delegate* unmanaged<nint, ulong, byte*, ulong, byte*, uint, void> Rename;
    public delegate* unmanaged<nint, ulong, ulong, byte*, void> Link;
    public delegate* unmanaged<nint, ulong, FuseFileInfo*, void> Open;
    public delegate* unmanaged<nint, ulong, nuint, long, FuseFileInfo*, void> Read;
    public delegate* unmanaged<nint, ulong, byte*, nuint, long, FuseFileInfo*, void> Write;
    public delegate* unmanaged<nint, ulong, FuseFileInfo*, void> Flush;
    public delegate* unmanaged<nint, ulong, FuseFileInfo*, void> Release;
    public delegate* unmanaged<nint, ulong, int, FuseFileInfo*, void> Fsync;
    public delegate* unmanaged<nint, ulong, FuseFileInfo*, void> OpenDir;
    public delegate* unmanaged<nint, ulong, nuint, long, FuseFileInfo*, void> ReadDir;
    public delegate* unmanaged<nint, ulong, FuseFileInfo*, void> ReleaseDir;
    public delegate* unmanaged<nint, ulong, int, FuseFileInfo*, void> FsyncDir;
    public delegate* unmanaged<nint, ulong, void> StatFs;
    public nint SetXattr;
    public nint GetXattr;
    public nint ListXattr;
    public nint RemoveXattr;
    public nint Access;
    public delegate* unmanaged<nint, ulong, byte*, uint, FuseFileInfo*, void> Create;
    public nint GetLk;
    public nint SetLk;
    public nint BMap;
    public nint Ioctl;
    public nint Poll;
    public nint WriteBuf;
    public nint RetrieveReply;
    public delegate* unmanaged<nint, nuint, FuseForgetData*, void> ForgetMulti;
    public nint Flock;
    public delegate* unmanaged<nint, ulong, int, long, long, FuseFileInfo*, void> Fallocate;
    public delegate* unmanaged<nint, ulong, nuint, long, FuseFileInfo*, void> ReaddirPlus;
    public nint CopyFileRange;
    public nint Lseek;
}
