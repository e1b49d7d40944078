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
    private readonly List<(Func<HttpRequestMessage, bool> Match, int Times)> _spoiledTokens = [];
    private readonly List<(Func<HttpRequestMessage, bool> Match, int Times)> _damagedBodies = [];
    private volatile HeldAnswers? _heldAnswers;

    private sealed record HeldAnswers(Func<HttpRequestMessage, bool> Match, Func<Task> Until);
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

    /// <summary>
    /// The next <paramref name="times"/> requests that match reach the server with a Swift token
    /// it no longer accepts, as when the token expires while the request is on its way.
    /// </summary>
    public void SpoilTokenOfNext(Func<HttpRequestMessage, bool> match, int times)
    {
        lock (_faults) _spoiledTokens.Add((match, times));
    }

    /// <summary>
    /// The next <paramref name="times"/> requests that match reach the server with one byte of
    /// their body changed, as a transfer damaged on the way would: the sender read and hashed
    /// the right bytes, the server receives others.
    /// </summary>
    public void DamageBodyOfNext(Func<HttpRequestMessage, bool> match, int times)
    {
        lock (_faults) _damagedBodies.Add((match, times));
    }

    /// <summary>
    /// Requests that match reach the server and are answered, but the answer is handed back only
    /// when the task <paramref name="until"/> gives completes: an answer that left the server
    /// before whatever the test does meanwhile, and lands after it. Null matches nothing again.
    /// </summary>
    public void HoldAnswersOf(Func<HttpRequestMessage, bool>? match, Func<Task>? until = null) =>
        _heldAnswers = match is null ? null : new HeldAnswers(match, until ?? (() => Task.CompletedTask));

    /// <summary>The next <paramref name="times"/> requests that match never get an answer (until cancelled).</summary>
    public void HangNext(Func<HttpRequestMessage, bool> match, int times)
    {
        lock (_faults) _hangs.Add((match, times));
    }

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var hang = TakeOne(_hangs, request);
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
        if (TakeOne(_spoiledTokens, request))
        {
            Interlocked.Increment(ref _injected);
            request.Headers.Remove("X-Auth-Token");
            request.Headers.TryAddWithoutValidation("X-Auth-Token", "AUTH_tk" + new string('0', 32));
        }
        if (request.Content is { } body && TakeOne(_damagedBodies, request))
        {
            Interlocked.Increment(ref _injected);
            var bytes = await body.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            bytes[bytes.Length / 2] ^= 0x5a;
            var damaged = new ByteArrayContent(bytes);
            foreach (var header in body.Headers)
                damaged.Headers.TryAddWithoutValidation(header.Key, header.Value);
            request.Content = damaged;
        }
        Interlocked.Increment(ref _sent);
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (_heldAnswers is { } held && held.Match(request))
        {
            await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false); // the server's answer is complete
            await held.Until().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        if (!TakeOne(_lostAnswers, request)) return response;
        response.Dispose();
        Interlocked.Increment(ref _injected);
        throw new HttpRequestException("injected: connection reset after the server answered", new IOException("connection reset"));
    }

    /// <summary>Uses up one of the matching entry's times; true when one matched.</summary>
    private bool TakeOne(List<(Func<HttpRequestMessage, bool> Match, int Times)> entries, HttpRequestMessage request)
    {
        lock (_faults)
        {
            var i = entries.FindIndex(e => e.Match(request));
            if (i < 0) return false;
            entries[i] = entries[i] with { Times = entries[i].Times - 1 };
            if (entries[i].Times <= 0) entries.RemoveAt(i);
            return true;
        }
    }
}
