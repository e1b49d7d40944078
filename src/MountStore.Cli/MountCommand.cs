using System.CommandLine;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using MountStore.Cli.Logs;
using MountStore.Cli.Service;
using MountStore.Cli.Status;
using MountStore.Core.Activity;
using MountStore.Core.FileSystem;
using MountStore.Core.Memory;
using MountStore.Core.Writing;
using MountStore.Core.Prefetch;
using MountStore.Core.Storage;

namespace MountStore.Cli;

/// <summary>`mountstore mount`: checks everything that can be checked before mounting, then serves until unmounted.</summary>
internal static class MountCommand
{
    public static Command Create(MountCommandOptions options) =>
        options.Build((result, cancellationToken) => RunAsync(options, result, cancellationToken));

    private static async Task<int> RunAsync(MountCommandOptions o, ParseResult result, CancellationToken cancellationToken)
    {
        var directory = result.GetValue(o.Directory)!;
        var daemon = result.GetValue(o.Daemon);
        var fullDirectory = MountPointName.Normalize(directory);
        if (daemon && OperatingSystem.IsWindows())
        {
            Console.Error.WriteLine("mountstore: --daemon is for Linux; on Windows run the mount in a window of its own, or at logon from Task Scheduler (see the README)");
            return 1;
        }
        LogTarget logTarget;
        try
        {
            logTarget = LogTarget.Choose(result.GetValue(o.LogTo), daemon, RuntimePaths.DefaultLogFile(fullDirectory));
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"mountstore: {e.Message}");
            return 1;
        }
        if (daemon && !Daemon.IsChild)
        {
            // The child parses the same arguments in the same folder and environment, and sees --daemon too.
            return await Daemon.LaunchAsync(Environment.GetCommandLineArgs().Skip(1), result.GetValue(o.Remote)!, fullDirectory).ConfigureAwait(false);
        }
        if (Daemon.IsChild)
            Daemon.DetachFromTerminal();

        var problems = new RecentProblems();
        ILoggerFactory loggers;
        try
        {
            loggers = Logging.Create(result.GetValue(o.LogLevel)!, logTarget, problems);
        }
        catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException or System.Net.Sockets.SocketException)
        {
            Console.Error.WriteLine($"mountstore: cannot log to {logTarget}: {e.Message}");
            return 1;
        }
        using var _ = loggers;
        var logger = loggers.CreateLogger("mountstore");
        RemoteAddress? remote = null;
        try
        {
            remote = RemoteAddress.Parse(result.GetValue(o.Remote)!);
            // Before the store's first request: .NET reads it once, when a socket first goes async.
            if (!OperatingSystem.IsWindows())
                InlineSocketCompletions.Choose(remote.Kind);
            var door = Doors.Doors.ForThisPlatform();
            var mountPoint = MountPointChecks.Validate(directory, result.GetValue(o.AllowNonEmpty), door);
            var processEnvironment = EnvironmentSnapshot.Take();
            // The process's own environment: only it reaches the runtime (an --env-file does not).
            using var garbageCap = GarbageCap.Start(GarbageCap.DefaultCapBytes, GarbageCap.DefaultCheckInterval, processEnvironment);
            var environment = new Dictionary<string, string?>(processEnvironment, StringComparer.Ordinal);
            if (result.GetValue(o.EnvFile) is { } envFile)
            {
                foreach (var (name, value) in Service.EnvFile.Load(envFile))
                    environment[name] = value;
            }
            var fsOptions = FileSystemOptionsFrom(o, result, remote, door.DefaultOwner, environment);

            var requests = new StoreRequestCounts();
            using var store = new CountingObjectStore(StoreFactory.Create(remote, environment, result.GetValue(o.S3Endpoint), loggers), requests);
            await store.VerifyAccessAsync(cancellationToken).ConfigureAwait(false);
            // After the store: on a machine without FUSE or WinFsp (a fresh Windows, a CI runner)
            // the credentials and the remote are still proven, and both failures are reported
            // before anything is mounted.
            door.EnsureAvailable();
            await using var fs = new MountedFileSystem(store, fsOptions, loggers);
            await MountWarmUp.RunAsync(fs, logger, MountWarmUp.Limit, cancellationToken).ConfigureAwait(false);
            var mountOptions = new Doors.DoorMountOptions(mountPoint, remote.ToString(), fsOptions.ReadOnly, result.GetValue(o.AllowOther), fsOptions.MetadataTtl, fsOptions.NegativeTtl);
            await using var mount = door.Start(fs, mountOptions, loggers);
            mountPoint = mount.MountPoint; // the drive letter WinFsp chose for "*"
            using var leaveUploads = new CancellationTokenSource();
            var stopping = 0;
            void Unmount(PosixSignalContext context)
            {
                context.Cancel = true; // we end the process ourselves, once the mount is gone
                if (Interlocked.Exchange(ref stopping, 1) == 1)
                {
                    // asked again while waiting for uploads: stop waiting, they are recorded
                    leaveUploads.Cancel();
                    return;
                }
                logger.LogInformation("Unmounting {MountPoint} ({Signal})", mountPoint, context.Signal);
                SystemdNotify.Send("STOPPING=1");
                mount.RequestUnmount();
            }
            using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Unmount);
            using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Unmount);
            // Windows: closing the console window (CTRL_CLOSE_EVENT) leaves a few seconds to unmount.
            using var onClose = OperatingSystem.IsWindows() ? PosixSignalRegistration.Create(PosixSignal.SIGHUP, Unmount) : null;
            // `mountstore unmount --lazy`: leave pending uploads for the next mount
            using var onLeave = OperatingSystem.IsWindows()
                ? Doors.WindowsMountSignals.Listen(mountPoint, Doors.WindowsMountSignals.Request.LeaveUploads, leaveUploads.Cancel)
                : PosixSignalRegistration.Create(UploadsLeftSignal, context =>
                {
                    context.Cancel = true;
                    leaveUploads.Cancel();
                });
            var status = new MountStatusSource(remote.ToString(), mountPoint, logTarget.ToString(), fs, requests, problems);
            await using var statusServer = StatusServer.TryStart(mountPoint, status.Report, logger);
            logger.LogInformation("Mounted {Remote} on {MountPoint}{ReadOnly}. Stop with Ctrl-C or `mountstore unmount {MountPoint}`; see it work with `mountstore status {MountPoint}`.",
                remote, mountPoint, fsOptions.ReadOnly ? " read-only" : "", mountPoint, mountPoint);
            SystemdNotify.Send($"READY=1\nSTATUS=Mounted {remote} on {mountPoint}");
            if (Daemon.IsChild)
                Daemon.ReportReady($", logs: {logTarget}");
            var loopResult = await mount.Completion.ConfigureAwait(false);
            if (fsOptions.WriteBack is not null)
                await WaitForUploadsAsync(fs, fsOptions.DataCache!.Directory, remote, logger, leaveUploads.Token).ConfigureAwait(false);
            if (loopResult != 0)
                logger.LogDebug("The {Door} mount ended with {Result}", door.Name, loopResult);
            logger.LogInformation("Unmounted {MountPoint}", mountPoint);
            return 0;
        }
        catch (Exception e)
        {
            var message = $"cannot mount {remote?.ToString() ?? result.GetValue(o.Remote)} on {directory}: {MountErrors.Describe(e)}";
            Console.Error.WriteLine($"mountstore: {message}");
            if (logTarget.Where != LogTarget.Kind.StandardError)
                logger.LogError("{Message}", message);
            logger.LogDebug(e, "Mount failed");
            return 1;
        }
    }

    /// <summary>SIGUSR1: sent by `mountstore unmount --lazy` to leave pending uploads for the next mount.</summary>
    public const PosixSignal UploadsLeftSignal = (PosixSignal)10;

    /// <summary>
    /// After the kernel let the mount go, closed files still uploading under write-back: wait for
    /// them (the status socket keeps answering, so `mountstore unmount` shows the progress),
    /// unless told to leave them, which is safe: they are recorded for the next mount.
    /// </summary>
    private static async Task WaitForUploadsAsync(MountedFileSystem fs, string cacheDirectory, RemoteAddress remote, ILogger logger, CancellationToken leaveNow)
    {
        var pending = fs.PendingUploads!;
        if (pending.Pending > pending.Failed.Count)
        {
            logger.LogInformation("Waiting for {Count} uploads of closed files ({Bytes}) before exiting; stop again (or `mountstore unmount --lazy`) to leave them for the next mount",
                pending.Pending - pending.Failed.Count, Status.StatusView.Size(pending.PendingBytes));
        }
        var left = await fs.DrainUploadsAsync(TimeSpan.FromSeconds(5), status =>
            logger.LogInformation("Still uploading {Count} closed files ({Bytes})", status.Pending - status.Failed.Count, Status.StatusView.Size(status.PendingBytes)), leaveNow).ConfigureAwait(false);
        if (left.Pending == 0)
            return;
        logger.LogWarning("{Count} closed files ({Bytes}) are not in the store yet{Failed}. They stay in {Folder}; the next mount of {Remote} with this cache folder uploads them first.",
            left.Pending, Status.StatusView.Size(left.PendingBytes), left.Failed.Count > 0 ? $" ({left.Failed.Count} refused: see the errors above)" : "",
            Path.Combine(cacheDirectory, "pending"), remote);
    }

    private static FileSystemOptions FileSystemOptionsFrom(MountCommandOptions o, ParseResult result, RemoteAddress remote, (uint Uid, uint Gid) owner, IReadOnlyDictionary<string, string?> environment)
    {
        var cacheBytes = (long)result.GetValue(o.CacheMaxSizeMiB) << 20;
        var cacheDirectory = result.GetValue(o.CacheDir);
        Core.DiskCache.DataCacheOptions? dataCache = null;
        var writeBack = result.GetValue(o.WriteBack);
        if (result.GetValue(o.DataCache) || writeBack)
        {
            cacheDirectory ??= CacheFolders.DefaultFor(remote, environment, result.GetValue(o.S3Endpoint));
            dataCache = new Core.DiskCache.DataCacheOptions { Directory = Path.GetFullPath(cacheDirectory), MaxBytes = cacheBytes };
        }
        var fsOptions = new FileSystemOptions
        {
            RootPrefix = remote.Prefix,
            ReadOnly = result.GetValue(o.ReadOnly),
            MetadataTtl = TimeSpan.FromSeconds(result.GetValue(o.CacheTtl)),
            NegativeTtl = TimeSpan.FromSeconds(Math.Min(5, result.GetValue(o.CacheTtl))),
            MaxCachedEntries = result.GetValue(o.MaxCachedEntries),
            ListingMetadataParallel = result.GetValue(o.ListingMetadata),
            Uid = result.GetValue(o.Uid) ?? owner.Uid,
            Gid = result.GetValue(o.Gid) ?? owner.Gid,
            FileMode = Octal(result.GetValue(o.FileMode)!, "--file-mode"),
            DirectoryMode = Octal(result.GetValue(o.DirectoryMode)!, "--dir-mode"),
            MemoryLimitBytes = (long)result.GetValue(o.MemoryLimitMiB) << 20,
            ReadAhead = new ReadAheadOptions
            {
                MaxWindowBytes = (long)result.GetValue(o.ReadAheadMiB) << 20,
                TotalBudgetBytes = (long)result.GetValue(o.ReadAheadTotalMiB) << 20,
            },
            Writing = new WriteOptions
            {
                PartBytes = result.GetValue(o.PartSizeMiB) << 20,
                MaxPartsInFlight = result.GetValue(o.PartsInFlight),
                MemoryBudgetBytes = (long)result.GetValue(o.WriteBufferMiB) << 20,
                // beside the cached data when there is a cache folder: one disk, one bound
                StagingDirectory = dataCache is null ? cacheDirectory : Path.Combine(dataCache.Directory, "staging"),
                StagingLimitBytes = cacheBytes,
            },
            DataCache = dataCache,
            WriteBack = writeBack ? new Core.WriteBack.WriteBackOptions { Uploads = result.GetValue(o.Uploads) } : null,
        };
        fsOptions.Validate();
        return fsOptions;
    }

    private static uint Octal(string text, string option)
    {
        try
        {
            var value = Convert.ToUInt32(text, 8);
            return value <= 0xFFF ? value : throw new FormatException();
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            throw new ArgumentException($"{option} {text} is not an octal permission such as 0644");
        }
    }
}
