using System.Net.Sockets;
using System.Text.Json;
using MountStore.Cli.Status;

namespace MountStore.Cli;

/// <summary>
/// `mountstore unmount` on a write-back mount: the kernel lets the mount go at once, and the
/// mount process goes on uploading closed files. This follows it through its status socket,
/// with a progress line, until it exits (every file uploaded, or refused and kept).
/// </summary>
internal static class PendingUploads
{
    /// <summary>What a write-back mount still has to upload, or null when the mount has no write-back (or no status socket).</summary>
    public static async Task<Snapshot?> OfAsync(string mountPoint, CancellationToken cancellationToken)
    {
        try
        {
            using var report = JsonDocument.Parse(await StatusCommand.FetchAsync(mountPoint, cancellationToken).ConfigureAwait(false));
            var root = report.RootElement;
            if (!root.TryGetProperty("writeBack", out var writeBack) || writeBack.ValueKind != JsonValueKind.Object)
                return null;
            return new Snapshot(root.GetProperty("processId").GetInt32(), writeBack.GetProperty("pending").GetInt32(),
                writeBack.GetProperty("pendingBytes").GetInt64(), writeBack.GetProperty("failed").GetArrayLength());
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException or JsonException or KeyNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Tells the mount process to stop waiting for its uploads (they are recorded for the next mount).</summary>
    public static void Leave(int processId, string mountPoint)
    {
        if (OperatingSystem.IsWindows())
            Doors.WindowsMountSignals.Send(mountPoint, Doors.WindowsMountSignals.Request.LeaveUploads);
        else
            _ = Service.Posix.Signal(processId, (int)MountCommand.UploadsLeftSignal);
    }

    /// <summary>Shows the uploads going on until the mount process is gone; Ctrl-C stops following (they go on).</summary>
    public static async Task<int> FollowAsync(string mountPoint, CancellationToken cancellationToken)
    {
        var shown = false;
        try
        {
            while (await OfAsync(mountPoint, cancellationToken).ConfigureAwait(false) is { } now)
            {
                var waiting = now.Pending - now.Failed;
                if (waiting > 0)
                {
                    Console.Error.Write($"\rmountstore: uploading {waiting} closed files ({StatusView.Size(now.PendingBytes)}) before the mount process exits; Ctrl-C stops waiting here (the uploads go on)   ");
                    shown = true;
                }
                await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
        if (shown)
            Console.Error.WriteLine();
        return 0;
    }

    /// <summary>Files pending in a mount process.</summary>
    public sealed record Snapshot(int ProcessId, int Pending, long PendingBytes, int Failed);
}
