using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using MountStore.Core.FileSystem;
using MountStore.Fuse.Native;

namespace MountStore.Fuse;

/// <summary>
/// One kernel mount served by libfuse's multi-threaded loop on its own threads. Never installs
/// libfuse's signal handlers (they would take SIGINT/SIGTERM from the .NET runtime): the owner
/// calls <see cref="RequestUnmount"/> from its own signal handling. The mount is made with
/// auto_unmount, so if this process dies fusermount3 removes it instead of leaving
/// "Transport endpoint is not connected" behind.
/// </summary>
public sealed class FuseMount : IAsyncDisposable
{
    private static readonly TimeSpan DetachGrace = TimeSpan.FromSeconds(3);

    private readonly FuseMountOptions _options;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource<int> _loopEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<nint> _nativeStrings = [];
    private unsafe FuseLowLevelOps* _operations;
    private unsafe byte** _argv;
    private nint _session;
    private string? _connectionId;
    private AutoUnmountWatch? _watch;
    private int _unmountRequested;
    private bool _disposed;
    private volatile bool _abandoned;

    private FuseMount(FuseMountOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
    }

    /// <summary>The libfuse version in use.</summary>
    public Version LibFuseVersion { get; private set; } = new();

    /// <summary>Completes with libfuse's loop result when the mount is gone (unmounted from anywhere).</summary>
    public Task<int> Completion => _loopEnded.Task;

    /// <summary>Inodes the kernel references now (for tests of bounded state).</summary>
    internal int InodeCount => _adapter?.Inodes.Count ?? 0;

    private FuseAdapter? _adapter;

    /// <summary>Mounts <paramref name="fs"/> and starts serving; throws <see cref="FuseUnavailableException"/> or <see cref="MountFailedException"/>.</summary>
    public static FuseMount Start(MountedFileSystem fs, FuseMountOptions options, ILoggerFactory loggers)
    {
        var mount = new FuseMount(options, loggers.CreateLogger<FuseMount>());
        mount.LibFuseVersion = Native.LibFuseVersion.EnsureSupported();
        // Read-ahead buffers (64 KiB-8 MiB) are native. glibc raises its mmap threshold each time
        // a large block is freed, after which such blocks come from arenas that never shrink:
        // RSS then sat ~100 MB above the read-ahead budget. A fixed threshold keeps every block a
        // mapping of its own, returned to the system when freed.
        LibC.MallocOption(LibC.MallocMmapThreshold, 128 << 10);
        try
        {
            mount.Open(fs, loggers);
        }
        catch
        {
            mount.FreeNative();
            throw;
        }
        return mount;
    }

    private unsafe void Open(MountedFileSystem fs, ILoggerFactory loggers)
    {
        _adapter = new FuseAdapter(fs, _options, loggers.CreateLogger("MountStore.Fuse"));
        _operations = FuseAdapter.CreateOperations(_adapter);
        string[] arguments = ["mountstore", "-o", _options.KernelOptions()];
        _argv = (byte**)NativeMemory.AllocZeroed((nuint)(arguments.Length + 1), (nuint)sizeof(nint));
        for (var i = 0; i < arguments.Length; i++)
            _argv[i] = (byte*)NativeString(arguments[i]);
        var args = new FuseArgs { Count = arguments.Length, Values = _argv };
        _session = LibFuse.SessionNew(&args, _operations, (nuint)sizeof(FuseLowLevelOps), null);
        if (_session == 0)
            throw new MountFailedException($"libfuse refused the mount options '{_options.KernelOptions()}' (its message is above)");
        _adapter.Session = _session;
        if (LibFuse.SessionMount(_session, (byte*)NativeString(_options.MountPoint)) != 0)
            throw new MountFailedException($"the kernel refused to mount on {_options.MountPoint} (fusermount3's message is above)");
        _connectionId = MountTable.ConnectionIdOf(_options.MountPoint);
        _watch = AutoUnmountWatch.Start(_options.MountPoint, _logger); // before the loop opens its /dev/fuse clones
        if (!MountTable.TrySetReadAhead(_options.MountPoint, 1024))
            _logger.LogDebug("Could not raise the kernel read-ahead of {MountPoint} (needs root); reads arrive in 128 KiB pieces", _options.MountPoint);
        var loop = new Thread(RunLoop) { Name = "fuse-loop", IsBackground = true };
        loop.Start();
    }

    private void RunLoop()
    {
        var config = LibFuse.LoopConfigCreate();
        try
        {
            LibFuse.LoopConfigSetMaxThreads(config, _options.MaxThreads);
            LibFuse.LoopConfigSetIdleThreads(config, Math.Min(4u, _options.MaxThreads));
            LibFuse.LoopConfigSetCloneFd(config, 1);
            _loopEnded.TrySetResult(LibFuse.SessionLoopMultiThreaded(_session, config));
        }
        catch (Exception e)
        {
            _loopEnded.TrySetException(e);
        }
        finally
        {
            LibFuse.LoopConfigDestroy(config);
        }
    }

    /// <summary>
    /// Unmounts: detaches the mount so new accesses fail at once, and if files are still open
    /// after a grace period, aborts the connection so the loop ends rather than waiting for them.
    /// </summary>
    public void RequestUnmount()
    {
        if (Interlocked.Exchange(ref _unmountRequested, 1) != 0 || _session == 0)
            return;
        LibFuse.SessionExit(_session);
        if (!Completion.IsCompleted)
            Detach(_options.MountPoint);
        _ = AbortIfStillServingAsync();
    }

    private async Task AbortIfStillServingAsync()
    {
        if (await Task.WhenAny(Completion, Task.Delay(DetachGrace)).ConfigureAwait(false) == Completion)
            return;
        // A detached mount lives on while files are open on it. The user asked to stop, so cut
        // the connection: the open files get ENOTCONN, which beats a process that never exits.
        if (_connectionId is not null && MountTable.TryAbortConnection(_connectionId))
            _logger.LogWarning("Files were still open on {MountPoint}; aborted the FUSE connection so the mount could end", _options.MountPoint);
        if (await Task.WhenAny(Completion, Task.Delay(DetachGrace)).ConfigureAwait(false) == Completion)
            return;
        // Without the control filesystem (not root), exiting closes /dev/fuse and the kernel
        // aborts the connection for us; libfuse's threads are left to die with the process.
        _logger.LogWarning("Files are still open on {MountPoint}; exiting anyway, they will get 'Transport endpoint is not connected'", _options.MountPoint);
        _abandoned = true;
        _loopEnded.TrySetResult(-1);
    }

    /// <summary>Detaches a mount: umount2(MNT_DETACH) as root, fusermount3 -u -z otherwise.</summary>
    public static unsafe void Detach(string mountPoint)
    {
        if (LibC.GetEffectiveUserId() == 0)
        {
            var path = Marshal.StringToCoTaskMemUTF8(mountPoint);
            try
            {
                if (LibC.Unmount2((byte*)path, LibC.MountDetach) == 0)
                    return;
            }
            finally
            {
                Marshal.FreeCoTaskMem(path);
            }
        }
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("fusermount3", ["-u", "-z", "-q", mountPoint]) { UseShellExecute = false });
        process?.WaitForExit();
    }

    private nint NativeString(string text)
    {
        var pointer = Marshal.StringToCoTaskMemUTF8(text);
        _nativeStrings.Add(pointer);
        return pointer;
    }

    /// <summary>Unmounts if still mounted, waits for the loop, and frees libfuse's session.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
            return;
        _disposed = true;
        RequestUnmount();
        if (_session != 0)
            await Completion.ConfigureAwait(false);
        if (!_abandoned)
            FreeNative(); // an abandoned loop may still touch the session: the process is exiting anyway
    }

    private unsafe void FreeNative()
    {
        if (_session != 0)
        {
            if (_adapter is not null)
                _adapter.Session = 0; // no notification may reach the session from here on
            LibFuse.SessionUnmount(_session);
            LibFuse.SessionDestroy(_session);
            _session = 0;
        }
        _watch?.Dispose();
        _watch = null;
        foreach (var pointer in _nativeStrings)
            Marshal.FreeCoTaskMem(pointer);
        _nativeStrings.Clear();
        NativeMemory.Free(_argv);
        _argv = null;
        NativeMemory.Free(_operations);
        _operations = null;
    }
}

/// <summary>The kernel or libfuse refused the mount; the message says which and why.</summary>
public sealed class MountFailedException(string message) : Exception(message);
