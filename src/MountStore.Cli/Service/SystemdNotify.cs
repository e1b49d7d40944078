using System.Net.Sockets;
using System.Text;

namespace MountStore.Cli.Service;

/// <summary>
/// Tells systemd (Type=notify units) when the mount is ready and when it is stopping, so a unit
/// that needs the mount starts only once files can be read, and `systemctl start` reports a
/// failed mount as failed.
/// </summary>
internal static class SystemdNotify
{
    /// <summary>Sends <paramref name="state"/> (e.g. "READY=1") when systemd asked for notifications; otherwise does nothing.</summary>
    public static void Send(string state)
    {
        var path = Environment.GetEnvironmentVariable("NOTIFY_SOCKET");
        if (string.IsNullOrEmpty(path) || !OperatingSystem.IsLinux())
            return;
        if (path[0] == '@')
            path = "\0" + path[1..]; // abstract socket namespace
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            socket.Connect(new UnixDomainSocketEndPoint(path));
            socket.Send(Encoding.UTF8.GetBytes(state));
        }
        catch (SocketException)
        {
            // no listener: not under systemd after all
        }
    }
}
