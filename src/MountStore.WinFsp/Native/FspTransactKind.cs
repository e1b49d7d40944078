namespace MountStore.WinFsp.Native;

/// <summary>
/// The request kinds (fsctl.h's FspFsctlTransact*Kind) the binding answers asynchronously: a
/// pending Read, Write or ReadDirectory is completed with a response of the same kind.
/// </summary>
internal enum FspTransactKind : uint
{
    Read = 5,
    Write = 6,
    QueryDirectory = 14,
}
