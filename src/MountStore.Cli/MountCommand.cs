using System.CommandLine;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using MountStore.Core.FileSystem;
using MountStore.Core.Writing;
using MountStore.Core.Prefetch;
using MountStore.Core.Storage;
using MountStore.Fuse;
using MountStore.Fuse.Native;

namespace MountStore.Cli;

/// <summary>`mountstore mount`: checks everything that can be checked before mounting, then serves until unmounted.</summary>
internal static class MountCommand
{
    public static Command Create()
    {
        var options = new MountCommandOptions();
        return options.Build((result, cancellationToken) => RunAsync(options, result, cancellationToken));
    }

    private static async Task<int> RunAsync(MountCommandOptions o, ParseResult result, CancellationToken cancellationToken)
    {
        using var loggers = Logging.Create(result.GetValue(o.LogLevel)!);
        var logger = loggers.CreateLogger("mountstore");
        RemoteAddress? remote = null;
        var directory = result.GetValue(o.Directory)!;
        try
        {
            remote = RemoteAddress.Parse(result.GetValue(o.Remote)!);
            var mountPoint = MountPointChecks.Validate(directory, result.GetValue(o.AllowNonEmpty));
            LibFuseVersion.EnsureSupported();
            MountPointChecks.EnsureFuseDevice();
            var fsOptions = new FileSystemOptions
            {
                RootPrefix = remote.Prefix,
                ReadOnly = result.GetValue(o.ReadOnly),
                MetadataTtl = TimeSpan.FromSeconds(result.GetValue(o.CacheTtl)),
                NegativeTtl = TimeSpan.FromSeconds(Math.Min(5, result.GetValue(o.CacheTtl))),
                MaxCachedEntries = result.GetValue(o.MaxCachedEntries),
                Uid = result.GetValue(o.Uid) ?? CurrentUser.Uid,
                Gid = result.GetValue(o.Gid) ?? CurrentUser.Gid,
                FileMode = Octal(result.GetValue(o.FileMode)!, "--file-mode"),
                DirectoryMode = Octal(result.GetValue(o.DirectoryMode)!, "--dir-mode"),
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
                    StagingDirectory = result.GetValue(o.CacheDir),
                    StagingLimitBytes = (long)result.GetValue(o.CacheMaxSizeMiB) << 20,
                },
            };
            fsOptions.Validate();

            var store = StoreFactory.Create(remote, EnvironmentSnapshot.Take(), result.GetValue(o.S3Endpoint), loggers);
            try
            {
                await store.VerifyAccessAsync(cancellationToken).ConfigureAwait(false);
                await using var fs = new MountedFileSystem(store, fsOptions, loggers);
                var mountOptions = new FuseMountOptions
                {
                    MountPoint = mountPoint,
                    Source = remote.ToString(),
                    ReadOnly = fsOptions.ReadOnly,
                    AllowOther = result.GetValue(o.AllowOther),
                    AttributeTimeout = fsOptions.MetadataTtl,
                    NegativeTimeout = fsOptions.NegativeTtl,
                };
                await using var mount = FuseMount.Start(fs, mountOptions, loggers);
                void Unmount(PosixSignalContext context)
                {
                    context.Cancel = true; // we end the process ourselves, once the mount is gone
                    logger.LogInformation("Unmounting {MountPoint} ({Signal})", mountPoint, context.Signal);
                    mount.RequestUnmount();
                }
                using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Unmount);
                using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Unmount);
                logger.LogInformation("Mounted {Remote} on {MountPoint}{ReadOnly}. Stop with Ctrl-C or `mountstore unmount {MountPoint}`.",
                    remote, mountPoint, fsOptions.ReadOnly ? " read-only" : "", mountPoint);
                var loopResult = await mount.Completion.ConfigureAwait(false);
                if (loopResult != 0)
                    logger.LogDebug("libfuse's loop ended with {Result}", loopResult);
                logger.LogInformation("Unmounted {MountPoint}", mountPoint);
            }
            finally
            {
                (store as IDisposable)?.Dispose();
            }
            return 0;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"mountstore: cannot mount {remote?.ToString() ?? result.GetValue(o.Remote)} on {directory}: {MountErrors.Describe(e)}");
            logger.LogDebug(e, "Mount failed");
            return 1;
        }
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
