using System.Runtime.InteropServices;

namespace MountStore.WinFsp.Native;

/// <summary>
/// FSP_FSCTL_TRANSACT_RSP (fsctl.h, 128 bytes before its variable buffer): the answer to a
/// request, sent with FspFileSystemSendResponse when Read, Write or ReadDirectory returned
/// STATUS_PENDING. Only the members those three answers use are named.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct FspTransactResponse
{
    public ushort Version;
    public ushort Size;
    public FspTransactKind Kind;
    public ulong Hint;

    /// <summary>IoStatus.Information: the bytes read, written or listed.</summary>
    public uint Information;

    /// <summary>IoStatus.Status: the NTSTATUS of the operation.</summary>
    public int Status;

    /// <summary>Rsp.Write.FileInfo: the file after a write (the union's first member for writes).</summary>
    public FspFileInfo FileInfo;

    // The rest of the Rsp union, whose largest member (Create.Opened) is 104 bytes.
    private fixed byte _rest[32];

    /// <summary>The completion of a pending Read or ReadDirectory: a status and how many bytes the buffer now holds.</summary>
    public static FspTransactResponse Completion(FspTransactKind kind, ulong hint, int status, uint information) => new()
    {
        Size = (ushort)sizeof(FspTransactResponse),
        Kind = kind,
        Hint = hint,
        Status = status,
        Information = information,
    };

    /// <summary>The completion of a pending Write: also the file's state after it, which WinFsp caches.</summary>
    public static FspTransactResponse WriteCompletion(ulong hint, int status, uint written, in FspFileInfo info)
    {
        var response = Completion(FspTransactKind.Write, hint, status, written);
        response.FileInfo = info;
        return response;
    }
}
