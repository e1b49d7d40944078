using MountStore.Core.Storage;

namespace MountStore.Core.Prefetch;

/// <summary>
/// One GET of the rest of an object, held open while a reader goes through it in sequence: its
/// read-ahead buffers are filled from it one after another, in the order they were asked for,
/// instead of each costing a GET. The server sends only as fast as the buffers are filled (TCP
/// flow control), so it holds no more memory than the buffers do. A fill at another offset than
/// where the stream stands reopens it there; a body that breaks midway is resumed like any
/// fetch. Closing a stream before its end costs its connection (HTTP cannot reuse it), which is
/// why only readers that proved sequential use one.
/// </summary>
internal sealed class SequentialStream(RangeFetcher fetcher, string key, string? version, long size, StreamSlots slots, CancellationToken readerClosing)
{
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stopping = CancellationTokenSource.CreateLinkedTokenSource(readerClosing);
    private Task _tail = Task.CompletedTask;
    private ObjectContent? _content; // touched only by the fill running, or by the close after the last
    private long _position;
    private bool _closed;

    /// <summary>Fills <paramref name="destination"/> with the bytes at <paramref name="start"/>, after every fill asked for before.</summary>
    public Task FillAsync(long start, Memory<byte> destination)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            var fill = FillAfterAsync(_tail, start, destination, _stopping.Token);
            _tail = fill;
            return fill;
        }
    }

    /// <summary>
    /// Stops the fills still running (their buffers were given up with the ranges they were for),
    /// ends the GET once they have stopped, and gives the slot back.
    /// </summary>
    public void Close()
    {
        Task last;
        lock (_gate)
        {
            if (_closed)
                return;
            _closed = true;
            last = _tail;
        }
        _stopping.Cancel();
        last.ContinueWith(_ =>
        {
            Drop();
            _stopping.Dispose();
            slots.Return();
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async Task FillAfterAsync(Task previous, long start, Memory<byte> destination, CancellationToken cancellationToken)
    {
        // an earlier fill that failed was reported to its own reader; this one starts afresh
        await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        var filled = 0;
        var resumes = 0;
        try
        {
            while (filled < destination.Length)
            {
                var at = start + filled;
                if (_content is null || _position != at)
                    await ReopenAsync(at, cancellationToken).ConfigureAwait(false);
                int read;
                try
                {
                    read = await _content!.Stream.ReadAsync(destination[filled..], cancellationToken).ConfigureAwait(false);
                }
                catch (IOException e) when (resumes < fetcher.MaxResumes && !cancellationToken.IsCancellationRequested)
                {
                    resumes++;
                    fetcher.NoteResume(key, at, e);
                    Drop();
                    continue;
                }
                if (read == 0)
                    throw RangeFetcher.EndedEarly(key, at, start + destination.Length);
                filled += read;
                _position += read;
            }
        }
        catch
        {
            Drop(); // where it stands is unknown now: the next fill opens a new GET
            throw;
        }
    }

    private async Task ReopenAsync(long at, CancellationToken cancellationToken)
    {
        Drop();
        _content = await fetcher.OpenAsync(key, version, at, size - at, cancellationToken).ConfigureAwait(false);
        _position = at;
    }

    private void Drop()
    {
        _content?.Dispose();
        _content = null;
    }
}
