using MountStore.Core.Storage;

namespace MountStore.Testing;

/// <summary>
/// Wraps any <see cref="IObjectStore"/> and makes chosen calls fail: "fail the 2nd PUT", "fail
/// part uploads 3 to 4", "break every GET's stream after K bytes", "delay each list by 200 ms".
/// The failure is the kind a store gives up with (<see cref="StoreUnavailableException"/>) or,
/// for a broken stream, the IOException a reset connection raises. Used by every layer's tests
/// to prove that a failure loses nothing and leaves nothing behind.
/// </summary>
public sealed class FaultInjectingObjectStore(IObjectStore inner) : IObjectStore
{
    private readonly List<Rule> _rules = [];
    private readonly Dictionary<StoreCall, int> _counts = [];

    /// <summary>The calls that can be made to fail.</summary>
    public enum StoreCall { List, Head, Get, Put, Copy, Delete, Rename, Begin, UploadPart, Complete, Abort }

    private sealed record Rule(StoreCall Call, Func<int, bool> Matches, Func<Exception>? Failure, TimeSpan Delay, Func<Task>? WaitFor = null);

    /// <summary>The wrapped store.</summary>
    public IObjectStore Inner => inner;

    /// <summary>The most HEADs that were running at the same moment.</summary>
    public int PeakHeadsInFlight => Volatile.Read(ref _peakHeads);

    private int _headsInFlight, _peakHeads;

    /// <summary>How many times <paramref name="call"/> was made (failed ones included).</summary>
    public int CountOf(StoreCall call) { lock (_rules) return _counts.GetValueOrDefault(call); }

    /// <summary>Makes the <paramref name="nth"/> call (1-based) of this kind fail.</summary>
    public FaultInjectingObjectStore FailNth(StoreCall call, int nth, Func<Exception>? failure = null) =>
        Add(new Rule(call, n => n == nth, failure ?? DefaultFailure(call), TimeSpan.Zero));

    /// <summary>Makes every call of this kind from the <paramref name="nth"/> on fail.</summary>
    public FaultInjectingObjectStore FailFrom(StoreCall call, int nth, Func<Exception>? failure = null) =>
        Add(new Rule(call, n => n >= nth, failure ?? DefaultFailure(call), TimeSpan.Zero));

    /// <summary>Delays every call of this kind.</summary>
    public FaultInjectingObjectStore Delay(StoreCall call, TimeSpan delay) =>
        Add(new Rule(call, _ => true, null, delay));

    /// <summary>Makes every call of this kind wait for the task <paramref name="waitFor"/> gives (a gate a test opens when it has looked).</summary>
    public FaultInjectingObjectStore Before(StoreCall call, Func<Task> waitFor) =>
        Add(new Rule(call, _ => true, null, TimeSpan.Zero, waitFor));

    /// <summary>
    /// Makes every LIST, once the store has answered it, wait for the task <paramref name="waitFor"/>
    /// gives before the answer is handed back: an answer that left the server before changes
    /// made meanwhile, and lands after them. Null removes it.
    /// </summary>
    public FaultInjectingObjectStore HoldListAnswers(Func<Task>? waitFor)
    {
        _holdListAnswers = waitFor;
        return this;
    }

    private volatile Func<Task>? _holdListAnswers;

    /// <summary>Breaks every GET body after <paramref name="bytes"/> bytes, as a reset connection does.</summary>
    public FaultInjectingObjectStore ResetGetStreamsAfter(long bytes)
    {
        _resetAfter = bytes;
        return this;
    }

    /// <summary>Removes every rule.</summary>
    public void Heal()
    {
        lock (_rules) _rules.Clear();
        _resetAfter = null;
    }

    private long? _resetAfter;

    private FaultInjectingObjectStore Add(Rule rule)
    {
        lock (_rules) _rules.Add(rule);
        return this;
    }

    private static Func<Exception> DefaultFailure(StoreCall call) =>
        () => new StoreUnavailableException(call.ToString(), null, 503, "injected failure");

    private async Task Enter(StoreCall call, CancellationToken ct)
    {
        List<Rule> matching;
        lock (_rules)
        {
            var n = _counts[call] = _counts.GetValueOrDefault(call) + 1;
            matching = _rules.Where(r => r.Call == call && r.Matches(n)).ToList();
        }
        foreach (var rule in matching)
        {
            if (rule.Delay > TimeSpan.Zero) await Task.Delay(rule.Delay, ct).ConfigureAwait(false);
            if (rule.WaitFor is not null) await rule.WaitFor().WaitAsync(ct).ConfigureAwait(false);
            if (rule.Failure is not null) throw rule.Failure();
        }
    }

    /// <inheritdoc />
    public string Description => inner.Description;

    /// <inheritdoc />
    public StoreLimits Limits => inner.Limits;

    /// <inheritdoc />
    public Task VerifyAccessAsync(CancellationToken cancellationToken) => inner.VerifyAccessAsync(cancellationToken);

    /// <inheritdoc />
    public async Task<ListingPage> ListAsync(ListRequest request, CancellationToken cancellationToken)
    {
        await Enter(StoreCall.List, cancellationToken).ConfigureAwait(false);
        var page = await inner.ListAsync(request, cancellationToken).ConfigureAwait(false);
        if (_holdListAnswers is { } hold)
            await hold().WaitAsync(cancellationToken).ConfigureAwait(false);
        return page;
    }

    /// <inheritdoc />
    public async Task<ObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken)
    {
        var running = Interlocked.Increment(ref _headsInFlight);
        for (var peak = Volatile.Read(ref _peakHeads); running > peak; peak = Volatile.Read(ref _peakHeads))
            Interlocked.CompareExchange(ref _peakHeads, running, peak);
        try
        {
            await Enter(StoreCall.Head, cancellationToken).ConfigureAwait(false);
            return await inner.HeadAsync(key, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _headsInFlight);
        }
    }

    /// <inheritdoc />
    public Task<ObjectContent> GetAsync(string key, ByteRange? range, CancellationToken cancellationToken) => GetAsync(key, range, null, cancellationToken);

    /// <inheritdoc />
    public async Task<ObjectContent> GetAsync(string key, ByteRange? range, string? ifMatch, CancellationToken cancellationToken)
    {
        await Enter(StoreCall.Get, cancellationToken).ConfigureAwait(false);
        var content = await inner.GetAsync(key, range, ifMatch, cancellationToken).ConfigureAwait(false);
        if (_resetAfter is not { } limit) return content;
        return new ObjectContent(new BreakingStream(content.Stream, limit), content.Info, content.Offset, content.Length, content);
    }

    /// <inheritdoc />
    public async Task<ObjectInfo> PutAsync(string key, Stream content, ObjectWriteOptions options, CancellationToken cancellationToken)
    {
        await Enter(StoreCall.Put, cancellationToken).ConfigureAwait(false);
        return await inner.PutAsync(key, content, options, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<ObjectInfo> CopyAsync(string sourceKey, string destinationKey, IReadOnlyDictionary<string, string>? replaceMetadata, CancellationToken cancellationToken)
    {
        await Enter(StoreCall.Copy, cancellationToken).ConfigureAwait(false);
        return await inner.CopyAsync(sourceKey, destinationKey, replaceMetadata, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<ObjectInfo> RenameAsync(string sourceKey, string destinationKey, CancellationToken cancellationToken) =>
        RenameAsync(sourceKey, destinationKey, null, cancellationToken);

    /// <inheritdoc />
    public async Task<ObjectInfo> RenameAsync(string sourceKey, string destinationKey, IReadOnlyCollection<string>? destinationVersions, CancellationToken cancellationToken)
    {
        await Enter(StoreCall.Rename, cancellationToken).ConfigureAwait(false);
        return await inner.RenameAsync(sourceKey, destinationKey, destinationVersions, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task DeleteAsync(string key, CancellationToken cancellationToken) => DeleteAsync(key, null, cancellationToken);

    /// <inheritdoc />
    public async Task DeleteAsync(string key, IReadOnlyCollection<string>? versions, CancellationToken cancellationToken)
    {
        await Enter(StoreCall.Delete, cancellationToken).ConfigureAwait(false);
        await inner.DeleteAsync(key, versions, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public bool InspectsBeforeDelete => inner.InspectsBeforeDelete;

    /// <inheritdoc />
    public async Task DeleteAsync(string key, IReadOnlyCollection<string>? versions, ObjectInfo inspected, CancellationToken cancellationToken)
    {
        await Enter(StoreCall.Delete, cancellationToken).ConfigureAwait(false);
        await inner.DeleteAsync(key, versions, inspected, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<ISegmentedUpload> BeginSegmentedUploadAsync(string key, ObjectWriteOptions options, CancellationToken cancellationToken)
    {
        await Enter(StoreCall.Begin, cancellationToken).ConfigureAwait(false);
        return new FaultyUpload(this, await inner.BeginSegmentedUploadAsync(key, options, cancellationToken).ConfigureAwait(false));
    }

    private sealed class FaultyUpload(FaultInjectingObjectStore owner, ISegmentedUpload upload) : ISegmentedUpload
    {
        public string Key => upload.Key;

        public async Task<UploadedPart> UploadPartAsync(int partNumber, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        {
            await owner.Enter(StoreCall.UploadPart, cancellationToken).ConfigureAwait(false);
            return await upload.UploadPartAsync(partNumber, data, cancellationToken).ConfigureAwait(false);
        }

        public async Task<ObjectInfo> CompleteAsync(IReadOnlyList<UploadedPart> parts, CancellationToken cancellationToken)
        {
            await owner.Enter(StoreCall.Complete, cancellationToken).ConfigureAwait(false);
            return await upload.CompleteAsync(parts, cancellationToken).ConfigureAwait(false);
        }

        public bool CanCompleteUnderAnotherKey => upload.CanCompleteUnderAnotherKey;

        public async Task<ObjectInfo> CompleteUnderAsync(string key, IReadOnlyList<UploadedPart> parts, CancellationToken cancellationToken)
        {
            await owner.Enter(StoreCall.Complete, cancellationToken).ConfigureAwait(false);
            return await upload.CompleteUnderAsync(key, parts, cancellationToken).ConfigureAwait(false);
        }

        public async Task AbortAsync(CancellationToken cancellationToken)
        {
            await owner.Enter(StoreCall.Abort, cancellationToken).ConfigureAwait(false);
            await upload.AbortAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Passes bytes through until the limit, then throws as a reset connection would.</summary>
    private sealed class BreakingStream(Stream inner, long limit) : Stream
    {
        private long _passed;

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = inner.Read(buffer[..Allowed(buffer.Length)]);
            _passed += n;
            return n;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var n = await inner.ReadAsync(buffer[..Allowed(buffer.Length)], cancellationToken).ConfigureAwait(false);
            _passed += n;
            return n;
        }

        private int Allowed(int wanted)
        {
            if (_passed >= limit) throw new IOException("injected: connection reset by peer");
            return (int)Math.Min(wanted, limit - _passed);
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => inner.Length;
        public override long Position { get => _passed; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
