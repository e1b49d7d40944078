using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace MountStore.Cli;

/// <summary>One-line logs to stderr, at the level the user chose.</summary>
internal static class Logging
{
    public static ILoggerFactory Create(string level)
    {
        var minimum = level.ToLowerInvariant() switch
        {
            "error" => LogLevel.Error,
            "warning" or "warn" => LogLevel.Warning,
            "information" or "info" => LogLevel.Information,
            "debug" => LogLevel.Debug,
            "trace" => LogLevel.Trace,
            _ => throw new ArgumentException($"--log-level {level} is not one of error, warning, information, debug"),
        };
        return LoggerFactory.Create(builder => builder
            .SetMinimumLevel(minimum)
            .AddFilter("System.Net.Http", LogLevel.Warning)
            .AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss ";
                o.ColorBehavior = LoggerColorBehavior.Disabled;
            })
            .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace));
    }
}
