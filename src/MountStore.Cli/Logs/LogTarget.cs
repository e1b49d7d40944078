namespace MountStore.Cli.Logs;

/// <summary>Where a mount's logs go: stderr, the systemd journal, or a file.</summary>
internal sealed record LogTarget(LogTarget.Kind Where, string? FilePath = null)
{
    public enum Kind
    {
        StandardError,
        Journal,
        File,
    }

    /// <summary>The journal's native socket; MOUNTSTORE_JOURNAL_SOCKET points elsewhere (tests, containers that forward it).</summary>
    public static string JournalSocket =>
        Environment.GetEnvironmentVariable("MOUNTSTORE_JOURNAL_SOCKET") is { Length: > 0 } path ? path : "/run/systemd/journal/socket";

    /// <summary>
    /// Parses --log-to: "stderr", "journal", or a file path. Without it a foreground mount logs
    /// to stderr, and a daemon to the journal when one runs, else to <paramref name="defaultFile"/>.
    /// </summary>
    public static LogTarget Choose(string? option, bool daemon, string defaultFile) => option switch
    {
        null or "" => !daemon ? new LogTarget(Kind.StandardError)
            : !OperatingSystem.IsWindows() && File.Exists(JournalSocket) ? new LogTarget(Kind.Journal)
            : new LogTarget(Kind.File, defaultFile),
        "stderr" => daemon
            ? throw new ArgumentException("--log-to stderr cannot be used with --daemon: a daemon has no terminal; use journal or a file")
            : new LogTarget(Kind.StandardError),
        "journal" => OperatingSystem.IsWindows()
            ? throw new ArgumentException("--log-to journal is for Linux (systemd); on Windows log to stderr or to a file")
            : new LogTarget(Kind.Journal),
        _ => new LogTarget(Kind.File, Path.GetFullPath(option)),
    };

    /// <summary>For messages and `mountstore status`.</summary>
    public override string ToString() => Where switch
    {
        Kind.StandardError => "stderr",
        Kind.Journal => "the systemd journal (journalctl -t mountstore)",
        _ => FilePath!,
    };
}
