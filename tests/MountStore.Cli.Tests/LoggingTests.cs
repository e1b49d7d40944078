using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using MountStore.Cli.Logs;

namespace MountStore.Cli.Tests;

/// <summary>Log targets, and the bounds on what logs keep.</summary>
public sealed class LoggingTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("mountstore-logs-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void A_log_file_stays_under_its_limit_with_one_older_file_kept()
    {
        var path = Path.Combine(_folder, "sub", "mount.log");
        using (var provider = new FileLoggerProvider(path, maxBytes: 10_000))
        {
            var logger = provider.CreateLogger("test");
            for (var i = 0; i < 2000; i++)
                logger.LogWarning("line {Number} about object 'data/{Number}.csv'", i, i);
        }
        Assert.True(new FileInfo(path).Length <= 10_000);
        Assert.True(new FileInfo(path + ".1").Length <= 10_000);
        Assert.Equal(2, Directory.GetFiles(Path.GetDirectoryName(path)!).Length);
        var last = File.ReadLines(path).Last();
        Assert.Contains("warning test: line 1999 about object 'data/1999.csv'", last);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public void Problems_keep_only_the_most_recent_warnings_and_errors_and_count_all()
    {
        var problems = new RecentProblems();
        var logger = problems.CreateLogger("x");
        logger.LogInformation("not a problem");
        for (var i = 0; i < 100; i++)
            logger.LogWarning("warning {I}", i);
        logger.LogError("upload of 'a/b.bin' failed");
        var kept = problems.Snapshot();
        Assert.Equal(RecentProblems.Capacity, kept.Count);
        Assert.Equal("upload of 'a/b.bin' failed", kept[^1].Message);
        Assert.Equal("error", kept[^1].Level);
        Assert.Equal(100, problems.Warnings);
        Assert.Equal(1, problems.Errors);
    }

    [Fact]
    public void Journal_entries_carry_the_syslog_priority_of_their_level()
    {
        var path = Path.Combine(_folder, "journal.socket");
        using var journal = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        journal.Bind(new UnixDomainSocketEndPoint(path));
        using (var provider = new JournalLoggerProvider(path))
        {
            var logger = provider.CreateLogger("MountStore.Fuse");
            logger.LogWarning("GETATTR 'a' failed");
            logger.LogInformation("Mounted");
        }
        var buffer = new byte[4096];
        var warning = Encoding.UTF8.GetString(buffer, 0, journal.Receive(buffer));
        var information = Encoding.UTF8.GetString(buffer, 0, journal.Receive(buffer));
        Assert.Contains("PRIORITY=4\n", warning);
        Assert.Contains("SYSLOG_IDENTIFIER=mountstore\n", warning);
        Assert.Contains("MESSAGE=GETATTR 'a' failed\n", warning);
        Assert.Contains("PRIORITY=6\n", information);
    }

    [Fact]
    public void A_daemon_logs_to_the_journal_when_it_runs_else_to_a_file_and_never_to_stderr()
    {
        Assert.Equal(LogTarget.Kind.StandardError, LogTarget.Choose(null, daemon: false, "/x.log").Where);
        Assert.Equal(LogTarget.Kind.Journal, LogTarget.Choose("journal", daemon: true, "/x.log").Where);
        Assert.Equal(new LogTarget(LogTarget.Kind.File, "/var/log/m.log"), LogTarget.Choose("/var/log/m.log", daemon: true, "/x.log"));
        Assert.Throws<ArgumentException>(() => LogTarget.Choose("stderr", daemon: true, "/x.log"));
        var chosen = LogTarget.Choose(null, daemon: true, "/x.log");
        Assert.Equal(File.Exists(LogTarget.JournalSocket) ? LogTarget.Kind.Journal : LogTarget.Kind.File, chosen.Where);
    }
}
