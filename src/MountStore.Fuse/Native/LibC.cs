using System.Runtime.InteropServices;

namespace MountStore.Fuse.Native;

/// <summary>The few libc calls unmounting needs.</summary>
internal static unsafe partial class LibC
{
    /// <summary>umount2 flag: detach now, finish when the last user lets go.</summary>
    public const int MountDetach = 2;

    [LibraryImport("libc", EntryPoint = "umount2", SetLastError = true)]
    public static partial int Unmount2(byte* target, int flags);

    /// <summary>mallopt parameter: allocations from this size up get their own mapping.</summary>
    public const int MallocMmapThreshold = -3;

    [LibraryImport("libc", EntryPoint = "mallopt")]
    public static partial int MallocOption(int parameter, int value);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    public static partial uint GetEffectiveUserId();

    [LibraryImport("libc", EntryPoint = "getegid")]
    public static partial uint GetEffectiveGroupId();
}
