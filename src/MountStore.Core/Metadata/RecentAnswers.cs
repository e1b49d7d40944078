using MountStore.Core.Storage;

namespace MountStore.Core.Metadata;

/// <summary>
/// What the store answered to HEADs of the last moment (<c>freshFor</c>), kept for a delete that
/// would otherwise ask the same question again (<see cref="IObjectStore.InspectsBeforeDelete"/>).
/// The kernel looks a name up just before it unlinks it, and the lookup's HEAD (or the one
/// <see cref="MetadataLoader"/> ran ahead of it) already says what the object is. Bounded: at most
/// <c>capacity</c> answers; when full, stale ones are dropped, and a new answer that still finds
/// no room is not kept (its delete asks for itself).
/// </summary>
public sealed class RecentAnswers(int capacity, TimeSpan freshFor, TimeProvider clock)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (ObjectInfo Info, DateTimeOffset AskedAt)> _answers = new(StringComparer.Ordinal);
    private DateTimeOffset _firstStaleAt = DateTimeOffset.MaxValue;

    /// <summary>Answers kept now (for tests).</summary>
    public int Count
    {
        get { lock (_lock) return _answers.Count; }
    }

    /// <summary>A HEAD of <paramref name="info"/>'s key, sent at <paramref name="askedAt"/>, found the object.</summary>
    public void Note(ObjectInfo info, DateTimeOffset askedAt)
    {
        lock (_lock)
        {
            if (_answers.Count >= capacity && !_answers.ContainsKey(info.Key))
            {
                // a listing's background HEADs can fill it within a second: look for stale
                // answers only once one can be stale, not at every answer
                if (clock.GetUtcNow() < _firstStaleAt)
                    return;
                DropStale();
                if (_answers.Count >= capacity)
                    return;
            }
            _answers[info.Key] = (info, askedAt);
            if (askedAt + freshFor < _firstStaleAt)
                _firstStaleAt = askedAt + freshFor;
        }
    }

    /// <summary>True when a fresh answer for <paramref name="key"/> is kept.</summary>
    public bool HasFresh(string key)
    {
        lock (_lock)
            return _answers.TryGetValue(key, out var answer) && IsFresh(answer.AskedAt);
    }

    /// <summary>
    /// The answer for <paramref name="key"/> when it was asked less than <c>freshFor</c> ago;
    /// null otherwise. Taken once: the object is about to change.
    /// </summary>
    public ObjectInfo? Take(string key)
    {
        lock (_lock)
            return _answers.Remove(key, out var answer) && IsFresh(answer.AskedAt) ? answer.Info : null;
    }

    private bool IsFresh(DateTimeOffset askedAt) => clock.GetUtcNow() - askedAt < freshFor;

    private void DropStale()
    {
        _firstStaleAt = DateTimeOffset.MaxValue;
        foreach (var (key, answer) in _answers)
        {
            if (!IsFresh(answer.AskedAt))
                _answers.Remove(key); // removing the current entry while enumerating is allowed
            else if (answer.AskedAt + freshFor < _firstStaleAt)
                _firstStaleAt = answer.AskedAt + freshFor;
        }
    }
}
