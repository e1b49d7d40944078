using Microsoft.Extensions.Logging;
using MountStore.Core.FileSystem;
using MountStore.WinFsp.Adapter;
using MountStore.WinFsp.Dispatch;
using MountStore.WinFsp.Native;

namespace MountStore.WinFsp.Mounting;

/// <summary>
/// A MountedFileSystem served as a WinFsp volume: created on WinFsp's disk device, given its
/// mount point, served by WinFsp's dispatcher threads through the adapter until unmounted. The
/// steps and their order are WinFsp's documented ones (FspFileSystemCreate, SetMountPoint,
/// StartDispatcher; StopDispatcher, Delete).
/// </summary>
public sealed unsafe class WinFspMount : IAsyncDisposable
{
    private readonly WinFspApi _api;
    private readonly DispatchedVolume _volume;
    private readonly FspFileSystem* _fileSystem;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource<int> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _stopping;
    private volatile bool _endedByWinFsp;

    private WinFspMount(WinFspApi api, DispatchedVolume volume, FspFileSystem* fileSystem, string mountPoint, ILogger logger)
    {
        _api = api;
        _volume = volume;
        _fileSystem = fileSystem;
        MountPoint = mountPoint;
        _logger = logger;
        volume.DispatcherStopped = OnDispatcherStopped;
    }

    /// <summary>Where the volume is: the drive letter ("Z:", also when WinFsp chose it) or the folder.</summary>
    public string MountPoint { get; }

    /// <summary>Completes once the volume is gone: 0 after <see cref="RequestUnmount"/>, 1 when WinFsp ended it or stopping failed.</summary>
    public Task<int> Completion => _ended.Task;

    /// <summary>Loads the installed WinFsp's DLL; throws <see cref="WinFspNotInstalledException"/> (one line) when it cannot.</summary>
    public static void EnsureInstalled() => _ = WinFspApi.Load();

    /// <summary>
    /// Loads the installed WinFsp and mounts <paramref name="fileSystem"/>. Throws
    /// <see cref="WinFspNotInstalledException"/> when WinFsp is missing, and
    /// <see cref="WinFspMountException"/> when it refuses a step; nothing is left behind then.
    /// </summary>
    public static WinFspMount Start(MountedFileSystem fileSystem, WinFspMountOptions options, ILoggerFactory loggers) =>
        Start(WinFspApi.Load(), fileSystem, options, loggers, DateTimeOffset.Now);

    /// <summary>Mounts through <paramref name="api"/> (WinFsp's DLL, or a test's stand-in functions).</summary>
    internal static WinFspMount Start(WinFspApi api, MountedFileSystem fileSystem, WinFspMountOptions options, ILoggerFactory loggers, DateTimeOffset now)
    {
        var logger = loggers.CreateLogger("MountStore.WinFsp");
        var volume = new DispatchedVolume(new WinFspAdapter(fileSystem, logger, options.VolumeLabel), api, logger);
        var parameters = VolumeParameters.For(options, now);
        FspFileSystem* created = null;
        try
        {
            int status;
            fixed (char* device = WinFspApi.DiskDeviceName)
                status = api.FileSystemCreate(device, &parameters, volume.Table, &created);
            if (status != NtStatus.Success)
            {
                created = null; // not ours to delete
                throw Refused("create the volume", status);
            }
            volume.Attach(created);
            // A null mount point (a null string pins to a null pointer) asks for the next free letter.
            fixed (char* mountPoint = options.MountPoint)
                status = api.FileSystemSetMountPoint(created, mountPoint);
            if (status != NtStatus.Success)
                throw Refused($"mount it on {options.MountPoint ?? "the next free drive letter"}", status);
            status = api.FileSystemStartDispatcher(created, 0); // 0: WinFsp's default thread count
            if (status != NtStatus.Success)
                throw Refused("start serving it", status);
            var mountedAt = FspFileSystem.MountPointOf(created) ?? options.MountPoint ?? "?";
            return new WinFspMount(api, volume, created, mountedAt, logger);
        }
        catch
        {
            if (created is not null)
                api.FileSystemDelete(created); // also removes the mount point, when it was set
            volume.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Starts unmounting: the dispatcher stops (requests in flight are answered first), the mount
    /// point goes, then <see cref="Completion"/> completes. Windows has no "busy" refusal: open
    /// files fail on their next access. Safe to call from a signal handler and more than once.
    /// </summary>
    public void RequestUnmount()
    {
        if (Interlocked.Exchange(ref _stopping, 1) == 1)
            return;
        // StopDispatcher waits for the dispatcher's threads, which may be waiting for Core: never on the caller's thread.
        _ = Task.Run(Stop);
    }

    private void Stop()
    {
        try
        {
            _api.FileSystemStopDispatcher(_fileSystem);
            _api.FileSystemDelete(_fileSystem);
            _volume.Dispose();
            _ended.TrySetResult(_endedByWinFsp ? 1 : 0);
        }
        catch (Exception e)
        {
            _logger.LogError(e, "Stopping the WinFsp volume at {MountPoint} failed", MountPoint);
            _ended.TrySetResult(1);
        }
    }

    // On the dispatcher's own thread: only start the stop, which waits for that thread.
    private void OnDispatcherStopped(bool normally)
    {
        if (normally)
            return;
        _endedByWinFsp = true;
        _logger.LogWarning("WinFsp ended the volume at {MountPoint} (its driver stopped or is being removed); unmounting", MountPoint);
        RequestUnmount();
    }

    private static WinFspMountException Refused(string step, int status) =>
        new($"WinFsp could not {step}: {Describe(status)}");

    private static string Describe(int status) => status switch
    {
        NtStatus.ObjectNameCollision => "the drive letter is in use or the folder already exists (STATUS_OBJECT_NAME_COLLISION)",
        NtStatus.ObjectPathNotFound => "the folder's parent does not exist (STATUS_OBJECT_PATH_NOT_FOUND)",
        NtStatus.AccessDenied => "access denied (STATUS_ACCESS_DENIED); a folder mount point needs a parent you may write to",
        NtStatus.InvalidParameter => "the mount point is not a drive letter such as X: or a folder path (STATUS_INVALID_PARAMETER)",
        NtStatus.NoSuchDevice => "WinFsp's driver is not running (STATUS_NO_SUCH_DEVICE); reinstall WinFsp or restart Windows",
        _ => $"NTSTATUS 0x{status:X8}",
    };

    /// <summary>Unmounts (if not yet) and waits until the volume is gone.</summary>
    public ValueTask DisposeAsync()
    {
        RequestUnmount();
        return new ValueTask(Completion);
    }
}
