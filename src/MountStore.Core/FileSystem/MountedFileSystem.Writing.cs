using Microsoft.Extensions.Logging;
using MountStore.Core.Metadata;
using MountStore.Core.Namespace;
using MountStore.Core.Storage;
using MountStore.Core.WriteBack;
using MountStore.Core.Writing;
using MountStore.Core.Model;

namespace MountStore.Core.FileSystem;

/// <summary>
/// Files being written: one writer per path, shared by every handle that writes it, committed on
/// flush (close) and fsync. Until committed the file is seen in this mount only, through the
/// writer: its size is what was written so far.
/// </summary>
public sealed partial class MountedFileSystem
{
    private readonly WriteContext _writing;
    private readonly OpenWriters _writers;
    private readonly WriteBackQueue? _writeBack;

    /// <summary>Closed files waiting for their background upload (write-back); null without write-back.</summary>
    public WriteBackStatus? PendingUploads => _writeBack?.Status() is { } status ? status with { FolderChanges = _folderChanges?.Pending ?? 0 } : null;

    /// <summary>Write buffers, staging disk and the store, as writers share them.</summary>
    public WriteContext Writing => _writing;

    /// <summary>Files with an open writer now.</summary>
    public int OpenWriterCount => _writers.Count;

    /// <summary>Creates the file at <paramref name="path"/> and opens it; it reaches the store when first flushed.</summary>
    public ValueTask<OpenFile> CreateAsync(string path, uint permissions, OpenIntent mode, CancellationToken cancellationToken)
    {
        try
        {
            ThrowIfReadOnly(path);
            ValidateNewName(path, directory: false);
            var writer = _writers.Add(path, FileWriter.ForNewFile(_writing, _namespace.KeyOf(path), new FileMetadata(NodeKind.File, permissions), preferStaging: mode.Read));
            var attributes = _writers.AttributesOf(writer);
            ShowInParent(path, attributes);
            return ValueTask.FromResult(Register(path, null, writer, mode, attributes, revalidated: false));
        }
        catch (Exception e) when (FailureTranslation.Needs(e, cancellationToken))
        {
            throw FailureTranslation.Of(e, path);
        }
    }

    /// <summary>Writes to an open file.</summary>
    public async ValueTask WriteAsync(ulong handle, long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        try
        {
            var opened = HandleOf(handle);
            var writer = opened.Mode.Write ? opened.Writer! : throw new FileSystemException(FileSystemError.BadHandle, opened.Path, "the file was opened read-only");
            if (writer.IsSealed)
                await CommitNowAsync(writer, cancellationToken).ConfigureAwait(false);
            await writer.WriteAsync(offset, data, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (FailureTranslation.Needs(e, cancellationToken))
        {
            throw FailureTranslation.Of(e, PathOfHandle(handle));
        }
    }

    /// <summary>
    /// Writes <paramref name="data"/> at <paramref name="offset"/> when it can be done at once
    /// (appending to a file uploaded as it is written, with room in the part being filled), and
    /// says whether it did; false writes nothing, and <see cref="WriteAsync"/> does the rest, with
    /// its errors. The bytes are taken before this returns.
    /// </summary>
    public bool TryWriteNow(ulong handle, long offset, ReadOnlySpan<byte> data) =>
        _open.TryGetValue(handle, out var opened) && opened.Mode.Write && opened.Writer is { IsSealed: false } writer &&
        writer.TryWriteNow(offset, data);

    /// <summary>
    /// Commits what was written through <paramref name="handle"/> (every close): returns once
    /// the object is in the store and verified, and throws when it could not be stored. With
    /// write-back, returns once the file is whole and flushed on local disk and its upload is
    /// recorded; the upload follows in the background.
    /// </summary>
    public async ValueTask FlushAsync(ulong handle, CancellationToken cancellationToken)
    {
        try
        {
            if (HandleOf(handle).Writer is not { } writer)
                return;
            if (_writeBack is not null && await writer.SealAsync(cancellationToken).ConfigureAwait(false))
                await _writeBack.HoldAsync(writer, cancellationToken).ConfigureAwait(false);
            else
                await CommitAsync(writer, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (FailureTranslation.Needs(e, cancellationToken))
        {
            throw FailureTranslation.Of(e, PathOfHandle(handle));
        }
    }

    /// <summary>fsync: returns once the object is in the store and verified, write-back or not.</summary>
    public async ValueTask SyncAsync(ulong handle, CancellationToken cancellationToken)
    {
        try
        {
            if (HandleOf(handle).Writer is { } writer)
                await CommitNowAsync(writer, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (FailureTranslation.Needs(e, cancellationToken))
        {
            throw FailureTranslation.Of(e, PathOfHandle(handle));
        }
    }

    /// <summary>Commits now, in the foreground; a pending upload it settles is no longer held for the background.</summary>
    private async Task CommitNowAsync(FileWriter writer, CancellationToken cancellationToken)
    {
        await CommitAsync(writer, cancellationToken).ConfigureAwait(false);
        if (_writeBack is not null)
            await _writeBack.SettledAsync(writer).ConfigureAwait(false);
    }

    /// <summary>True while an application has <paramref name="writer"/>'s file open (write-back waits for its last close).</summary>
    private bool HasApplicationHandles(FileWriter writer) => _open.Values.Any(h => ReferenceEquals(h.Writer, writer));

    /// <summary>
    /// Waits until every file closed under write-back is in the store (or refused for good),
    /// reporting progress; stops early, leaving the rest for the next mount, when
    /// <paramref name="leaveNow"/> is cancelled. Returns what is left.
    /// </summary>
    public async Task<WriteBackStatus> DrainUploadsAsync(TimeSpan every, Action<WriteBackStatus> progress, CancellationToken leaveNow)
    {
        if (_folderChanges is { } changes)
            await changes.DrainAsync().ConfigureAwait(false); // one quick PUT each: never left for later
        return _writeBack is null
            ? new WriteBackStatus(0, 0, null, 0, [])
            : await _writeBack.DrainAsync(every, progress, leaveNow).ConfigureAwait(false);
    }

    /// <summary>Writes a folder's marker for <see cref="FolderChanges"/>: background work, which makes way for requests applications wait on.</summary>
    private async Task WriteMarkerLaterAsync(string path, ObjectWriteOptions options, CancellationToken cancellationToken)
    {
        ForegroundRequests.MarkBackground();
        await _store.PutAsync(_namespace.DirectoryMarkerOf(path), Stream.Null, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Files an earlier mount closed and did not upload (it was killed, crashed, or left them):
    /// each becomes a writer under its name before the mount serves anything, so whatever
    /// touches that name finds it, and is queued for upload.
    /// </summary>
    private void RecoverPendingUploads(PendingJournal journal)
    {
        var records = journal.Load(out var damaged);
        foreach (var problem in damaged)
            _logger.LogError("A pending upload from an earlier mount cannot be used and is left in place for you to look at: {Problem}", problem);
        // Two records under one key can only come from a change after close (a rename) that a
        // crash kept from the disk. The file closed last goes under the name; the earlier one is
        // uploaded beside it as a conflict copy, since it may be the renamed file: never dropped.
        var earlier = records.GroupBy(r => r.Key).SelectMany(g => g.OrderBy(r => r.ClosedAt).SkipLast(1)).ToHashSet();
        records = records.Select(record =>
        {
            if (!earlier.Contains(record))
                return record;
            var copy = record with { Key = ConflictCopies.NameFor(record.Key, _writing.HostName, record.ClosedAt), BaseVersion = null, ExistsInStore = false };
            _logger.LogWarning("'{Key}' was closed twice before the last mount stopped: the later file is uploaded under its name, the earlier one as '{Copy}'", record.Key, copy.Key);
            journal.Update(copy);
            return copy;
        }).ToList();
        foreach (var record in records)
        {
            var writer = FileWriter.ForRecovered(_writing, record);
            // a key outside this mount's prefix still uploads; it is just not shown here
            var path = record.Key.StartsWith(Options.RootPrefix, StringComparison.Ordinal) ? _namespace.PathOf(record.Key) : $"\0pending/{record.Id}";
            var registered = _writers.Add(path, writer);
            _writeBack!.Adopt(registered);
        }
        if (records.Count > 0)
            _logger.LogInformation("{Count} files closed before the last mount stopped ({Bytes} bytes) were not uploaded yet: uploading them now, before anything else touches them", records.Count, records.Sum(r => r.Length));
    }

    private Task CommitAsync(FileWriter writer, CancellationToken cancellationToken) => CommitAsync(writer, onlySealed: false, cancellationToken);

    /// <summary>
    /// Write-back's upload: commits the version the last close sealed, and nothing when a
    /// foreground commit (an O_TRUNC open, a write, an fsync) took it over meanwhile.
    /// </summary>
    private Task<bool> CommitSealedAsync(FileWriter writer, CancellationToken cancellationToken) => CommitAsync(writer, onlySealed: true, cancellationToken);

    /// <summary>Commits <paramref name="writer"/> and shows the stored object; false when there was nothing to store.</summary>
    private async Task<bool> CommitAsync(FileWriter writer, bool onlySealed, CancellationToken cancellationToken)
    {
        ObjectInfo? info;
        IDisposable keyLock;
        while (true)
        {
            // a rename can change the writer's key while this waits: lock the key it commits to
            var key = writer.Key;
            keyLock = await _keyLocks.AcquireAsync(key, cancellationToken).ConfigureAwait(false);
            if (writer.Key == key)
                break;
            keyLock.Dispose();
        }
        using (keyLock)
        {
            if (!writer.IsDiscarded && writer.IsDirty && (!onlySealed || writer.IsSealed))
            {
                await PreserveUnlinkedAsync(writer.Key, cancellationToken).ConfigureAwait(false);
                // the object still under the key is a file this mount unlinked: replacing it is no conflict
                if (_unlinked.StoredVersionOf(writer.Key) is { } ours)
                    writer.Rebase(ours);
            }
            try
            {
                info = await writer.CommitAsync(cancellationToken, onlySealed).ConfigureAwait(false);
            }
            catch (ConflictCopyException conflict)
            {
                // the key holds another machine's version now: forget ours, show the copy
                var changed = _namespace.PathOf(conflict.Key);
                _cache.Invalidate(changed, PathNames.ParentOf(changed));
                if (conflict.Copy is { } copy)
                {
                    var copyPath = _namespace.PathOf(copy.Key);
                    var copyAttributes = _attributes.File(copy, metadataLoaded: true);
                    _cache.SetAttributes(copyPath, copyAttributes, _clock.GetUtcNow());
                    ShowInParent(copyPath, copyAttributes);
                }
                throw;
            }
        }
        if (info is null)
            return false;
        var path = _namespace.PathOf(info.Key);
        var attributes = _attributes.File(info, metadataLoaded: true);
        // A write response's date is rounded up to the second on Swift, ahead of the clock; the
        // time of the last write is what the program saw while writing, until the store's own
        // time of the object (a little later) comes with the next listing or HEAD.
        if (writer.Metadata.ModifiedTime is null)
            attributes = attributes with { ModifiedTime = writer.ModifiedTime };
        _cache.SetAttributes(path, attributes, _clock.GetUtcNow());
        ShowInParent(path, attributes);
        _logger.LogDebug("Stored '{Path}': {Bytes} bytes", path, info.Size);
        return true;
    }

    /// <summary>Changes size, mode, owner or mtime of <paramref name="path"/> (setattr), through the open writer if there is one.</summary>
    public async ValueTask<NodeAttributes> SetAttributesAsync(string path, ulong? handle, AttributeChanges changes, CancellationToken cancellationToken)
    {
        try
        {
            ThrowIfReadOnly(path);
            changes = changes.At(_clock);
            var writer = handle is { } h && _open.TryGetValue(h, out var opened) && opened.Mode.Write && opened.Writer is { } own ? own : null;
            if (writer is null && UnlinkedOpenFiles.IsHidden(path))
                return UnlinkedAttributes(path) ?? throw new FileSystemException(FileSystemError.NotFound, path, "the file was unlinked and closed");
            var joined = writer is null ? _writers.Join(path) : null;
            writer ??= joined;
            try
            {
                if (writer is null && changes.Size is not null)
                    return await TruncateClosedFileAsync(path, changes, cancellationToken).ConfigureAwait(false);
                if (writer is not null)
                {
                    // a closed file waiting for its upload: mode, owner and times go into its record;
                    // a change of size waits for the upload, then changes the file as usual
                    if (writer.IsSealed && changes.Size is null &&
                        await writer.AmendSealedAsync(Changed(writer.Metadata, changes), changes.ModifiedTime, cancellationToken).ConfigureAwait(false))
                        return _writers.AttributesOf(writer);
                    if (writer.IsSealed)
                        await CommitNowAsync(writer, cancellationToken).ConfigureAwait(false); // its recorded upload first, then this change
                    // A writer joined by path with nothing to commit belongs to handles that have all
                    // flushed: closed files whose release is still on its way (rsync sets times and
                    // mode right after close), or open ones that wrote nothing. No flush is sure to
                    // follow, so the change is committed here, as for a file nobody has open.
                    var commitNow = joined is not null && !joined.IsDirty;
                    if (changes.Size is { } size)
                        await writer.TruncateAsync(size, cancellationToken).ConfigureAwait(false);
                    if (changes.ChangesMetadata)
                        writer.SetMetadata(Changed(writer.Metadata, changes));
                    if (changes.ModifiedTime is { } mtime)
                        writer.SetModifiedTime(mtime);
                    if (commitNow)
                        await CommitAsync(writer, cancellationToken).ConfigureAwait(false);
                    return _writers.AttributesOf(writer);
                }
                var attributes = await GetAttributesAsync(path, cancellationToken).ConfigureAwait(false);
                if (!changes.ChangesMetadata)
                    return attributes;
                return attributes.IsDirectory
                    ? await SetDirectoryMetadataAsync(path, attributes, changes, cancellationToken).ConfigureAwait(false)
                    : await SetObjectMetadataAsync(path, changes, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                if (joined is not null)
                    await LeaveWriterAsync(joined).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (FailureTranslation.Needs(e, cancellationToken))
        {
            throw FailureTranslation.Of(e, path);
        }
    }

    private static FileMetadata Changed(FileMetadata metadata, AttributeChanges changes) => metadata with
    {
        Permissions = changes.Permissions ?? metadata.Permissions,
        Uid = changes.Uid ?? metadata.Uid,
        Gid = changes.Gid ?? metadata.Gid,
        ModifiedTime = changes.ModifiedTime ?? metadata.ModifiedTime,
        AccessTime = changes.AccessTime ?? metadata.AccessTime,
    };

    /// <summary>truncate(2) on a path nobody has open: a writer for the length change alone, committed at once.</summary>
    private async Task<NodeAttributes> TruncateClosedFileAsync(string path, AttributeChanges changes, CancellationToken cancellationToken)
    {
        var attributes = await GetAttributesAsync(path, cancellationToken).ConfigureAwait(false);
        if (attributes.IsDirectory)
            throw new FileSystemException(FileSystemError.IsADirectory, path, "is a directory");
        var info = await _store.HeadAsync(_namespace.KeyOf(path), cancellationToken).ConfigureAwait(false)
            ?? throw new FileSystemException(FileSystemError.NotFound, path, "the object was deleted from the store");
        var writer = _writers.Add(path, FileWriter.ForExisting(_writing, info.Key, Changed(FileMetadata.Of(attributes, info.Metadata), changes), info, truncate: changes.Size == 0, preferStaging: true));
        try
        {
            await writer.TruncateAsync(changes.Size!.Value, cancellationToken).ConfigureAwait(false);
            if (changes.ModifiedTime is { } mtime)
                writer.SetModifiedTime(mtime);
            await CommitAsync(writer, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await LeaveWriterAsync(writer).ConfigureAwait(false);
        }
        return await GetAttributesAsync(path, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>chmod, chown, touch of a file: its metadata is replaced in place (Swift: POST; S3: copy onto itself).</summary>
    private async Task<NodeAttributes> SetObjectMetadataAsync(string path, AttributeChanges changes, CancellationToken cancellationToken)
    {
        var key = _namespace.KeyOf(path);
        var info = await _store.HeadAsync(key, cancellationToken).ConfigureAwait(false)
            ?? throw new FileSystemException(FileSystemError.NotFound, path, "the object was deleted from the store");
        var current = _attributes.File(info, metadataLoaded: true);
        var metadata = Changed(FileMetadata.Of(current, info.Metadata), changes).ToWriteOptions(info.Metadata).Metadata;
        var updated = await _store.CopyAsync(key, key, metadata, cancellationToken).ConfigureAwait(false);
        var attributes = _attributes.File(updated, metadataLoaded: true);
        _cache.SetAttributes(path, attributes, _clock.GetUtcNow()); // known as of now: newer than any HEAD in flight
        ShowInParent(path, attributes);
        return attributes;
    }

    /// <summary>chmod or chown of a folder: its marker is written (or rewritten) with the metadata.</summary>
    private async Task<NodeAttributes> SetDirectoryMetadataAsync(string path, NodeAttributes current, AttributeChanges changes, CancellationToken cancellationToken)
    {
        if (path.Length == 0)
            return current; // the mount root has no object of its own; its mode comes from --dir-mode
        // What the marker holds now (owner, times, other tools' keys) is kept; the folder's mtime
        // too, even when it came from the marker's own date, since writing the marker again must
        // not move it (unzip and tar set a folder's time, then its mode).
        var marker = _namespace.DirectoryMarkerOf(path);
        var stored = _cache.TryGetMarkerMetadata(path, out var written)
            ? written
            : (await _store.HeadAsync(marker, cancellationToken).ConfigureAwait(false))?.Metadata;
        var kept = FileMetadata.Of(current, stored) with { ModifiedTime = current.ModifiedTime };
        var metadata = Changed(kept, changes).ToWriteOptions(stored);
        if (_folderChanges is { } later)
            later.Change(path, metadata);
        else
            await _store.PutAsync(marker, Stream.Null, metadata, cancellationToken).ConfigureAwait(false);
        _cache.SetMarkerMetadata(path, metadata.Metadata);
        var fetchedAt = _clock.GetUtcNow();
        var attributes = _attributes.Directory(fetchedAt, metadata.Metadata);
        _cache.SetAttributes(path, attributes, fetchedAt);
        ShowInParent(path, attributes);
        return attributes;
    }

    /// <summary>One handle leaves its writer; when the last one leaves with changes never stored, the cache forgets what it showed.</summary>
    private async ValueTask LeaveWriterAsync(FileWriter writer)
    {
        if (await _writers.LeaveAsync(writer).ConfigureAwait(false))
        {
            var path = _namespace.PathOf(writer.Key);
            _cache.Invalidate(path, PathNames.ParentOf(path));
        }
    }

    /// <summary>What stat() shows for a path with an open writer, or null.</summary>
    private NodeAttributes? WriterAttributes(string path) => _writers.Attributes(path);

    /// <summary>A listing fetched from the store, plus files created here whose upload has not finished.</summary>
    private DirectoryListing WithOpenWriters(string directory, DirectoryListing listing)
    {
        foreach (var (path, attributes) in _writers.In(directory))
            listing = listing.With(new DirectoryEntry(path[(directory.Length == 0 ? 0 : directory.Length + 1)..], attributes));
        return listing;
    }

    /// <summary>Commits every open writer (the mount is going away): what can be stored is stored.</summary>
    private async Task CommitOpenWritersAsync()
    {
        foreach (var writer in _writers.All())
        {
            try
            {
                await CommitAsync(writer, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                _logger.LogError("Unmounting: '{Key}' could not be stored: {Message}", writer.Key, e.Message);
            }
        }
    }

    /// <summary>Puts (or replaces) <paramref name="path"/> in its parent's cached listing.</summary>
    private void ShowInParent(string path, NodeAttributes attributes)
    {
        _convergence?.NoteForegroundWork();
        var parent = PathNames.ParentOf(path);
        var name = parent.Length == 0 ? path : path[(parent.Length + 1)..];
        _cache.UpdateListing(parent, listing => listing.With(new DirectoryEntry(name, attributes)));
    }
}
