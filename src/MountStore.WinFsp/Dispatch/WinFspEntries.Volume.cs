using System.Runtime.InteropServices;
using MountStore.WinFsp.Native;

namespace MountStore.WinFsp.Dispatch;

internal static unsafe partial class WinFspEntries
{
    /// <summary>
    /// DispatcherStopped: the last call WinFsp makes. Since WinFsp 2.0 the driver may end a volume
    /// by itself (when it is uninstalled), and the mount must then end too instead of serving
    /// nothing forever.
    /// </summary>
    [UnmanagedCallersOnly]
    private static void DispatcherStopped(FspFileSystem* fileSystem, byte normally)
    {
        try
        {
            DispatchedVolume.Of(fileSystem).DispatcherStopped?.Invoke(normally != 0);
        }
        catch (Exception e)
        {
            Unexpected(fileSystem, e, "DispatcherStopped");
        }
    }
}
