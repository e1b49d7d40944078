using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace MountStore.Cli.Logs;

/// <summary>One-line logs at the level the user chose, to the chosen target; warnings and errors also kept for `mountstore status`.</summary>
internal static class Logging
{
    public static LogLevel ParseLevel(string level) => level.ToLowerInvariant() switch
    {
        "error" => LogLevel.Error,
        "warning" or "warn" => LogLevel.Warning,
        "information" or "info" => LogLevel.Information,
        "debug" => LogLevel.Debug,
        "trace" => LogLevel.Trace,
        _ => throw new ArgumentException($"--log-level {level} is not one of error, warning, information, debug"),
    };

    public static ILoggerFactory Create(string level, LogTarget? target = null, RecentProblems? problems = null)
    {
        var minimum = ParseLevel(level);
        target ??= new LogTarget(LogTarget.Kind.StandardError);
        return LoggerFactory.Create(builder =>
        {
            builder.SetMinimumLevel(minimum).AddFilter("System.Net.Http", LogLevel.Warning);
            if (problems is not null)
                builder.AddProvider(problems);
            switch (target.Where)
            {
                case LogTarget.Kind.Journal:
                    builder.AddProvider(new JournalLoggerProvider(LogTarget.JournalSocket));
                    break;
                case LogTarget.Kind.File:
                    builder.AddProvider(new FileLoggerProvider(target.FilePath!));
                    break;
                // Under systemd, stderr is the journal: <N> prefixes carry each line's level.
                case LogTarget.Kind.StandardError when Environment.GetEnvironmentVariable("JOURNAL_STREAM") is { Length: > 0 }:
                    builder.AddSystemdConsole(o => o.UseUtcTimestamp = false)
                        .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
                    break;
                default:
                    builder.AddSimpleConsole(o =>
                    {
                        o.SingleLine = true;
                        o.TimestampFormat = "HH:mm:ss ";
                        o.ColorBehavior = LoggerColorBehavior.Disabled;
                    }).AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
                    break;
            }
        });
    }
}
