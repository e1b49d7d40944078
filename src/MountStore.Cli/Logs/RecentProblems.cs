using Microsoft.Extensions.Logging;

namespace MountStore.Cli.Logs;

/// <summary>
/// The last warnings and errors the mount logged, for `mountstore status`: the log lines already
/// name the object and what to do, so status shows them as they are. Holds at most
/// <see cref="Capacity"/> entries; older ones are dropped.
/// </summary>
internal sealed class RecentProblems : ILoggerProvider
{
    public const int Capacity = 20;
    private readonly Queue<Problem> _problems = new();
    private readonly TimeProvider _clock;
    private long _warnings;
    private long _errors;

    public RecentProblems(TimeProvider? clock = null) => _clock = clock ?? TimeProvider.System;

    /// <summary>One logged problem.</summary>
    public sealed record Problem(DateTimeOffset Time, string Level, string Message);

    /// <summary>Warnings logged since the mount started.</summary>
    public long Warnings => Interlocked.Read(ref _warnings);

    /// <summary>Errors logged since the mount started.</summary>
    public long Errors => Interlocked.Read(ref _errors);

    /// <summary>The problems kept, oldest first.</summary>
    public IReadOnlyList<Problem> Snapshot()
    {
        lock (_problems)
            return _problems.ToList();
    }

    private void Add(LogLevel level, string message)
    {
        Interlocked.Increment(ref level >= LogLevel.Error ? ref _errors : ref _warnings);
        lock (_problems)
        {
            if (_problems.Count == Capacity)
                _problems.Dequeue();
            _problems.Enqueue(new Problem(_clock.GetUtcNow(), level >= LogLevel.Error ? "error" : "warning", message));
        }
    }

    public ILogger CreateLogger(string categoryName) => new CallbackLogger(categoryName, LogLevel.Warning, (level, _, message, _) => Add(level, message));

    public void Dispose()
    {
    }
}
