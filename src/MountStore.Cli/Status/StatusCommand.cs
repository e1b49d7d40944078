using System.CommandLine;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using MountStore.Cli.Service;

namespace MountStore.Cli.Status;

/// <summary>`mountstore status DIR`: asks the mount process what it is doing.</summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var directory = new Argument<string>("DIR") { Description = "Where the store is mounted." };
        var watch = new Option<bool>("--watch", "-w") { Description = "Redraw every second (progress bars and current rates) until Ctrl-C or until the mount ends." };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON, for scripts." };
        var command = new Command("status", """
            Show what the mount on DIR is doing: the remote, uptime, uploads in progress (bytes
            stored of bytes written, rate), metadata cache hits, store requests and failures since
            it was mounted, and the last warnings and errors with the objects they concern.
            Works from any shell of the user who mounted it (root sees root's mounts).
            """) { directory, watch, json };
        command.SetAction((result, cancellationToken) => RunAsync(result.GetValue(directory)!, result.GetValue(watch), result.GetValue(json), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string directory, bool watch, bool json, CancellationToken cancellationToken)
    {
        var mountPoint = MountPointName.Normalize(directory);
        MountStatusReport? previous = null;
        while (true)
        {
            string raw;
            try
            {
                raw = await FetchAsync(mountPoint, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or IOException)
            {
                if (previous is not null)
                {
                    Console.WriteLine($"The mount on {mountPoint} has ended.");
                    return 0;
                }
                var socket = RuntimePaths.StatusSocket(mountPoint);
                Console.Error.WriteLine(File.Exists(socket)
                    ? $"mountstore: the mount on {mountPoint} does not answer ({socket}: {e.Message}); it may have crashed: see its log, then `mountstore unmount --lazy {mountPoint}`"
                    : $"mountstore: {mountPoint} is not mounted by MountStore as this user (no {socket}); mounts of other users answer only to them");
                return 1;
            }
            catch (OperationCanceledException)
            {
                return 0;
            }
            MountStatusReport report;
            try
            {
                report = JsonSerializer.Deserialize(raw, StatusJson.Default.MountStatusReport)!;
            }
            catch (JsonException)
            {
                Console.Error.WriteLine($"mountstore: the mount on {mountPoint} gave no readable status ({raw.Length} bytes); its log may say why");
                return 1;
            }
            if (watch && !json)
                Console.Write("\u001b[H\u001b[2J"); // home + clear: redraw in place
            Console.Write(json ? raw + Environment.NewLine : StatusView.Render(report, previous));
            if (!watch)
                return 0;
            previous = report;
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return 0;
            }
        }
    }

    /// <summary>The raw JSON report of the mount at <paramref name="mountPoint"/>.</summary>
    public static async Task<string> FetchAsync(string mountPoint, CancellationToken cancellationToken)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(RuntimePaths.StatusSocket(mountPoint)), timeout.Token).ConfigureAwait(false);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await reader.ReadToEndAsync(timeout.Token).ConfigureAwait(false);
    }
}
