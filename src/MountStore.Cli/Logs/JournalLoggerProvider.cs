using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;

namespace MountStore.Cli.Logs;

/// <summary>
/// Log entries sent to the systemd journal over its native datagram socket, with the syslog
/// priority of their level, so `journalctl -t mountstore -p warning` filters them. A daemon has
/// no stderr the journal could pick up, so it talks to the journal directly.
/// </summary>
internal sealed class JournalLoggerProvider : ILoggerProvider
{
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    private readonly UnixDomainSocketEndPoint _journal;

    public JournalLoggerProvider(string socketPath)
    {
        _journal = new UnixDomainSocketEndPoint(socketPath);
        _socket.Connect(_journal);
    }

    /// <summary>The syslog priority journald files a level under.</summary>
    public static int PriorityOf(LogLevel level) => level switch
    {
        LogLevel.Critical => 2,
        LogLevel.Error => 3,
        LogLevel.Warning => 4,
        LogLevel.Information => 6,
        _ => 7,
    };

    private void Send(LogLevel level, string category, string message, Exception? exception)
    {
        var entry = new StringBuilder()
            .Append("PRIORITY=").Append(PriorityOf(level)).Append('\n')
            .Append("SYSLOG_IDENTIFIER=mountstore\n")
            .Append("MOUNTSTORE_SOURCE=").Append(category).Append('\n')
            .Append("MESSAGE=").Append(message.ReplaceLineEndings(" "));
        if (exception is not null)
            entry.Append(" | ").Append(exception.ToString().ReplaceLineEndings(" | "));
        entry.Append('\n');
        try
        {
            _socket.Send(Encoding.UTF8.GetBytes(entry.ToString()));
        }
        catch (SocketException)
        {
            // journald restarting: the entry is lost, the mount goes on
        }
    }

    public ILogger CreateLogger(string categoryName) => new CallbackLogger(categoryName, LogLevel.Trace, Send);

    public void Dispose() => _socket.Dispose();
}
