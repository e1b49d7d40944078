using Microsoft.Extensions.Logging;
using MountStore.Core.Storage;

namespace MountStore.Core.WriteBack;

/// <summary>
/// With write-back, a folder's mode, owner and times are written to its marker in the background:
/// tar sets all three after a folder's contents, one call each, and with eight uploads running
/// each marker PUT waited 100-250 ms at the server, a third of an extraction's time. A change is
/// written <see cref="WriteBackOptions.UploadDelay"/> after the folder's last one, so the three
/// become one PUT. The folder itself exists from its mkdir, which stays synchronous.
/// </summary>
/// <remarks>
/// A change is held in memory only: a crash before it is written loses it (POSIX makes chmod and
/// utime durable only through fsync), never the folder or a file. Removing or renaming a folder
/// writes its changes first, so a late PUT cannot bring back a marker that was moved or removed.
/// Lock order: this class's lock is taken alone; no store call is made under it.
/// </remarks>
public sealed class FolderChanges : IAsyncDisposable
{
    private readonly Func<string, ObjectWriteOptions, CancellationToken, Task> _write;
    private readonly TimeSpan _delay;
    private readonly TimeSpan _maxRetryDelay;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _pending = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _hurryAll = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed class Entry(ObjectWriteOptions options)
    {
        public ObjectWriteOptions Options { get; set; } = options;

        public int Version { get; set; }

        public TaskCompletionSource Hurry { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Writing { get; set; } = Task.CompletedTask;
    }

    /// <param name="write">writes the marker of a folder with the given metadata</param>
    public FolderChanges(Func<string, ObjectWriteOptions, CancellationToken, Task> write, WriteBackOptions options, ILogger logger)
    {
        _write = write;
        _delay = options.UploadDelay;
        _maxRetryDelay = options.MaxRetryDelay;
        _logger = logger;
    }

    /// <summary>Folders whose mode, owner or times are not stored yet.</summary>
    public int Pending
    {
        get
        {
            lock (_gate)
                return _pending.Count;
        }
    }

    /// <summary>Records what the marker of <paramref name="path"/> is to hold; written later, once, with the folder's last change.</summary>
    public void Change(string path, ObjectWriteOptions options)
    {
        lock (_gate)
        {
            if (_pending.TryGetValue(path, out var pending))
            {
                pending.Options = options;
                pending.Version++;
                return;
            }
            var entry = new Entry(options);
            _pending[path] = entry;
            entry.Writing = Task.Run(() => WriteAsync(path, entry));
        }
    }

    /// <summary>Writes the changes of <paramref name="path"/> and of every folder below it now, and waits for them (before a rename or removal).</summary>
    public Task FlushAsync(string path)
    {
        List<Task> writing;
        lock (_gate)
        {
            var below = _pending.Where(pair => pair.Key == path || path.Length == 0 || pair.Key.StartsWith(path + "/", StringComparison.Ordinal)).Select(pair => pair.Value).ToList();
            below.ForEach(entry => entry.Hurry.TrySetResult());
            writing = below.Select(entry => entry.Writing).ToList();
        }
        return Task.WhenAll(writing);
    }

    /// <summary>Writes every pending change now and waits (unmount).</summary>
    public Task DrainAsync()
    {
        _hurryAll.TrySetResult();
        return FlushAsync("");
    }

    private async Task WriteAsync(string path, Entry entry)
    {
        await Task.WhenAny(Task.Delay(_delay, _stopping.Token), entry.Hurry.Task, _hurryAll.Task).ConfigureAwait(false);
        for (var attempt = 1; ; attempt++)
        {
            ObjectWriteOptions options;
            int version;
            lock (_gate)
                (options, version) = (entry.Options, entry.Version);
            try
            {
                await _write(path, options, _stopping.Token).ConfigureAwait(false);
                lock (_gate)
                {
                    if (entry.Version == version)
                    {
                        _pending.Remove(path);
                        return;
                    }
                }
                continue; // changed while it was written: once more with the latest
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (!UploadFailures.IsPermanent(e) && attempt < 8)
            {
                _logger.LogWarning("The mode, owner or times of folder '{Path}' could not be stored yet ({Error}); trying again", path, e.Message);
                await Task.WhenAny(Task.Delay(TimeSpan.FromSeconds(Math.Min(_maxRetryDelay.TotalSeconds, Math.Pow(2, attempt) / 4)), _stopping.Token)).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                _logger.LogError("The mode, owner or times set on folder '{Path}' could not be stored: {Error}. The folder and its files are unaffected; set them again to retry.", path, e.Message);
                lock (_gate)
                    _pending.Remove(path);
                return;
            }
        }
    }

    /// <summary>Writes what is pending, then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        await DrainAsync().ConfigureAwait(false);
        await _stopping.CancelAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }
}
