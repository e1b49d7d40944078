using System.Collections.Concurrent;

namespace MountStore.Core.Metadata;

/// <summary>
/// At most one request per key at a time: callers asking while one runs share its answer. The
/// entry is in the table before the work starts, so its removal cannot miss, and it leaves the
/// table before answering, so a caller arriving after the answer starts a fresh request instead
/// of reusing a finished one (which would outlive the TTL).
/// </summary>
public sealed class SingleFlight<TValue>
{
    private readonly ConcurrentDictionary<string, Task<TValue>> _inFlight = new(StringComparer.Ordinal);

    /// <summary>The running request for <paramref name="key"/>, or a new one made by <paramref name="work"/>.</summary>
    public Task<TValue> Run(string key, Func<Task<TValue>> work)
    {
        var mine = new TaskCompletionSource<TValue>(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = _inFlight.GetOrAdd(key, mine.Task);
        if (running == mine.Task)
            _ = RunAsync(key, mine, work);
        return running;
    }

    /// <summary>True while a request for <paramref name="key"/> runs.</summary>
    public bool IsRunning(string key) => _inFlight.ContainsKey(key);

    private async Task RunAsync(string key, TaskCompletionSource<TValue> result, Func<Task<TValue>> work)
    {
        try
        {
            var value = await work().ConfigureAwait(false);
            _inFlight.TryRemove(new KeyValuePair<string, Task<TValue>>(key, result.Task));
            result.SetResult(value);
        }
        catch (Exception e)
        {
            _inFlight.TryRemove(new KeyValuePair<string, Task<TValue>>(key, result.Task));
            result.SetException(e);
        }
    }
}
