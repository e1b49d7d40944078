using Microsoft.Extensions.Logging;

namespace MountStore.Core.Writing;

/// <summary>
/// Conflicts this mount lost (a file changed elsewhere while it was open here): counted, the last
/// few kept for `mountstore status`, each logged once with where the bytes went.
/// </summary>
public sealed class ConflictLog(ILogger logger, int keep = 20)
{
    private readonly Queue<ConflictCopyException> _recent = new();
    private long _count;

    /// <summary>Conflicts since the mount began.</summary>
    public long Count => Interlocked.Read(ref _count);

    /// <summary>The most recent conflicts, oldest first (at most the number kept).</summary>
    public IReadOnlyList<ConflictCopyException> Recent
    {
        get
        {
            lock (_recent)
                return _recent.ToList();
        }
    }

    /// <summary>Counts, keeps and logs one lost conflict.</summary>
    public void Record(ConflictCopyException conflict)
    {
        Interlocked.Increment(ref _count);
        lock (_recent)
        {
            _recent.Enqueue(conflict);
            while (_recent.Count > keep)
                _recent.Dequeue();
        }
        if (conflict.Copy is not null)
            logger.LogWarning("Conflict: {Message}. Compare the two and keep what you need; close() reported EIO to the program", conflict.Message);
        else
            logger.LogError("Conflict: {Message}", conflict.Message);
    }
}
