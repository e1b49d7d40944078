using Microsoft.Extensions.Logging;

namespace MountStore.Cli.Logs;

/// <summary>
/// The ILogger our providers share: no scopes, a level filter, and each entry handed on as level,
/// category, formatted message and exception. Each provider only says where entries go.
/// </summary>
internal sealed class CallbackLogger(string category, LogLevel minimum, Action<LogLevel, string, string, Exception?> write) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
            write(logLevel, category, formatter(state, exception), exception);
    }
}
