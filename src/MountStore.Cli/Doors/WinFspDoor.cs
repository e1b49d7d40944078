using System.Diagnostics;
using System.Runtime.Versioning;
using Microsoft.Extensions.Logging;
using MountStore.Core.FileSystem;
using MountStore.WinFsp;
using MountStore.WinFsp.Mounting;

namespace MountStore.Cli.Doors;

/// <summary>The Windows door: WinFsp's native API through MountStore.WinFsp.</summary>
[SupportedOSPlatform("windows")]
internal sealed class WinFspDoor : IMountDoor
{
    /// <summary>How long `unmount` waits for the mount process to let go of the volume.</summary>
    private static readonly TimeSpan UnmountTimeout = TimeSpan.FromSeconds(60);

    public string Name => "WinFsp";

    // Windows has no uids: owners only feed the mode bits, whose owner-write bit becomes READONLY.
    public (uint Uid, uint Gid) DefaultOwner => (0, 0);

    public void EnsureAvailable()
    {
        try
        {
            WinFspMount.EnsureInstalled();
        }
        catch (WinFspNotInstalledException e)
        {
            throw new DoorException(e.Message, e);
        }
    }

    public bool IsMounted(string mountPoint) =>
        WindowsMountSignals.IsListening(mountPoint, WindowsMountSignals.Request.Unmount);

    public IMountedDoor Start(MountedFileSystem fileSystem, DoorMountOptions options, ILoggerFactory loggers)
    {
        WinFspMount mount;
        try
        {
            mount = WinFspMount.Start(fileSystem, new WinFspMountOptions
            {
                MountPoint = options.MountPoint == MountPointName.NextFreeDriveLetter ? null : options.MountPoint,
                ReadOnly = options.ReadOnly,
                FileInfoTimeout = options.AttributeTimeout,
            }, loggers);
        }
        catch (Exception e) when (e is WinFspMountException or WinFspNotInstalledException)
        {
            throw new DoorException(e.Message, e);
        }
        var logger = loggers.CreateLogger("mountstore");
        var mountPoint = MountPointName.Normalize(mount.MountPoint);
        IDisposable listening;
        try
        {
            listening = WindowsMountSignals.Listen(mountPoint, WindowsMountSignals.Request.Unmount, () =>
            {
                logger.LogInformation("Unmounting {MountPoint} (asked by `mountstore unmount`)", mountPoint);
                mount.RequestUnmount();
            });
        }
        catch
        {
            mount.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
        return new Mounted(mount, mountPoint, listening);
    }

    /// <summary>
    /// Asks the mount process to unmount and waits until it has. WinFsp never refuses because files
    /// are open (they fail on their next access), so <paramref name="evenIfBusy"/> changes nothing.
    /// </summary>
    public string? Unmount(string mountPoint, bool evenIfBusy)
    {
        if (!WindowsMountSignals.Send(mountPoint, WindowsMountSignals.Request.Unmount))
            return "no MountStore process of this session serves it";
        var waited = Stopwatch.StartNew();
        while (IsMounted(mountPoint))
        {
            if (waited.Elapsed > UnmountTimeout)
                return $"its mount process did not let go within {UnmountTimeout.TotalSeconds:0} s; see its log";
            Thread.Sleep(100);
        }
        return null;
    }

    // The unmount signal is closed as soon as the volume is gone, so `unmount` returns then
    // (write-back uploads may go on; `unmount` follows them through the status socket).
    private sealed class Mounted : IMountedDoor
    {
        private readonly WinFspMount _mount;

        public Mounted(WinFspMount mount, string mountPoint, IDisposable listening)
        {
            _mount = mount;
            MountPoint = mountPoint;
            Completion = mount.Completion.ContinueWith(ended =>
            {
                listening.Dispose();
                return ended.Result;
            }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        public string MountPoint { get; }

        public Task<int> Completion { get; }

        public void RequestUnmount() => _mount.RequestUnmount();

        public async ValueTask DisposeAsync()
        {
            await _mount.DisposeAsync().ConfigureAwait(false);
            await Completion.ConfigureAwait(false);
        }
    }
}
