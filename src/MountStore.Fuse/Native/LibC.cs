using System.Runtime.InteropServices;

namespace MountStore.Fuse.Native;

/// <summary>The few libc calls unmounting needs.</summary>
internal static unsafe partial class LibC
{
    /// <summary>umount2 flag: detach now, finish when the last user lets go.</summary>
    public const int MountDetach = 2;

    [LibraryImport("libc", EntryPoint = "umount2", SetLastError = true)]
    public static partial int Unmount2(byte* target, int flags);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    public static partial uint GetEffectiveUserId();

    [LibraryImport("libc", EntryPoint = "getegid")]
    public static partial uint GetEffectiveGroupId();
}
