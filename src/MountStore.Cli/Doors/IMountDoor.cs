using Microsoft.Extensions.Logging;
using MountStore.Core.FileSystem;

namespace MountStore.Cli.Doors;

/// <summary>
/// A way into the kernel for Core's filesystem: FUSE on Linux, WinFsp on Windows. The commands
/// talk to this, never to one door's types, so a second door is one more implementation.
/// </summary>
internal interface IMountDoor
{
    /// <summary>What the user would call it ("FUSE").</summary>
    string Name { get; }

    /// <summary>The owner files show when their objects name none: the user who mounts.</summary>
    (uint Uid, uint Gid) DefaultOwner { get; }

    /// <summary>Throws <see cref="DoorException"/> saying what to install or load when this machine cannot mount.</summary>
    void EnsureAvailable();

    /// <summary>True when <paramref name="mountPoint"/> is a mount of this door's kind now.</summary>
    bool IsMounted(string mountPoint);

    /// <summary>Mounts <paramref name="fileSystem"/>; throws <see cref="DoorException"/> when the kernel refuses.</summary>
    IMountedDoor Start(MountedFileSystem fileSystem, DoorMountOptions options, ILoggerFactory loggers);

    /// <summary>Asks the mount at <paramref name="mountPoint"/> to go; null when it went, else why not.</summary>
    string? Unmount(string mountPoint, bool evenIfBusy);
}

/// <summary>A running mount.</summary>
internal interface IMountedDoor : IAsyncDisposable
{
    /// <summary>Where the mount is: the mount point asked for, or the drive letter WinFsp chose for "*".</summary>
    string MountPoint { get; }

    /// <summary>Completes when the mount has ended, with the door's own result code (0: clean).</summary>
    Task<int> Completion { get; }

    /// <summary>Starts unmounting: new accesses fail, open files get a grace period.</summary>
    void RequestUnmount();
}

/// <summary>What every door needs to know to mount.</summary>
/// <param name="MountPoint">Where (a folder; on Windows also a drive letter "X:", or "*" for the next free one).</param>
/// <param name="Source">What, as the user named it (shown by mount tables).</param>
/// <param name="ReadOnly">Refuse changes at the kernel too.</param>
/// <param name="AllowOther">Let other users in.</param>
/// <param name="AttributeTimeout">How long the kernel may keep attributes and names.</param>
/// <param name="NegativeTimeout">How long the kernel may remember "no such file".</param>
internal sealed record DoorMountOptions(string MountPoint, string Source, bool ReadOnly, bool AllowOther, TimeSpan AttributeTimeout, TimeSpan NegativeTimeout);

/// <summary>The door cannot mount here, or the kernel refused; the message says why and what to do.</summary>
internal sealed class DoorException(string message, Exception? inner = null) : Exception(message, inner);
