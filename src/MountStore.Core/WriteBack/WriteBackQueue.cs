using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using MountStore.Core.Writing;

namespace MountStore.Core.WriteBack;

/// <summary>
/// Uploads closed files in the background, several at once. A sealed writer (its bytes whole on
/// disk and recorded in the <see cref="PendingJournal"/>) is held here, as one more handle on it,
/// until its object is in the store; meanwhile the mount shows it through the writer (stat, ls,
/// reads), and anything that would change it commits it first. A writer is uploaded only when no
/// application handle has it open. Failures that may pass are tried again, later and later;
/// the others leave the file here, logged and in `mountstore status`, for the next mount.
/// </summary>
/// <remarks>Lock order: this queue's lock is taken alone; no store or file call is made under it.</remarks>
public sealed class WriteBackQueue : IAsyncDisposable
{
    private readonly WriteBackOptions _options;
    private readonly Func<FileWriter, CancellationToken, Task<bool>> _commit;
    private readonly Func<FileWriter, bool> _hasApplicationHandles;
    private readonly Func<FileWriter, bool> _hold;
    private readonly Func<FileWriter, ValueTask> _leave;
    private readonly ILogger _logger;
    private readonly ForegroundRequests _foreground;
    private readonly Lock _gate = new();
    private readonly Dictionary<FileWriter, Entry> _held = new(ReferenceEqualityComparer.Instance);
    private int _leaving; // writers let go whose files are still being handed over (to the data cache, or deleted)
    private readonly Channel<FileWriter> _ready = Channel.CreateUnbounded<FileWriter>();
    private readonly SemaphoreSlim _room;
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _hurry = new();
    private readonly Task[] _workers;
    private long _uploaded;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private long _lastHeldAt; // Stopwatch timestamp of the latest close that sealed a file
    private TaskCompletionSource _crowded = new(TaskCreationOptions.RunContinuationsAsynchronously); // set while three quarters of the bound are pending

    private sealed class Entry(DateTimeOffset closedAt, long heldAt)
    {
        public DateTimeOffset ClosedAt { get; } = closedAt;

        /// <summary>When this mount took it (a Stopwatch timestamp; 0 for one recovered from an earlier mount).</summary>
        public long HeldAt { get; } = heldAt;

        public bool Queued { get; set; }

        public int Attempts { get; set; }

        public string? FailedFor { get; set; }
    }

    /// <param name="commit">uploads a writer's sealed version, as a flush would (the mount's caches follow); false when a foreground commit took it over</param>
    /// <param name="hasApplicationHandles">true while an application has the writer's file open</param>
    /// <param name="hold">takes one more handle on the writer, so it stays while pending; false when it is gone</param>
    /// <param name="leave">gives that handle back</param>
    /// <param name="foreground">the requests applications wait on, which an upload lets go first</param>
    public WriteBackQueue(WriteBackOptions options, Func<FileWriter, CancellationToken, Task<bool>> commit, Func<FileWriter, bool> hasApplicationHandles,
        Func<FileWriter, bool> hold, Func<FileWriter, ValueTask> leave, ForegroundRequests foreground, ILogger logger)
    {
        _foreground = foreground;
        options.Validate();
        _options = options;
        _commit = commit;
        _hasApplicationHandles = hasApplicationHandles;
        _hold = hold;
        _leave = leave;
        _logger = logger;
        _room = new SemaphoreSlim(options.MaxPendingFiles, options.MaxPendingFiles);
        _workers = Enumerable.Range(0, options.Uploads).Select(_ => Task.Run(WorkAsync)).ToArray();
    }

    /// <summary>
    /// Keeps a just-sealed writer until it is uploaded. Waits while <see cref="WriteBackOptions.MaxPendingFiles"/>
    /// files are pending already (close() slows to the store's pace instead of piling up).
    /// </summary>
    public async Task HoldAsync(FileWriter writer, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_held.ContainsKey(writer))
                return;
        }
        await _room.WaitAsync(cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            if (_held.ContainsKey(writer) || !_hold(writer))
            {
                _room.Release();
                return;
            }
            var now = Stopwatch.GetTimestamp();
            _held[writer] = new Entry(writer.Sealed?.ClosedAt ?? DateTimeOffset.UtcNow, now);
            _lastHeldAt = now;
            if (Crowded)
                _crowded.TrySetResult();
        }
        Changed();
    }

    /// <summary>Keeps a writer recovered from an earlier mount, which the caller registered with one handle for this queue, and queues it.</summary>
    public void Adopt(FileWriter writer)
    {
        _room.Wait(0); // recovered files may exceed the bound; they only make later closes wait longer
        lock (_gate)
            _held[writer] = new Entry(writer.Sealed?.ClosedAt ?? DateTimeOffset.UtcNow, heldAt: 0);
        Schedule(writer);
    }

    /// <summary>
    /// Queues a held writer for upload (its last application handle was released), after
    /// <see cref="WriteBackOptions.UploadDelay"/>, unless it is queued already.
    /// </summary>
    public void Schedule(FileWriter writer)
    {
        lock (_gate)
        {
            if (!_held.TryGetValue(writer, out var entry) || entry.Queued || entry.FailedFor is not null)
                return;
            entry.Queued = true;
        }
        _ = EnqueueAfterDelayAsync(writer);
    }

    private async Task EnqueueAfterDelayAsync(FileWriter writer)
    {
        try
        {
            if (_options.UploadDelay > TimeSpan.Zero)
                await Task.Delay(_options.UploadDelay, _hurry.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // unmounting: no more waiting
        }
        _ready.Writer.TryWrite(writer);
    }

    /// <summary>True while <paramref name="writer"/> is held here.</summary>
    public bool Holds(FileWriter writer)
    {
        lock (_gate)
            return _held.ContainsKey(writer);
    }

    /// <summary>Lets a writer go once it owes nothing (committed by an fsync, a change, or discarded by an unlink).</summary>
    public async ValueTask SettledAsync(FileWriter writer)
    {
        if (writer.IsSealed)
            return;
        lock (_gate)
        {
            if (!_held.Remove(writer))
                return;
            _leaving++;
            if (!Crowded && _crowded.Task.IsCompleted)
                _crowded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        _room.Release();
        try
        {
            await _leave(writer).ConfigureAwait(false);
        }
        finally
        {
            lock (_gate)
                _leaving--;
            Changed();
        }
    }

    /// <summary>What is pending now.</summary>
    public WriteBackStatus Status()
    {
        lock (_gate)
        {
            return new WriteBackStatus(_held.Count, _held.Keys.Sum(w => w.Length), _held.Values.Select(e => (DateTimeOffset?)e.ClosedAt).Min(),
                Interlocked.Read(ref _uploaded),
                _held.Where(pair => pair.Value.FailedFor is not null).Select(pair => (pair.Key.Key, pair.Value.FailedFor!)).ToList());
        }
    }

    /// <summary>
    /// Waits until every pending file is uploaded or refused for good, calling
    /// <paramref name="progress"/> every <paramref name="every"/>. Returns early, leaving the
    /// rest for the next mount, when <paramref name="leaveNow"/> is cancelled.
    /// </summary>
    public async Task<WriteBackStatus> DrainAsync(TimeSpan every, Action<WriteBackStatus> progress, CancellationToken leaveNow)
    {
        await _hurry.CancelAsync().ConfigureAwait(false);
        while (true)
        {
            Task changed;
            WriteBackStatus status;
            bool leaving;
            lock (_gate)
            {
                changed = _changed.Task;
                status = Status();
                leaving = _leaving > 0;
            }
            if ((status.Pending == status.Failed.Count && !leaving) || leaveNow.IsCancellationRequested)
                return status;
            try
            {
                await changed.WaitAsync(every, leaveNow).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                progress(status);
            }
            catch (OperationCanceledException)
            {
                return Status();
            }
        }
    }

    private void Changed()
    {
        TaskCompletionSource done;
        lock (_gate)
        {
            done = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        done.TrySetResult();
    }

    private async Task WorkAsync()
    {
        try
        {
            await foreach (var writer in _ready.Reader.ReadAllAsync(_stopping.Token).ConfigureAwait(false))
            {
                Entry? entry;
                lock (_gate)
                {
                    if (_held.TryGetValue(writer, out entry))
                        entry.Queued = false;
                }
                if (entry is null)
                    continue;
                if (!writer.IsSealed || writer.IsDiscarded)
                {
                    await SettledAsync(writer).ConfigureAwait(false);
                    continue;
                }
                if (_hasApplicationHandles(writer))
                    continue; // the release of its last handle queues it again
                await UploadAsync(writer, entry).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
    }

    private async Task UploadAsync(FileWriter writer, Entry entry)
    {
        ForegroundRequests.MarkBackground();
        try
        {
            await WaitForCloseLullAsync(entry).ConfigureAwait(false);
            if (!_hurry.IsCancellationRequested) // unmounting: nobody is waiting on anything else
                await _foreground.WaitForQuietAsync(_options.ForegroundYield, _stopping.Token).ConfigureAwait(false);
            if (await _commit(writer, _stopping.Token).ConfigureAwait(false))
                Interlocked.Increment(ref _uploaded);
            await SettledAsync(writer).ConfigureAwait(false);
        }
        catch (Exception e) when (_stopping.IsCancellationRequested && e is OperationCanceledException)
        {
            // unmounting without waiting: the record stays for the next mount
        }
        catch (Exception e) when (UploadFailures.IsPermanent(e))
        {
            if (!writer.IsSealed)
            {
                await SettledAsync(writer).ConfigureAwait(false); // a conflict whose copy holds the bytes
                return;
            }
            lock (_gate)
                entry.FailedFor = e.Message;
            _logger.LogError("'{Key}' was closed but cannot be uploaded: {Reason}. It stays in {Folder} and in `mountstore status`; the next mount with this cache folder tries again.",
                writer.Key, e.Message, writer.Sealed is { } pending ? pending.Id : "the cache");
            Changed();
        }
        catch (Exception e)
        {
            var attempt = ++entry.Attempts;
            var delay = TimeSpan.FromSeconds(Math.Min(_options.MaxRetryDelay.TotalSeconds, Math.Pow(2, Math.Min(attempt, 10)) / 2));
            _logger.LogWarning("Uploading '{Key}' failed ({Reason}); trying again in {Seconds:0.#} s (attempt {Attempt})", writer.Key, e.Message, delay.TotalSeconds, attempt + 1);
            _ = RetryLaterAsync(writer, delay);
        }
    }

    /// <summary>
    /// Holds an upload back while the application keeps closing files (see
    /// <see cref="WriteBackOptions.CloseLull"/>): until it has closed none for that long, or
    /// <see cref="WriteBackOptions.MaxCloseHoldBack"/> after this file's close, or until three
    /// quarters of the pending bound are taken (closes would soon wait for room), or unmounting.
    /// </summary>
    private async Task WaitForCloseLullAsync(Entry entry)
    {
        if (_options.CloseLull <= TimeSpan.Zero || entry.HeldAt == 0)
            return;
        while (!_hurry.IsCancellationRequested)
        {
            Task crowded;
            long lastClose;
            lock (_gate)
            {
                crowded = _crowded.Task;
                lastClose = _lastHeldAt;
            }
            var now = Stopwatch.GetTimestamp();
            var untilLull = _options.CloseLull - Stopwatch.GetElapsedTime(lastClose, now);
            var untilDeadline = _options.MaxCloseHoldBack - Stopwatch.GetElapsedTime(entry.HeldAt, now);
            var wait = untilLull < untilDeadline ? untilLull : untilDeadline;
            if (wait <= TimeSpan.Zero || crowded.IsCompleted)
                return;
            // a later close only moves the lull later, so sleeping until this estimate and
            // looking again is enough; crowding must end the wait at once
            await Task.WhenAny(Task.Delay(wait, _hurry.Token), crowded).ConfigureAwait(false);
        }
    }

    /// <summary>Three quarters of the pending bound taken (under the lock): closes would soon wait for room.</summary>
    private bool Crowded => _held.Count * 4L >= _options.MaxPendingFiles * 3L;

    private async Task RetryLaterAsync(FileWriter writer, TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, _stopping.Token).ConfigureAwait(false);
            Schedule(writer);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// Stops the uploads (an upload cut short is tried again by the next mount) and lets every
    /// held writer go; their records stay on disk.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _hurry.CancelAsync().ConfigureAwait(false);
        _ready.Writer.TryComplete();
        await Task.WhenAll(_workers).ConfigureAwait(false);
        List<FileWriter> held;
        lock (_gate)
        {
            held = _held.Keys.ToList();
            _held.Clear();
        }
        foreach (var writer in held)
            await _leave(writer).ConfigureAwait(false);
    }
}
