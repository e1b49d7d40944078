using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using MountStore.Cli.Service;

namespace MountStore.Cli.Status;

/// <summary>
/// Answers `mountstore status` from any shell: each connection to the mount's unix socket gets
/// one JSON report, then the socket is closed. The socket lives in a folder only the mounting
/// user can enter, and is itself mode 0600.
/// </summary>
internal sealed class StatusServer : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly Func<MountStatusReport> _report;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private StatusServer(Socket listener, string path, Func<MountStatusReport> report, ILogger logger)
    {
        _listener = listener;
        Path = path;
        _report = report;
        _logger = logger;
        _loop = Task.Run(AcceptAsync);
    }

    /// <summary>The socket's path.</summary>
    public string Path { get; }

    /// <summary>Starts serving for the mount at <paramref name="mountPoint"/>; null (with a warning) when the socket cannot be made: the mount works without it.</summary>
    public static StatusServer? TryStart(string mountPoint, Func<MountStatusReport> report, ILogger logger)
    {
        var path = RuntimePaths.StatusSocket(mountPoint);
        try
        {
            var directory = System.IO.Path.GetDirectoryName(path)!;
            RuntimePaths.EnsurePrivateDirectory(directory);
            File.Delete(path); // left by a mount that crashed: the mount point is ours now
            RemoveDeadSockets(directory, logger);
            // Bound and listening under a name the sweep above ignores, then moved into place: no
            // other mount starting at the same moment can take it for a dead one.
            var pending = $"{path}.{Environment.ProcessId}.new";
            File.Delete(pending);
            var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            listener.Bind(new UnixDomainSocketEndPoint(pending));
            if (!OperatingSystem.IsWindows()) // on Windows the folder's access list is the guard
                File.SetUnixFileMode(pending, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            listener.Listen(8);
            File.Move(pending, path, overwrite: true);
            return new StatusServer(listener, path, report, logger);
        }
        catch (Exception e) when (e is IOException or SocketException or UnauthorizedAccessException)
        {
            logger.LogWarning("`mountstore status` will not work for this mount: cannot create {Socket}: {Message}", path, e.Message);
            return null;
        }
    }

    /// <summary>
    /// Deletes the sockets of mounts that were killed (nothing listens on them any more), so the
    /// folder does not collect one per crash. A socket that answers, or cannot be checked, stays.
    /// </summary>
    private static void RemoveDeadSockets(string directory, ILogger logger)
    {
        foreach (var socketPath in Directory.EnumerateFiles(directory, "*.sock"))
        {
            using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                probe.Connect(new UnixDomainSocketEndPoint(socketPath));
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
            {
                logger.LogDebug("Removing {Socket}: its mount is gone", socketPath);
                File.Delete(socketPath);
            }
            catch (SocketException)
            {
            }
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            // One small write per client; a client that does not read cannot hold the loop for long.
            _ = Task.Run(async () =>
            {
                using (client)
                {
                    try
                    {
                        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                        timeout.CancelAfter(TimeSpan.FromSeconds(5));
                        var json = JsonSerializer.SerializeToUtf8Bytes(_report(), StatusJson.Default.MountStatusReport);
                        await client.SendAsync(json, SocketFlags.None, timeout.Token).ConfigureAwait(false);
                        client.Shutdown(SocketShutdown.Both);
                    }
                    catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
                    {
                        _logger.LogDebug("A status client went away: {Message}", e.Message);
                    }
                    catch (Exception e)
                    {
                        _logger.LogWarning(e, "Could not answer `mountstore status`: {Message}", e.Message);
                    }
                }
            });
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        await _loop.ConfigureAwait(false);
        try
        {
            File.Delete(Path);
        }
        catch (IOException)
        {
        }
        _stop.Dispose();
    }
}
