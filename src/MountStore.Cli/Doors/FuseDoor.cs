using System.Diagnostics;
using Microsoft.Extensions.Logging;
using MountStore.Core.FileSystem;
using MountStore.Fuse;
using MountStore.Fuse.Native;

namespace MountStore.Cli.Doors;

/// <summary>The Linux door: libfuse3's low-level API through MountStore.Fuse.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class FuseDoor : IMountDoor
{
    public string Name => "FUSE";

    public (uint Uid, uint Gid) DefaultOwner => (CurrentUser.Uid, CurrentUser.Gid);

    public void EnsureAvailable()
    {
        try
        {
            LibFuseVersion.EnsureSupported();
        }
        catch (FuseUnavailableException e)
        {
            throw new DoorException(e.Message, e);
        }
        if (!File.Exists("/dev/fuse"))
            throw new DoorException("/dev/fuse does not exist; load the module (modprobe fuse), or start the container with --device /dev/fuse --cap-add SYS_ADMIN");
    }

    public bool IsMounted(string mountPoint) => MountTable.IsFuseMounted(mountPoint);

    public IMountedDoor Start(MountedFileSystem fileSystem, DoorMountOptions options, ILoggerFactory loggers)
    {
        try
        {
            return new Mounted(options.MountPoint, FuseMount.Start(fileSystem, new FuseMountOptions
            {
                MountPoint = options.MountPoint,
                Source = options.Source,
                ReadOnly = options.ReadOnly,
                AllowOther = options.AllowOther,
                AttributeTimeout = options.AttributeTimeout,
                NegativeTimeout = options.NegativeTimeout,
            }, loggers));
        }
        catch (Exception e) when (e is MountFailedException or FuseUnavailableException)
        {
            throw new DoorException(e.Message, e);
        }
    }

    public string? Unmount(string mountPoint, bool evenIfBusy)
    {
        if (evenIfBusy)
        {
            FuseMount.Detach(mountPoint);
            return MountTable.IsFuseMounted(mountPoint) ? "the kernel kept the mount" : null;
        }
        var start = new ProcessStartInfo("fusermount3", ["-u", mountPoint]) { UseShellExecute = false, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode == 0)
            return null;
        return error.Contains("busy", StringComparison.OrdinalIgnoreCase)
            ? "files are open on it (see: fuser -vm " + mountPoint + "); close them, or pass --lazy to unmount anyway"
            : error.Trim();
    }

    private sealed class Mounted(string mountPoint, FuseMount mount) : IMountedDoor
    {
        public string MountPoint => mountPoint;

        public Task<int> Completion => mount.Completion;

        public void RequestUnmount() => mount.RequestUnmount();

        public ValueTask DisposeAsync() => mount.DisposeAsync();
    }
}
