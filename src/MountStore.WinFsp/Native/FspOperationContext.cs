using System.Runtime.InteropServices;

namespace MountStore.WinFsp.Native;

/// <summary>
/// FSP_FILE_SYSTEM_OPERATION_CONTEXT (winfsp.h): the request being served and its response,
/// which FspFileSystemGetOperationContext returns from thread-local storage during a callback.
/// A callback that returns STATUS_PENDING copies the request's hint from here before it returns.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct FspOperationContext
{
    public FspTransactRequest* Request;
    public FspTransactResponse* Response;
}
