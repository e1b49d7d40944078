namespace MountStore.Core.FileSystem;

/// <summary>
/// One asynchronous lock per object key, for the few changes of one key that must not overlap:
/// a commit storing a new version, and the delayed delete of an unlinked file's old version
/// (which checks the version and deletes it: a commit in between would lose the new one).
/// Entries live only while someone holds or waits for them.
/// </summary>
internal sealed class KeyLocks
{
    private readonly Dictionary<string, Holder> _locks = new(StringComparer.Ordinal);

    private sealed class Holder
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public int Users { get; set; }
    }

    /// <summary>Waits for <paramref name="key"/>; dispose the result to let the next one in.</summary>
    public async Task<IDisposable> AcquireAsync(string key, CancellationToken cancellationToken)
    {
        Holder holder;
        lock (_locks)
        {
            if (!_locks.TryGetValue(key, out holder!))
                _locks[key] = holder = new Holder();
            holder.Users++;
        }
        try
        {
            await holder.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Leave(key, holder);
            throw;
        }
        return new Release(this, key, holder);
    }

    /// <summary>Keys locked or waited for now (for tests: they must not pile up).</summary>
    public int Count
    {
        get
        {
            lock (_locks)
                return _locks.Count;
        }
    }

    private void Leave(string key, Holder holder)
    {
        lock (_locks)
        {
            if (--holder.Users == 0)
                _locks.Remove(key);
        }
    }

    private sealed class Release(KeyLocks owner, string key, Holder holder) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) != 0)
                return;
            holder.Gate.Release();
            owner.Leave(key, holder);
        }
    }
}
