using System.Collections.Concurrent;

namespace MountStore.Core.Activity;

/// <summary>
/// How many store operations of each kind the mount made since it started, and how many
/// failed. Counted per operation as the filesystem asks for it; retries inside a store client
/// are not counted again. A kind appears with its first request, so the set grows while the
/// mount runs (and while a snapshot is taken).
/// </summary>
public sealed class StoreRequestCounts
{
    private readonly ConcurrentDictionary<string, Counter> _counters = new(StringComparer.Ordinal);

    /// <summary>Counts one <paramref name="operation"/> that ended without error.</summary>
    public void Succeeded(string operation) => Interlocked.Increment(ref For(operation).Count);

    /// <summary>Counts one <paramref name="operation"/> that failed.</summary>
    public void Failed(string operation)
    {
        var counter = For(operation);
        Interlocked.Increment(ref counter.Count);
        Interlocked.Increment(ref counter.Errors);
    }

    /// <summary>Operation name → (count, errors), in name order.</summary>
    /// <remarks>
    /// Copied out first (ToArray holds the dictionary still): sorting it live lets LINQ size its
    /// result by one count and fill it from a later enumeration that has a kind more. A kind
    /// whose first request is being counted at that moment can be in the table with nothing
    /// counted yet; it is left out until it has a count.
    /// </remarks>
    public IReadOnlyList<(string Operation, long Count, long Errors)> Snapshot() =>
        _counters.ToArray()
            .OrderBy(c => c.Key, StringComparer.Ordinal)
            .Select(c => (c.Key, Interlocked.Read(ref c.Value.Count), Interlocked.Read(ref c.Value.Errors)))
            .Where(c => c.Item2 > 0)
            .ToList();

    private Counter For(string operation) => _counters.GetOrAdd(operation, static _ => new Counter());

    private sealed class Counter
    {
        public long Count;
        public long Errors;
    }
}
