using System.Net;

namespace MountStore.Testing;

/// <summary>
/// An HTTP handler between a store and the network that fails chosen requests with a status
/// (503, 500, 429) or a connection reset, so the stores' own retry and re-login paths are
/// exercised against the real server.
/// </summary>
public sealed class FaultInjectingHandler() : DelegatingHandler(new SocketsHttpHandler { MaxConnectionsPerServer = 64 })
{
    private readonly List<(Func<HttpRequestMessage, bool> Match, int Times, HttpStatusCode? Status)> _faults = [];
    private readonly List<(Func<HttpRequestMessage, bool> Match, int Times)> _hangs = [];
    private readonly List<(Func<HttpRequestMessage, bool> Match, int Times)> _lostAnswers = [];
    private int _injected;
    private int _sent;

    /// <summary>Requests that reached the server.</summary>
    public int SentCount => Volatile.Read(ref _sent);

    /// <summary>Faults injected so far.</summary>
    public int InjectedCount => Volatile.Read(ref _injected);

    /// <summary>The next <paramref name="times"/> requests that match fail with <paramref name="status"/>.</summary>
    public void FailNext(Func<HttpRequestMessage, bool> match, int times, HttpStatusCode status)
    {
        lock (_faults) _faults.Add((match, times, status));
    }

    /// <summary>The next <paramref name="times"/> requests that match fail as a reset connection.</summary>
    public void ResetNext(Func<HttpRequestMessage, bool> match, int times)
    {
        lock (_faults) _faults.Add((match, times, null));
    }

    /// <summary>
    /// The next <paramref name="times"/> requests that match reach the server and are carried
    /// out, but their answer is lost (a connection reset after the server acted).
    /// </summary>
    public void LoseAnswerOfNext(Func<HttpRequestMessage, bool> match, int times)
    {
        lock (_faults) _lostAnswers.Add((match, times));
    }

    /// <summary>The next <paramref name="times"/> requests that match never get an answer (until cancelled).</summary>
    public void HangNext(Func<HttpRequestMessage, bool> match, int times)
    {
        lock (_faults) _hangs.Add((match, times));
    }

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var hang = false;
        lock (_faults)
        {
            var i = _hangs.FindIndex(h => h.Match(request));
            if (i >= 0)
            {
                hang = true;
                _hangs[i] = _hangs[i] with { Times = _hangs[i].Times - 1 };
                if (_hangs[i].Times <= 0) _hangs.RemoveAt(i);
            }
        }
        if (hang)
        {
            Interlocked.Increment(ref _injected);
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }

        HttpStatusCode? status = null;
        var fail = false;
        lock (_faults)
        {
            for (var i = 0; i < _faults.Count; i++)
            {
                var f = _faults[i];
                if (!f.Match(request)) continue;
                fail = true;
                status = f.Status;
                _faults[i] = f with { Times = f.Times - 1 };
                if (_faults[i].Times <= 0) _faults.RemoveAt(i);
                break;
            }
        }
        if (fail)
        {
            Interlocked.Increment(ref _injected);
            if (status is null) throw new HttpRequestException("injected: connection reset by peer", new IOException("connection reset"));
            return new HttpResponseMessage(status.Value) { RequestMessage = request, Content = new StringContent("injected failure") };
        }
        Interlocked.Increment(ref _sent);
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        lock (_faults)
        {
            var i = _lostAnswers.FindIndex(l => l.Match(request));
            if (i < 0)
                return response;
            _lostAnswers[i] = _lostAnswers[i] with { Times = _lostAnswers[i].Times - 1 };
            if (_lostAnswers[i].Times <= 0) _lostAnswers.RemoveAt(i);
        }
        response.Dispose();
        Interlocked.Increment(ref _injected);
        throw new HttpRequestException("injected: connection reset after the server answered", new IOException("connection reset"));
    }
}
