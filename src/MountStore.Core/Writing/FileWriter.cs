using Microsoft.Extensions.Logging;
using MountStore.Core.FileSystem;
using MountStore.Core.Storage;
using MountStore.Core.Model;

namespace MountStore.Core.Writing;

/// <summary>
/// The bytes of one file open for writing, until they are committed to the store. A file written
/// in order from its start streams into an upload (no disk, bounded memory). Anything else — a
/// write into an existing object, a write behind what was already written, a truncate, a read of
/// the handle — moves it to a staging file, filled from the object only where needed. Commit
/// (flush, fsync, close) uploads and verifies; only then is the new version in the store.
/// </summary>
public sealed class FileWriter : IAsyncDisposable
{
    private readonly WriteContext _context;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IReadOnlyDictionary<string, string>? _foreignMetadata;
    private readonly bool _preferStaging;
    private StreamingUpload? _streaming;
    private StagingFile? _staging;
    private long _baseLength;
    private string? _baseVersion;
    private long _length;
    private bool _dirty;
    private bool _contentChanged;
    private Exception? _failedWrite;

    private FileWriter(WriteContext context, string key, FileMetadata metadata, ObjectInfo? baseObject, bool truncate, bool preferStaging)
    {
        _context = context;
        Key = key;
        Metadata = metadata;
        _foreignMetadata = baseObject?.Metadata;
        // write-back keeps every file on local disk until it is uploaded, so nothing streams
        _preferStaging = preferStaging || context.Pending is not null;
        _baseLength = truncate || baseObject is null ? 0 : baseObject.Size;
        _length = _baseLength;
        _dirty = truncate || baseObject is null;
        _contentChanged = _everChanged = _dirty;
        ExistsInStore = baseObject is not null;
        _baseVersion = baseObject?.ETag;
        ModifiedTime = _dirty ? context.Clock.GetUtcNow() : metadata.ModifiedTime ?? baseObject!.LastModified;
    }

    /// <summary>A writer for a file that does not exist yet (it is committed even if nothing is written).</summary>
    public static FileWriter ForNewFile(WriteContext context, string key, FileMetadata metadata, bool preferStaging) =>
        new(context, key, metadata, null, truncate: true, preferStaging);

    /// <summary>
    /// A writer over the existing object <paramref name="baseObject"/>: emptied at once with
    /// <paramref name="truncate"/> (O_TRUNC), else changed where written.
    /// </summary>
    public static FileWriter ForExisting(WriteContext context, string key, FileMetadata metadata, ObjectInfo baseObject, bool truncate, bool preferStaging) =>
        new(context, key, metadata, baseObject, truncate, preferStaging);

    /// <summary>
    /// A writer for a file an earlier mount accepted (its close() returned) and did not upload:
    /// its bytes are whole on local disk, it uploads as that writer would have.
    /// </summary>
    public static FileWriter ForRecovered(WriteContext context, PendingUpload record)
    {
        var metadata = new FileMetadata(record.Kind, record.Permissions, record.Uid, record.Gid, record.ModifiedTime, record.AccessTime);
        var writer = new FileWriter(context, record.Key, metadata, null, truncate: true, preferStaging: true)
        {
            _foreignMetadata = record.ForeignMetadata,
            _baseVersion = record.BaseVersion,
            ExistsInStore = record.ExistsInStore,
            ModifiedTime = record.ModifiedTime ?? record.ClosedAt,
            Sealed = record,
        };
        writer._staging = new StagingFile(context.Staging, context.Pending!.OpenData(record.Id), 0, record.Id, completeLength: record.Length);
        writer._length = record.Length;
        return writer;
    }

    /// <summary>The key the file is committed to; a rename while open changes it (and a pending upload's record with it).</summary>
    public string Key
    {
        get => _key;
        set
        {
            _key = value;
            if (Sealed is { } pending)
                Reseal(pending with { Key = value });
        }
    }

    private string _key = "";

    /// <summary>
    /// With write-back: the record of the upload this writer owes, from the close that sealed it
    /// until the object is in the store; null when nothing is pending.
    /// </summary>
    public PendingUpload? Sealed { get; private set; }

    /// <summary>True while a closed file waits for its upload (write-back).</summary>
    public bool IsSealed => Sealed is not null;

    /// <summary>Records a change to the upload this writer owes (its key, metadata or base version) after the close that sealed it.</summary>
    private void Reseal(PendingUpload record)
    {
        _context.Pending!.Update(record);
        Sealed = record;
    }

    /// <summary>Mode, owner and an explicit mtime to commit with.</summary>
    public FileMetadata Metadata { get; set; }

    /// <summary>What stat() shows as mtime while the file is open: the last write, or a time set explicitly.</summary>
    public DateTimeOffset ModifiedTime { get; private set; }

    /// <summary>The version (ETag) this writer started from or last committed; null for a name it created and has not stored yet.</summary>
    public string? BaseVersion => _baseVersion;

    /// <summary>The file's length as written so far.</summary>
    public long Length => Volatile.Read(ref _length);

    /// <summary>
    /// True once the file's bytes were changed through this writer, committed or not: from then
    /// on its handles read through it, never through a reader of the version they opened.
    /// </summary>
    public bool HasChangedContent => Volatile.Read(ref _everChanged);

    private bool _everChanged;

    /// <summary>True when there is something to commit (bytes, or only mode, owner or mtime).</summary>
    public bool IsDirty => Volatile.Read(ref _dirty);

    /// <summary>True once the file was unlinked while open: nothing more is committed.</summary>
    public bool IsDiscarded { get; private set; }

    /// <summary>Stops all commits: the file was deleted while open, so its bytes go nowhere (nor does its pending upload).</summary>
    public void Discard()
    {
        IsDiscarded = true;
        if (Sealed is { } pending)
        {
            _context.Pending!.Remove(pending.Id);
            Sealed = null;
        }
    }

    /// <summary>True when a version of the file is in the store (it was there at open, or was committed since).</summary>
    public bool ExistsInStore { get; private set; }

    /// <summary>True once the bytes went to a staging file.</summary>
    public bool IsStaged => _staging is not null;

    /// <summary>Sets the mtime to commit (utimens); also marks the file as changed.</summary>
    public void SetModifiedTime(DateTimeOffset time)
    {
        Metadata = Metadata with { ModifiedTime = time };
        ModifiedTime = time;
        _dirty = true;
    }

    /// <summary>Sets mode or owner to commit (chmod, chown); also marks the file as changed.</summary>
    public void SetMetadata(FileMetadata metadata)
    {
        Metadata = metadata;
        _dirty = true;
    }

    /// <summary>Writes <paramref name="data"/> at <paramref name="offset"/>.</summary>
    public async ValueTask WriteAsync(long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // a writer that lost a conflict is done: its bytes are in the copy, named in the error
            if (_conflict is { } lost)
                throw lost;
            if (offset + data.Length > _context.Sizing.Capacity)
                throw new FileSystemException(FileSystemError.FileTooLarge, Key, $"the store holds objects of at most {_context.Sizing.Capacity} bytes");
            if (_staging is null && _streaming is null && !_preferStaging && _baseLength == 0 && _length == 0)
            {
                _streaming = _context.NewUpload(Key, Conditional(Metadata.ToWriteOptions(_foreignMetadata)));
                if (!_context.Store.Limits.PartsCanMoveToAnotherKey)
                    _streaming.KeepLocalCopy(new StagingFile(_context.Staging, 0));
            }
            if (_streaming is not null)
            {
                if (_streaming.CanWrite(offset, data.Length))
                {
                    try
                    {
                        await _streaming.WriteAsync(offset, data, cancellationToken).ConfigureAwait(false);
                        Written(offset + data.Length);
                        return;
                    }
                    catch (WriteMemoryExhaustedException)
                    {
                        _context.Logger.LogDebug("Write memory is short: moving '{Key}' to a staging file", Key);
                    }
                }
                await MoveToStagingAsync("write behind the bytes already uploaded", cancellationToken).ConfigureAwait(false);
            }
            var staging = Staging();
            await staging.WriteAsync(offset, data, cancellationToken).ConfigureAwait(false);
            Written(offset + data.Length);
        }
        catch (Exception e)
        {
            // The application saw this write fail; a later close must not store the file without it.
            _failedWrite ??= e;
            throw;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Writes <paramref name="data"/> at the end of a file being uploaded as it is written, when
    /// that needs no wait of any kind, and says whether it did; false writes nothing and the
    /// caller goes the <see cref="WriteAsync"/> way. The bytes are copied before this returns.
    /// </summary>
    public bool TryWriteNow(long offset, ReadOnlySpan<byte> data)
    {
        if (!_gate.Wait(0))
            return false;
        try
        {
            if (_conflict is not null || _streaming is not { } streaming || offset + data.Length > _context.Sizing.Capacity ||
                !streaming.TryAppendNow(offset, data))
                return false;
            Written(offset + data.Length);
            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    private void Written(long end)
    {
        Volatile.Write(ref _length, Math.Max(_length, end));
        _dirty = _contentChanged = _everChanged = true;
        if (Metadata.ModifiedTime is null)
            ModifiedTime = _context.Clock.GetUtcNow();
    }

    /// <summary>Reads what the file holds now (written bytes, and the object's where not overwritten).</summary>
    public async ValueTask<int> ReadAsync(long offset, Memory<byte> destination, CancellationToken cancellationToken)
    {
        // A sealed file is whole on disk and does not change until its upload is done (anything
        // that would change it commits it first): read it without waiting for that upload.
        if (Sealed is not null && _staging is { } sealedFile)
            return await sealedFile.ReadAsync(offset, destination, _context.Store, Key, cancellationToken).ConfigureAwait(false);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_streaming is not null)
                await MoveToStagingAsync("read while writing", cancellationToken).ConfigureAwait(false);
            return await Staging().ReadAsync(offset, destination, _context.Store, Key, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Sets the file's length (truncate or extend with zeros).</summary>
    public async ValueTask TruncateAsync(long length, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_conflict is { } lost)
                throw lost;
            if (length == _length && _staging is null)
            {
                _dirty = _contentChanged = true;
                return;
            }
            if (_streaming is not null)
                await MoveToStagingAsync("truncate while writing", cancellationToken).ConfigureAwait(false);
            Staging().SetLength(length);
            _baseLength = Math.Min(_baseLength, length);
            Volatile.Write(ref _length, length);
            _dirty = _contentChanged = _everChanged = true;
            if (Metadata.ModifiedTime is null)
                ModifiedTime = _context.Clock.GetUtcNow();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// <paramref name="options"/> made conditional on what this writer started from: the name
    /// free, or the version it opened (or last committed). Nothing a writer commits silently
    /// replaces a version it never saw.
    /// </summary>
    private ObjectWriteOptions Conditional(ObjectWriteOptions options) =>
        _baseVersion is not null ? options with { ExpectETag = _baseVersion }
        : !ExistsInStore ? options with { ExpectNoObject = true }
        : options;

    /// <summary>
    /// The object under <see cref="Key"/> is now <paramref name="version"/> by this mount's own
    /// doing (the file was renamed, or a file unlinked here while open still holds the key), so
    /// a commit may replace that version without it being a conflict.
    /// </summary>
    public void Rebase(string version)
    {
        _baseVersion = version;
        if (Sealed is { } pending)
            Reseal(pending with { BaseVersion = version });
    }

    private StagingFile Staging()
    {
        if (_staging is null)
        {
            _staging = _context.NewStagingFile(_baseLength);
            _staging.BaseVersion = _baseVersion;
            if (_length != _baseLength)
                _staging.SetLength(_length);
        }
        return _staging;
    }

    /// <summary>
    /// Makes the file independent of its object in the store: a staged file is filled where
    /// nothing was written. For a file unlinked while open whose key is about to be reused. A
    /// streamed file needs nothing: it was written from its start, none of it comes from the object.
    /// </summary>
    public async ValueTask MakeLocalAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_streaming is not null)
                return;
            var staging = Staging();
            await staging.FillAsync(0, staging.Length, _context.Store, Key, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Moves bytes streamed so far to a staging file. Possible while nothing was uploaded: every
    /// byte is still in memory. After that the bytes are in the store but not readable until the
    /// upload is complete, and the operation is refused with an error that says so.
    /// </summary>
    private async ValueTask MoveToStagingAsync(string why, CancellationToken cancellationToken)
    {
        var streaming = _streaming!;
        if (streaming.HasSentParts)
            throw new FileSystemException(FileSystemError.NotSupported, Key,
                $"{why}: this file is written as a stream and its first {streaming.PartsSent} parts are already uploaded. " +
                "Write large files from start to end, or open them read-write (O_RDWR), which stages them on disk");
        var staging = new StagingFile(_context.Staging, 0);
        try
        {
            // nothing was sent, so the stream holds every byte: copy them over, then drop it
            await streaming.CopyHeldBytesAsync(staging, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            staging.Dispose();
            throw;
        }
        await streaming.DisposeAsync().ConfigureAwait(false);
        _streaming = null;
        _staging = staging;
        _baseLength = 0;
    }

    /// <summary>
    /// Changes mode, owner or times of a sealed file whose upload has not begun, in its record,
    /// so the upload carries them (tar and cp -p set them right after close: waiting for each
    /// file's upload first would make them serial again). False when the file is not sealed
    /// any more (its upload finished meanwhile): the caller changes it as any other file.
    /// </summary>
    public async Task<bool> AmendSealedAsync(FileMetadata metadata, DateTimeOffset? modifiedTime, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false); // an upload in flight holds it
        try
        {
            if (Sealed is not { } pending)
                return false;
            Metadata = metadata with { ModifiedTime = metadata.ModifiedTime ?? modifiedTime ?? ModifiedTime };
            if (modifiedTime is { } time)
                ModifiedTime = time;
            Reseal(pending with
            {
                Kind = Metadata.Kind,
                Permissions = Metadata.Permissions,
                Uid = Metadata.Uid,
                Gid = Metadata.Gid,
                ModifiedTime = Metadata.ModifiedTime,
                AccessTime = Metadata.AccessTime,
            });
            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Write-back's close: makes the file whole on local disk (bytes of the object it changes
    /// fetched where not written), flushes it to disk and records the upload it owes, durably.
    /// Returns false when there is nothing to upload, or only metadata to change (cheap enough
    /// to do now: <see cref="CommitAsync"/>). The caller must commit a sealed writer before
    /// changing it again, so a recorded upload's bytes never change under it.
    /// </summary>
    public async Task<bool> SealAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_conflict is { } lost)
                throw lost;
            if (Sealed is not null)
                return true;
            if (!_dirty || IsDiscarded || (!_contentChanged && ExistsInStore && _staging is null))
                return false;
            if (_failedWrite is { } failed)
                throw new IOException($"a write to '{Key}' failed earlier ({failed.Message}); the file was not stored, its previous version is unchanged", failed);
            var staging = Staging();
            await staging.FillAsync(0, staging.Length, _context.Store, Key, cancellationToken).ConfigureAwait(false);
            // the upload comes later: the object records when the file was written, not uploaded
            Metadata = Metadata with { ModifiedTime = Metadata.ModifiedTime ?? ModifiedTime };
            Sealed = staging.Seal(_context.Pending!, new PendingUpload(staging.KeptAs!, Key, staging.Length, Metadata.Kind, Metadata.Permissions, Metadata.Uid, Metadata.Gid,
                Metadata.ModifiedTime, Metadata.AccessTime, _context.Clock.GetUtcNow(),
                _foreignMetadata is null ? null : new Dictionary<string, string>(_foreignMetadata), _baseVersion, ExistsInStore));
            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Puts what was written into the store, verified, and returns the stored object; null when
    /// nothing changed. On failure nothing is committed, uploaded parts are removed, and the
    /// object's previous version is untouched. With <paramref name="onlySealed"/> (write-back's
    /// upload) it commits only the version a close sealed: when that was committed meanwhile
    /// and the file changed again, the new bytes are an open file's, not the upload's to send.
    /// </summary>
    public async Task<ObjectInfo?> CommitAsync(CancellationToken cancellationToken, bool onlySealed = false)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_conflict is { } lost)
                throw lost;
            if (!_dirty || IsDiscarded || (onlySealed && Sealed is null))
                return null;
            if (_failedWrite is { } failed)
                throw new IOException($"a write to '{Key}' failed earlier ({failed.Message}); the file was not stored, its previous version is unchanged", failed);
            var options = Conditional(Metadata.ToWriteOptions(_foreignMetadata));
            ObjectInfo info;
            StreamingUpload? streaming = null;
            try
            {
                if (!_contentChanged && ExistsInStore && _streaming is null)
                {
                    // Only mode, owner or mtime changed: the stored bytes are already right, so the
                    // metadata is replaced in place instead of the content being fetched and sent again.
                    info = await _context.Store.CopyAsync(Key, Key, options.Metadata, cancellationToken).ConfigureAwait(false);
                }
                else if (_streaming is not null)
                {
                    streaming = _streaming;
                    _streaming = null; // whatever happens, this stream is finished
                    streaming.TryReplaceOptions(options);
                    info = await streaming.CompleteAsync(cancellationToken).ConfigureAwait(false);
                    if (streaming.Key != Key)
                        info = await _context.Store.RenameAsync(streaming.Key, Key, cancellationToken).ConfigureAwait(false);
                    if (!SameMetadata(streaming.Options, options))
                        info = await _context.Store.CopyAsync(Key, Key, options.Metadata, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    info = await UploadStagedAsync(Staging(), Key, options, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is WriteConflictException || (e is ObjectChangedException && _staging is not null))
            {
                // An ObjectChangedException here is the staging file finding, while it fills in
                // the bytes this writer did not write, that the version it started from is gone.
                var conflict = e as WriteConflictException ?? new WriteConflictException("PUT", Key, e.Message);
                throw await KeepConflictCopyAsync(conflict, streaming, options, cancellationToken).ConfigureAwait(false);
            }
            _baseVersion = info.ETag;
            _baseLength = info.Size;
            _dirty = _contentChanged = false;
            ExistsInStore = true;
            Settle();
            return info;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Stores this writer's bytes beside the object that changed, and returns the error that
    /// tells the application (EIO) and the log where they went. From then on this writer's
    /// commits go to the copy, never to the key another writer won.
    /// </summary>
    private async Task<ConflictCopyException> KeepConflictCopyAsync(WriteConflictException conflict, StreamingUpload? streaming, ObjectWriteOptions options, CancellationToken cancellationToken)
    {
        var copyKey = await ConflictCopies.FreeNameAsync(_context.Store, Key, _context.HostName, _context.Clock.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        ObjectInfo? copy = null;
        Exception? failure = null;
        try
        {
            if (streaming is not null)
            {
                copy = await streaming.KeepUnderAsync(copyKey, mirror => UploadStagedAsync(mirror, copyKey, options.Unconditional, cancellationToken), cancellationToken).ConfigureAwait(false);
            }
            else
            {
                // bytes this writer neither wrote nor read come from what the store holds now
                var staging = Staging();
                staging.BaseVersion = null;
                staging.BaseMayBeShorter = true;
                copy = await UploadStagedAsync(staging, copyKey, options.Unconditional, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is ObjectStoreException or IOException)
        {
            failure = e;
        }
        var lost = new ConflictCopyException(Key, copyKey, copy, conflict, failure);
        if (copy is not null)
        {
            _conflict = lost;
            _dirty = _contentChanged = false;
            Settle(); // the bytes are stored, in the copy
        }
        _context.Conflicts.Record(lost);
        return lost;
    }

    private ConflictCopyException? _conflict;

    /// <summary>The upload this writer owed is done: its record goes (its data file stays while the writer may write again).</summary>
    private void Settle()
    {
        if (Sealed is { } pending)
        {
            _context.Pending!.RemoveRecord(pending.Id);
            Sealed = null;
        }
    }

    private async Task<ObjectInfo> UploadStagedAsync(StagingFile staging, string key, ObjectWriteOptions options, CancellationToken cancellationToken)
    {
        await staging.FillAsync(0, staging.Length, _context.Store, Key, cancellationToken).ConfigureAwait(false);
        if (staging.Length <= _context.Options.PartBytes)
        {
            var progress = _context.Uploads.Begin(key);
            progress.Wrote(staging.Length);
            progress.Closing();
            var stored = false;
            try
            {
                await using var content = staging.OpenRead();
                var info = await _context.Store.PutAsync(key, content, options, cancellationToken).ConfigureAwait(false);
                if (info.Size != staging.Length)
                    throw new IntegrityException("PUT", key, $"the store holds {info.Size} bytes but {staging.Length} were written");
                stored = true;
                return info;
            }
            finally
            {
                _context.Uploads.End(progress, stored);
            }
        }
        var upload = _context.NewUpload(key, options);
        upload.SourceIsFinishedFile();
        try
        {
            var buffer = new byte[1 << 20];
            await using var content = staging.OpenRead();
            long offset = 0;
            int got;
            while ((got = await content.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                await upload.WriteAsync(offset, buffer.AsMemory(0, got), cancellationToken).ConfigureAwait(false);
                offset += got;
            }
            return await upload.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await upload.AbortAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Hands the stored bytes to the data cache; a cache that cannot take them never fails the close, the file is just dropped.</summary>
    private void KeepAsCached(Action<string, string, long, string, bool> keep, string version, long length, string id, bool onDisk)
    {
        try
        {
            keep(Key, version, length, _context.Pending!.DataPath(id), onDisk);
        }
        catch (Exception e)
        {
            _context.Logger.LogDebug("'{Key}' was not kept as cached data: {Message}", Key, e.Message);
            _context.Pending!.DeleteUnrecorded(id);
        }
    }

    private static bool SameMetadata(ObjectWriteOptions a, ObjectWriteOptions b) =>
        a.Metadata.Count == b.Metadata.Count && a.Metadata.All(pair => b.Metadata.TryGetValue(pair.Key, out var value) && value == pair.Value);

    /// <summary>Drops everything not committed: parts sent are removed, the staging file deleted.</summary>
    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_streaming is { } streaming)
                await streaming.DisposeAsync().ConfigureAwait(false);
            _streaming = null;
            if (_staging is { } staging)
            {
                staging.Dispose();
                // A pending upload keeps its bytes for the next mount. Bytes that are exactly the
                // stored version become its cached data; anything else is scratch.
                if (staging.KeptAs is { } id && Sealed is null)
                {
                    if (!_dirty && !IsDiscarded && _conflict is null && _baseVersion is { } stored && _context.KeepWritten is { } keep && staging.Length == _baseLength)
                        KeepAsCached(keep, stored, staging.Length, id, staging.OnDisk);
                    else
                        _context.Pending!.DeleteUnrecorded(id);
                }
            }
            _staging = null;
        }
        finally
        {
            _gate.Release();
        }
    }
}
