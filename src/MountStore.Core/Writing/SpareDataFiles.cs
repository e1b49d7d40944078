using System.Collections.Concurrent;
using Microsoft.Win32.SafeHandles;

namespace MountStore.Core.Writing;

/// <summary>
/// Empty data files made ahead of need, on a background thread, for the writers that write-back
/// stages. Creating a file costs the file system an inode (on ext4, after a tree of pending files
/// was uploaded and deleted, a scan for inodes not freed recently: 8% of the mount's CPU in a
/// tar -x); made ahead, that cost leaves the path a write waits on. A spare has no record, so a
/// mount that stops leaves its spares to be deleted by the next, like any data file whose close
/// never returned. Bounded: at most <c>keep</c> spares, each an open handle on an empty file.
/// </summary>
internal sealed class SpareDataFiles(Func<(string Id, SafeFileHandle File)> create, Action<string> delete, int keep) : IDisposable
{
    private readonly ConcurrentQueue<(string Id, SafeFileHandle File)> _spares = new();
    private int _refilling;
    private volatile bool _disposed;

    /// <summary>A new empty data file: a spare when one is ready, else made now. Starts making more.</summary>
    public (string Id, SafeFileHandle File) Take()
    {
        var taken = _spares.TryDequeue(out var spare) ? spare : create();
        Refill();
        return taken;
    }

    private void Refill()
    {
        if (_disposed || Interlocked.CompareExchange(ref _refilling, 1, 0) != 0)
            return;
        _ = Task.Run(() =>
        {
            try
            {
                while (!_disposed && _spares.Count < keep)
                    _spares.Enqueue(create());
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // a full or failing disk: the writer that next needs a file makes its own and reports it
            }
            finally
            {
                // Before saying the refill is over: Dispose waits for that, and must not return
                // while this thread still holds a spare it took from the queue to delete.
                if (_disposed)
                    DeleteAll(); // one made as the mount stopped
                Volatile.Write(ref _refilling, 0);
            }
        });
    }

    /// <summary>
    /// Deletes the spares (made by a mount that stops). A refill under way is waited for (it
    /// stops before its next file), so no spare appears once this returns.
    /// </summary>
    public void Dispose()
    {
        _disposed = true;
        SpinWait.SpinUntil(() => Volatile.Read(ref _refilling) == 0, TimeSpan.FromSeconds(5));
        DeleteAll();
    }

    private void DeleteAll()
    {
        while (_spares.TryDequeue(out var spare))
        {
            spare.File.Dispose();
            delete(spare.Id);
        }
    }
}
