using System.Runtime.InteropServices;

namespace MountStore.WinFsp.Native;

/// <summary>
/// The head of FSP_FILE_SYSTEM (winfsp.h, 792 bytes in all): the object FspFileSystemCreate
/// allocates and every callback receives. Only the head is declared, because the binding only
/// reads and writes <see cref="UserContext"/> (how a callback finds the mount it serves); never
/// allocate or copy one.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct FspFileSystem
{
    public ushort Version;
    public void* UserContext;
}
