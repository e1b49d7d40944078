using Microsoft.Extensions.Logging;
using MountStore.Core.Activity;
using MountStore.Core.Prefetch;
using MountStore.Core.Storage;
using MountStore.Core.Memory;

namespace MountStore.Core.Writing;

/// <summary>
/// Bytes written in order from offset 0, uploaded while the application is still writing. A file
/// that fits in the first part goes up as one PUT at the end; a larger one becomes a segmented
/// upload whose parts go up as they fill, a few at a time, so neither memory nor disk grows with
/// the file. The first part is held back until the end: formats that patch their header after
/// writing the body (zip, HDF5) can still rewrite it, as can the part being filled.
/// </summary>
public sealed class StreamingUpload : IAsyncDisposable
{
    private const int FirstBufferBytes = 128 << 10;
    private static readonly TimeSpan MemoryWait = TimeSpan.FromSeconds(2);

    private readonly IObjectStore _store;
    private readonly PartSizing _sizing;
    private readonly WriteBufferPool _pool;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _inFlight;
    private readonly List<Part> _parts = [];
    private ObjectWriteOptions _options;
    private ISegmentedUpload? _upload;
    private Exception? _failure;
    private readonly UploadsInProgress? _uploads;
    private UploadProgress? _progress;
    private StagingFile? _mirror;
    private bool _finishedSource;

    /// <summary>An upload to <paramref name="key"/>, nothing sent yet; shown in <paramref name="uploads"/> from its first byte.</summary>
    public StreamingUpload(IObjectStore store, string key, ObjectWriteOptions options, PartSizing sizing, WriteBufferPool pool, int maxPartsInFlight, ILogger logger, UploadsInProgress? uploads = null)
    {
        _uploads = uploads;
        _store = store;
        Key = key;
        _options = options;
        _sizing = sizing;
        _pool = pool;
        _logger = logger;
        _inFlight = new SemaphoreSlim(maxPartsInFlight, maxPartsInFlight);
    }

    /// <summary>The key the object is uploaded to (fixed once a segmented upload has begun).</summary>
    public string Key
    {
        get;
        private set
        {
            field = value;
            _progress?.Key = value;
        }
    }

    /// <summary>Bytes written so far.</summary>
    public long Length { get; private set; }

    /// <summary>True once any part has been sent: from then on only held-back bytes can be rewritten.</summary>
    public bool HasSentParts => _upload is not null;

    /// <summary>The metadata the object is created with.</summary>
    public ObjectWriteOptions Options => _options;

    /// <summary>
    /// Replaces the metadata while nothing has been sent, so attributes set before close (tar's
    /// fchmod, fchown and futimens) ride on the upload instead of costing a copy afterwards.
    /// </summary>
    public bool TryReplaceOptions(ObjectWriteOptions options)
    {
        if (HasSentParts) return false;
        _options = options;
        return true;
    }

    /// <summary>Parts sent so far (for tests and logs).</summary>
    public int PartsSent { get; private set; }

    /// <summary>
    /// Keeps a copy of every byte written in <paramref name="mirror"/> as well: for stores whose
    /// uploads complete only under their own key (S3), the one place the bytes of an upload that
    /// loses a conflict can be stored again from. A full staging disk drops the copy (logged).
    /// </summary>
    public void KeepLocalCopy(StagingFile mirror) => _mirror = mirror;

    /// <summary>
    /// Says the bytes come in order from a file already complete (a staged or pending file), never
    /// rewritten: no part is held back, each goes up as soon as the next begins, and a part's
    /// buffer is taken whole. Such an upload never holds an unsent buffer while it waits for
    /// memory, so it can wait as long as it takes instead of failing (it has no disk to fall back
    /// to: it is reading from it).
    /// </summary>
    public void SourceIsFinishedFile() => _finishedSource = true;

    /// <summary>Changes the key; only possible before any part is sent.</summary>
    public bool TryMove(string key)
    {
        if (HasSentParts) return false;
        Key = key;
        return true;
    }

    /// <summary>True when [offset, offset+length) can still be written: at or past the end, or in bytes held back.</summary>
    public bool CanWrite(long offset, long length)
    {
        if (offset >= Length) return true;
        var end = Math.Min(offset + length, Length);
        foreach (var part in _parts)
        {
            if (part.End <= offset || part.Start >= end) continue;
            if (part.Upload is not null || part.Buffer is null) return false; // sent or being sent
        }
        return true;
    }

    /// <summary>
    /// Writes <paramref name="data"/> at <paramref name="offset"/>: appends (filling any gap with
    /// zeros) or rewrites held-back bytes. Check <see cref="CanWrite"/> first. Throws
    /// <see cref="WriteMemoryExhaustedException"/> when no memory came free in time and nothing
    /// was sent yet, so the caller can move the bytes to disk instead.
    /// </summary>
    public async ValueTask WriteAsync(long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        ThrowIfFailed();
        if (!CanWrite(offset, data.Length))
            throw new InvalidOperationException("these bytes were already uploaded");
        if (_mirror is { } mirror)
        {
            try
            {
                await mirror.WriteAsync(offset, data, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is StagingFullException or IOException)
            {
                _logger.LogWarning("No local copy of '{Key}' could be kept ({Error}): if it is changed elsewhere before it is closed, " +
                                   "its bytes will stay in the store as an unfinished upload instead of a conflict copy", Key, e.Message);
                mirror.Dispose();
                _mirror = null;
            }
        }
        if (offset < Length)
        {
            var inPlace = (int)Math.Min(data.Length, Length - offset);
            Patch(offset, data.Span[..inPlace]);
            offset += inPlace;
            data = data[inPlace..];
        }
        while (Length < offset)
            await AppendAsync(ZeroBlock[..(int)Math.Min(ZeroBlock.Length, offset - Length)], cancellationToken).ConfigureAwait(false);
        if (data.Length > 0)
            await AppendAsync(data, cancellationToken).ConfigureAwait(false);
    }

    private static readonly ReadOnlyMemory<byte> ZeroBlock = new byte[1 << 20];

    /// <summary>
    /// Appends <paramref name="data"/> at the end when the part being filled has room for all of
    /// it as it is (no buffer to rent or grow, no part to send, no local copy to keep), and says
    /// whether it did; false writes nothing. Never waits, so a caller can hand over bytes it owns
    /// only until it returns (libfuse's request buffer) instead of copying them first.
    /// </summary>
    public bool TryAppendNow(long offset, ReadOnlySpan<byte> data)
    {
        if (_failure is not null || _mirror is not null || offset != Length || _parts.Count == 0)
            return false;
        var last = _parts[^1];
        if (last.Buffer is not { } buffer || last.Upload is not null ||
            data.Length > Math.Min(last.Capacity, buffer.Length) - last.Filled)
            return false;
        data.CopyTo(buffer.GetSpan()[last.Filled..]);
        last.Filled += data.Length;
        Length += data.Length;
        _progress?.Wrote(Length);
        return true;
    }

    private void Patch(long offset, ReadOnlySpan<byte> data)
    {
        foreach (var part in _parts)
        {
            if (data.IsEmpty) return;
            if (part.End <= offset || part.Start >= offset + data.Length) continue;
            var into = (int)(offset - part.Start);
            var count = (int)Math.Min(data.Length, part.End - offset);
            data[..count].CopyTo(part.Buffer!.GetSpan()[into..]);
            offset += count;
            data = data[count..];
        }
    }

    private async ValueTask AppendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        while (data.Length > 0)
        {
            var part = await PartWithRoomAsync(cancellationToken).ConfigureAwait(false);
            var count = (int)Math.Min(data.Length, Math.Min(part.Capacity, part.Buffer!.Length) - part.Filled);
            data.Span[..count].CopyTo(part.Buffer!.GetSpan()[part.Filled..]);
            part.Filled += count;
            Length += count;
            data = data[count..];
        }
        _progress ??= _uploads?.Begin(Key);
        _progress?.Wrote(Length);
    }

    /// <summary>The part to append to: the last one while it has room, else a new one (sending the full one).</summary>
    private async ValueTask<Part> PartWithRoomAsync(CancellationToken cancellationToken)
    {
        var last = _parts.Count > 0 ? _parts[^1] : null;
        if (last is not null && last.Filled < last.Capacity)
        {
            if (last.Filled == last.Buffer!.Length)
                await GrowAsync(last, cancellationToken).ConfigureAwait(false);
            return last;
        }
        if (last is not null && (last.Number > 1 || _finishedSource))
            await SendAsync(last, cancellationToken).ConfigureAwait(false);
        var number = _parts.Count + 1;
        if (number > _sizing.MaxParts)
            throw new FileTooLargeException(Key, _sizing.Capacity);
        var capacity = _sizing.SizeOf(number);
        var part = new Part(number, last?.End ?? 0, capacity);
        // The first part grows as it fills: a small file (or an idle log) holds little memory.
        part.Buffer = await RentAsync(number == 1 && !_finishedSource ? FirstBufferBytes : (int)capacity, cancellationToken).ConfigureAwait(false);
        _parts.Add(part);
        return part;
    }

    private async ValueTask GrowAsync(Part part, CancellationToken cancellationToken)
    {
        var bigger = await RentAsync((int)Math.Min(part.Capacity, (long)part.Buffer!.Length * 4), cancellationToken).ConfigureAwait(false);
        part.Buffer.GetSpan()[..part.Filled].CopyTo(bigger.GetSpan());
        _pool.Return(part.Buffer);
        part.Buffer = bigger;
    }

    private async ValueTask<NativeBuffer> RentAsync(int bytes, CancellationToken cancellationToken)
    {
        while (true)
        {
            var buffer = await _pool.RentAsync(bytes, MemoryWait, cancellationToken).ConfigureAwait(false);
            if (buffer is not null)
                return buffer;
            // Every writer that waits too long gives something up, so no set of writers can
            // hold the whole budget while waiting on each other.
            if (!HasSentParts && !_finishedSource)
                throw new WriteMemoryExhaustedException();
            if (_parts.Count > 0 && _parts[0].Buffer is not null && _parts[0].Upload is null)
            {
                _logger.LogDebug("Write memory is short: sending the held-back first part of '{Key}' now", Key);
                await SendAsync(_parts[0], cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Starts uploading a full part once a slot is free; its buffer returns to the pool when it is stored.</summary>
    private async ValueTask SendAsync(Part part, CancellationToken cancellationToken)
    {
        await _inFlight.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfFailed();
            _upload ??= await _store.BeginSegmentedUploadAsync(Key, _options, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _inFlight.Release();
            throw;
        }
        var upload = _upload;
        var buffer = part.Buffer!;
        PartsSent++;
        part.Upload = Task.Run(async () =>
        {
            try
            {
                var stored = await upload.UploadPartAsync(part.Number, buffer.Memory[..part.Filled], CancellationToken.None).ConfigureAwait(false);
                _progress?.Stored(stored.Size);
                return stored;
            }
            catch (Exception e)
            {
                _failure ??= e;
                throw;
            }
            finally
            {
                part.Buffer = null;
                _pool.Return(buffer);
                _inFlight.Release();
            }
        }, CancellationToken.None);
    }

    private void ThrowIfFailed()
    {
        if (_failure is { } failure)
            throw new IOException($"an earlier part of '{Key}' failed to upload: {failure.Message}", failure);
    }

    /// <summary>Writes every byte still held in memory to <paramref name="staging"/> at its offset.</summary>
    public async ValueTask CopyHeldBytesAsync(StagingFile staging, CancellationToken cancellationToken)
    {
        foreach (var part in _parts)
        {
            if (part.Buffer is { } buffer && part.Upload is null && part.Filled > 0)
                await staging.WriteAsync(part.Start, buffer.Memory[..part.Filled], cancellationToken).ConfigureAwait(false);
        }
        if (staging.Length < Length)
            staging.SetLength(Length);
    }

    /// <summary>
    /// Makes the object visible: one PUT when nothing was sent, else the remaining parts and the
    /// manifest. Checks that the store holds exactly the bytes written. On failure the parts are
    /// removed and any previous object under the key is untouched.
    /// </summary>
    public async Task<ObjectInfo> CompleteAsync(CancellationToken cancellationToken)
    {
        _progress?.Closing();
        try
        {
            ObjectInfo info;
            if (FitsOnePut)
            {
                info = await PutHeldBytesAsync(Key, _options, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                foreach (var part in _parts.Where(p => p.Upload is null))
                    await SendAsync(part, cancellationToken).ConfigureAwait(false);
                var stored = await Task.WhenAll(_parts.Select(p => p.Upload!)).ConfigureAwait(false);
                var total = stored.Sum(p => p.Size);
                if (total != Length)
                    throw new IntegrityException("complete upload", Key, $"the parts hold {total} bytes but {Length} were written");
                info = await _upload!.CompleteAsync(stored.OrderBy(p => p.PartNumber).ToList(), cancellationToken).ConfigureAwait(false);
            }
            if (info.Size != Length)
                throw new IntegrityException("complete upload", Key, $"the store reports {info.Size} bytes but {Length} were written");
            await ReleaseBuffersAsync().ConfigureAwait(false);
            EndProgress(stored: true);
            DropMirror();
            return info;
        }
        catch (WriteConflictException)
        {
            // nothing was written under the key; the bytes stay for KeepUnderAsync
            throw;
        }
        catch
        {
            await AbortAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// After <see cref="CompleteAsync"/> lost a conflict: stores the bytes under
    /// <paramref name="key"/> instead, with no condition. Returns null when the store cannot move
    /// the parts and no local copy was kept: the unfinished upload is then left in the store.
    /// <paramref name="uploadStaged"/> uploads the local copy when that is the way.
    /// </summary>
    public async Task<ObjectInfo?> KeepUnderAsync(string key, Func<StagingFile, Task<ObjectInfo>> uploadStaged, CancellationToken cancellationToken)
    {
        try
        {
            if (FitsOnePut)
                return await PutHeldBytesAsync(key, _options.Unconditional, cancellationToken).ConfigureAwait(false);
            var stored = await Task.WhenAll(_parts.Select(p => p.Upload!)).ConfigureAwait(false);
            if (_upload!.CanCompleteUnderAnotherKey)
                return await _upload.CompleteUnderAsync(key, stored.OrderBy(p => p.PartNumber).ToList(), cancellationToken).ConfigureAwait(false);
            if (_mirror is not { } mirror)
            {
                _logger.LogError("The bytes of '{Key}' could not be stored under '{Copy}': they are in the store as an unfinished upload of '{Key}'; " +
                                 "complete or abort it with the store's tools", Key, key, Key);
                _upload = null; // not aborted: it holds the only copy
                return null;
            }
            var copy = await uploadStaged(mirror).ConfigureAwait(false);
            await AbortAsync().ConfigureAwait(false);
            return copy;
        }
        finally
        {
            await ReleaseBuffersAsync().ConfigureAwait(false);
            EndProgress(stored: false);
            DropMirror();
        }
    }

    /// <summary>True while the whole file is in the first, held-back part: it goes up as one PUT.</summary>
    private bool FitsOnePut => !HasSentParts && _parts.Count <= 1;

    private async Task<ObjectInfo> PutHeldBytesAsync(string key, ObjectWriteOptions options, CancellationToken cancellationToken)
    {
        var first = _parts.Count > 0 ? _parts[0] : null;
        using var content = first is null ? Stream.Null : first.Buffer!.AsStream(first.Filled);
        return await _store.PutAsync(key, content, options, cancellationToken).ConfigureAwait(false);
    }

    private void DropMirror()
    {
        _mirror?.Dispose();
        _mirror = null;
    }

    /// <summary>Drops everything: waits for parts in flight, removes what was sent, frees the buffers.</summary>
    public async Task AbortAsync()
    {
        await ReleaseBuffersAsync().ConfigureAwait(false);
        EndProgress(stored: false);
        if (_upload is { } upload)
        {
            _upload = null;
            try
            {
                await upload.AbortAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                _logger.LogWarning("Could not remove the uploaded parts of '{Key}': {Message}. They are named after the upload and can be deleted by hand.", Key, e.Message);
            }
        }
    }

    private void EndProgress(bool stored)
    {
        if (_progress is { } progress)
            _uploads!.End(progress, stored);
        _progress = null;
    }

    private async Task ReleaseBuffersAsync()
    {
        foreach (var part in _parts)
        {
            if (part.Upload is { } sending)
            {
                try
                {
                    await sending.ConfigureAwait(false);
                }
                catch
                {
                    // reported through _failure or by CompleteAsync
                }
            }
            else if (part.Buffer is { } buffer)
            {
                part.Buffer = null;
                _pool.Return(buffer);
            }
        }
        _parts.Clear();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await AbortAsync().ConfigureAwait(false);
        DropMirror();
    }

    private sealed class Part(int number, long start, long capacity)
    {
        public int Number { get; } = number;
        public long Start { get; } = start;
        public long Capacity { get; } = capacity;
        public long End => Start + Filled;
        public int Filled { get; set; }
        public NativeBuffer? Buffer { get; set; }
        public Task<UploadedPart>? Upload { get; set; }
    }
}

/// <summary>The write buffer budget stayed full and this writer had nothing in flight to wait for.</summary>
public sealed class WriteMemoryExhaustedException() : Exception("no write memory came free in time");

/// <summary>A file grew past what the store can hold in one object.</summary>
public sealed class FileTooLargeException(string key, long capacity)
    : Exception($"'{key}' would exceed {capacity} bytes, the largest object this store holds");
