namespace MountStore.Core.WriteBack;

/// <summary>
/// Store requests an application is waiting on, counted so background uploads can step aside
/// for them. With write-back, eight uploads at once keep a small server busy; a mkdir or chmod
/// that tar makes meanwhile would queue behind them (measured: 150-250 ms each behind eight
/// uploads on a one-worker proxy, against 10 ms alone). An upload about to start waits until no
/// such request is in flight, for a short while at most so that a steady stream of them (a find
/// over a large tree) cannot hold the uploads back for good.
/// </summary>
public sealed class ForegroundRequests
{
    private static readonly AsyncLocal<bool> Background = new();
    private readonly Lock _gate = new();
    private int _inFlight;
    private TaskCompletionSource _quiet = Completed();

    /// <summary>Requests in flight now that an application waits on.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>
    /// Marks the calling flow (and what it awaits) as background work that steps aside, until the
    /// async method that called this returns.
    /// </summary>
    public static void MarkBackground() => Background.Value = true;

    /// <summary>Counts a request from here until the returned scope ends, unless the flow is background work.</summary>
    public Scope Enter()
    {
        if (Background.Value)
            return default;
        lock (_gate)
        {
            if (_inFlight++ == 0)
                _quiet = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        return new Scope(this);
    }

    private void Leave()
    {
        TaskCompletionSource? quiet = null;
        lock (_gate)
        {
            if (--_inFlight == 0)
                quiet = _quiet;
        }
        quiet?.TrySetResult();
    }

    /// <summary>Returns once no counted request is in flight, or after <paramref name="most"/>.</summary>
    public async Task WaitForQuietAsync(TimeSpan most, CancellationToken cancellationToken)
    {
        Task quiet;
        lock (_gate)
            quiet = _quiet.Task;
        if (quiet.IsCompleted)
            return;
        try
        {
            await quiet.WaitAsync(most, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // the uploads must go on too
        }
    }

    private static TaskCompletionSource Completed()
    {
        var done = new TaskCompletionSource();
        done.SetResult();
        return done;
    }

    /// <summary>One counted request; disposing it ends the count (a default scope counts nothing).</summary>
    public readonly struct Scope(ForegroundRequests? owner) : IDisposable
    {
        /// <inheritdoc />
        public void Dispose() => owner?.Leave();
    }
}
