using System.Runtime.InteropServices;

namespace MountStore.WinFsp.Native;

/// <summary>
/// The head of FSP_FSCTL_TRANSACT_REQ (fsctl.h, 88 bytes before its variable buffer): a request
/// from the driver. The binding reads only <see cref="Hint"/> and <see cref="Kind"/>, to answer a
/// pending request later; the operation's own fields reach the callbacks as parameters, so the
/// 64-byte union that holds them stays opaque here.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct FspTransactRequest
{
    public ushort Version;
    public ushort Size;
    public FspTransactKind Kind;

    /// <summary>The driver's name for this request; a response carries it back.</summary>
    public ulong Hint;

    private fixed byte _request[64];

    /// <summary>FSP_FSCTL_TRANSACT_BUF: offset and size (two UINT16) of the file name in the buffer.</summary>
    public uint FileName;
}
