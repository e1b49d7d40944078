using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text;

namespace MountStore.Cli.Doors;

/// <summary>
/// How `mountstore unmount X:` reaches the mount process on Windows, where no kernel unmount call
/// exists for another process's WinFsp volume (the process that created it must delete it):
/// named events in the user's session, one per mount point and request. The mount process
/// creates and waits on them; `unmount` sets them. An event exists exactly while its mount runs,
/// so it also answers "is this a MountStore mount". Named events are Windows' own and need no
/// socket, port or file.
/// </summary>
[SupportedOSPlatform("windows")]
internal static class WindowsMountSignals
{
    /// <summary>What a signal asks of the mount process.</summary>
    public enum Request
    {
        /// <summary>Unmount, as Ctrl-C does.</summary>
        Unmount,

        /// <summary>Stop waiting for write-back uploads (they are recorded for the next mount), as SIGUSR1 does on Linux.</summary>
        LeaveUploads,
    }

    /// <summary>
    /// The event's name: in the session's own namespace (Local\), so only this user's session sees
    /// it, and named by a hash of the mount point (case-insensitive, as Windows paths are).
    /// </summary>
    public static string NameOf(string mountPoint, Request request)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(mountPoint.ToUpperInvariant())))[..20];
        return $@"Local\MountStore-{request}-{hash}";
    }

    /// <summary>Calls <paramref name="onRequest"/> (on a pool thread) each time <paramref name="request"/> is signalled for <paramref name="mountPoint"/>, until disposed.</summary>
    public static IDisposable Listen(string mountPoint, Request request, Action onRequest)
    {
        var signal = new EventWaitHandle(false, EventResetMode.AutoReset, NameOf(mountPoint, request), out var createdNew);
        if (!createdNew)
        {
            signal.Dispose();
            throw new MountPointException($"{mountPoint} is already mounted by another MountStore process; unmount it first (mountstore unmount {mountPoint})");
        }
        var registration = ThreadPool.RegisterWaitForSingleObject(signal, (_, _) => onRequest(), null, Timeout.Infinite, executeOnlyOnce: false);
        return new Listening(signal, registration);
    }

    /// <summary>Whether a mount process listens for <paramref name="request"/> on <paramref name="mountPoint"/>.</summary>
    public static bool IsListening(string mountPoint, Request request)
    {
        if (!EventWaitHandle.TryOpenExisting(NameOf(mountPoint, request), out var signal))
            return false;
        signal.Dispose();
        return true;
    }

    /// <summary>Signals <paramref name="request"/> to the mount process of <paramref name="mountPoint"/>; false when none listens.</summary>
    public static bool Send(string mountPoint, Request request)
    {
        if (!EventWaitHandle.TryOpenExisting(NameOf(mountPoint, request), out var signal))
            return false;
        using (signal)
            signal.Set();
        return true;
    }

    private sealed class Listening(EventWaitHandle signal, RegisteredWaitHandle registration) : IDisposable
    {
        public void Dispose()
        {
            registration.Unregister(null);
            signal.Dispose();
        }
    }
}
