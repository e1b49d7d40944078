using System.Text;
using Microsoft.Extensions.Logging;
using MountStore.Core.Metadata;
using MountStore.Core.Namespace;
using MountStore.Core.Storage;
using MountStore.Core.Writing;
using MountStore.Core.Model;

namespace MountStore.Core.FileSystem;

/// <summary>
/// Changes to the tree: folders, deletes, renames, symlinks. Each changes the store first and
/// the cache after, so the cache never shows what the store does not hold.
/// </summary>
public sealed partial class MountedFileSystem
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _symlinkTargets = new(StringComparer.Ordinal);

    /// <summary>Creates the folder <paramref name="path"/>: a marker object, so it exists while empty.</summary>
    public async ValueTask<NodeAttributes> MakeDirectoryAsync(string path, uint permissions, CancellationToken cancellationToken)
    {
        try
        {
            ThrowIfReadOnly(path);
            ValidateNewName(path, directory: true);
            if (await LookupAsync(path, cancellationToken).ConfigureAwait(false) is not null)
                throw new FileSystemException(FileSystemError.Exists, path, "already exists");
            var options = new FileMetadata(NodeKind.Directory, permissions).ToWriteOptions();
            var fetchedAt = _clock.GetUtcNow();
            await _store.PutAsync(_namespace.DirectoryMarkerOf(path), Stream.Null, options, cancellationToken).ConfigureAwait(false);
            var attributes = _attributes.Directory(fetchedAt, options.Metadata);
            _cache.SetAttributes(path, attributes, fetchedAt);
            _cache.SetListing(path, new DirectoryListing([], fetchedAt, hasMarker: true));
            _cache.SetMarkerMetadata(path, options.Metadata);
            ShowInParent(path, attributes);
            return attributes;
        }
        catch (Exception e) when (FailureTranslation.Needs(e, cancellationToken))
        {
            throw FailureTranslation.Of(e, path);
        }
    }

    /// <summary>Removes the empty folder <paramref name="path"/>; ENOTEMPTY when the store holds anything under it.</summary>
    public async ValueTask RemoveDirectoryAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            ThrowIfReadOnly(path);
            var attributes = await GetAttributesAsync(path, cancellationToken).ConfigureAwait(false);
            if (!attributes.IsDirectory)
                throw new FileSystemException(FileSystemError.NotADirectory, path, "not a directory");
            if (_folderChanges is { } changes)
                await changes.FlushAsync(path).ConfigureAwait(false); // a late write would bring the marker back
            var marker = _namespace.DirectoryMarkerOf(path);
            // Ask the store, not the cache: a file added elsewhere must not be orphaned under a folder we remove.
            var page = await _store.ListAsync(new ListRequest(marker, null, null, MaxKeys: 2), cancellationToken).ConfigureAwait(false);
            if (page.Objects.Any(o => o.Key != marker) || _writers.Below(path).Count > 0)
                throw new FileSystemException(FileSystemError.NotEmpty, path, "directory not empty");
            await _store.DeleteAsync(marker, cancellationToken).ConfigureAwait(false);
            await DeleteSwiftMarkerAsync(path, cancellationToken).ConfigureAwait(false);
            Removed(path, directory: true);
        }
        catch (Exception e) when (FailureTranslation.Needs(e, cancellationToken))
        {
            throw FailureTranslation.Of(e, path);
        }
    }

    /// <summary>
    /// Deletes the file or symlink <paramref name="path"/> (and, for a Swift large object, its
    /// segments). A file with handles open stays alive for them until the last one closes
    /// (<see cref="UnlinkedOpenFiles"/>): the path it answers to from now on is returned, null
    /// when nothing stays open.
    /// </summary>
    public async ValueTask<string?> UnlinkAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            ThrowIfReadOnly(path);
            if (await KeepOpenFileAsync(path, keyReusedNow: false, cancellationToken).ConfigureAwait(false) is { } hidden)
                return hidden;
            // a pending upload of this name is finished (or not begun) before the delete decides
            using var pendingDone = _writers.Find(path) is not null ? await _keyLocks.AcquireAsync(_namespace.KeyOf(path), cancellationToken).ConfigureAwait(false) : null;
            var writer = _writers.Detach(path);
            if (writer is not null && _writeBack is not null)
                await _writeBack.SettledAsync(writer).ConfigureAwait(false); // discarded: nothing more to upload
            if (writer is { ExistsInStore: false })
            {
                Removed(path, directory: false); // never stored: nothing to delete
                return null;
            }
            // the listing's row says all a delete needs (kind and version), no HEAD for the mtime,
            // unless the row cannot tell a large object's version (Swift before 2.19 lists an
            // SLO with its manifest's hash) and the store compares versions before it deletes
            var rowWillDo = !_store.InspectsBeforeDelete || _store.Limits.ListingsMarkLargeObjects;
            var attributes = writer is null ? await GetAttributesAsync(path, loadMetadata: !rowWillDo, cancellationToken).ConfigureAwait(false) : null;
            if (attributes is { IsDirectory: true })
                throw new FileSystemException(FileSystemError.IsADirectory, path, "is a directory");
            // only the version this mount knows of: one changed elsewhere meanwhile stays (EIO)
            string?[] known = writer is not null ? [writer.BaseVersion] : [attributes!.ETag, attributes.ListingETag];
            var versions = known.Where(v => !string.IsNullOrEmpty(v)).Select(v => v!).ToList();
            var key = _namespace.KeyOf(path);
            try
            {
                // the answer must show the version this mount knows now (a HEAD's ETag, not a listing's)
                if (FreshAnswerForDelete(path, key, writer is not null ? writer.BaseVersion : attributes!.ETag) is { } inspected)
                    await _store.DeleteAsync(key, versions, inspected, cancellationToken).ConfigureAwait(false);
                else
                    await _store.DeleteAsync(key, versions, cancellationToken).ConfigureAwait(false);
            }
            catch (WriteConflictException)
            {
                ChangedElsewhere(path);
                throw;
            }
            Removed(path, directory: false);
            await KeepParentAsync(path, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (Exception e) when (FailureTranslation.Needs(e, cancellationToken))
        {
            throw FailureTranslation.Of(e, path);
        }
    }

    /// <summary>
    /// What a HEAD of the last moment said of <paramref name="key"/>, when it shows
    /// <paramref name="version"/>, for a store that would otherwise ask before deleting; and,
    /// when this unlink continues a run in its folder, the next files asked about ahead.
    /// </summary>
    private ObjectInfo? FreshAnswerForDelete(string path, string key, string? version)
    {
        if (_deleteAhead is null)
            return null;
        // the listing only orders the siblings, so an old one will do, and looking does not count as a cache hit
        _deleteAhead.Unlinking(path, _cache.TryGetAnyListing(PathNames.ParentOf(path), out var siblings) ? siblings : null);
        return _deleteAhead.Take(key, version);
    }

    /// <summary>
    /// Forgets <paramref name="path"/> after it left the store. Only a folder needs the walk over
    /// every cached key; a file forgets its own two, so `rm -r` of many files stays linear.
    /// </summary>
    private void Removed(string path, bool directory)
    {
        _convergence?.NoteForegroundWork();
        _symlinkTargets.TryRemove(path, out _);
        if (directory)
            _cache.InvalidateTree(path);
        else
        {
            _cache.Forget(path);
            _dataCache?.Forget(_namespace.KeyOf(path)); // its disk space is better spent on files that exist
        }
        _cache.SetAbsent(path, _clock.GetUtcNow());
        var parent = PathNames.ParentOf(path);
        _cache.UpdateListing(parent, listing => listing.Without(PathNames.NameOf(path)));
    }

    /// <summary>
    /// A folder that exists only through its keys would vanish with its last entry; users expect
    /// `rm dir/last` to leave `dir`. When the cached listing says it is now empty and it has no
    /// marker, one is written.
    /// </summary>
    private async Task KeepParentAsync(string path, CancellationToken cancellationToken)
    {
        var parent = PathNames.ParentOf(path);
        if (parent.Length == 0 || !_cache.TryGetListing(parent, out var listing) || listing.HasMarker || listing.Entries.Count > 0)
            return;
        await _store.PutAsync(_namespace.DirectoryMarkerOf(parent), Stream.Null, new FileMetadata(NodeKind.Directory, Options.DirectoryMode).ToWriteOptions(), cancellationToken).ConfigureAwait(false);
        _cache.UpdateListing(parent, l => l.WithMarker(true));
    }

    /// <summary>
    /// Renames a file (server-side copy, verified, then delete) or a folder (every key below it,
    /// in parallel; not atomic, and a failure midway leaves each file in one place or the other).
    /// A file at <paramref name="to"/> that was open is kept for its handles: the path it answers
    /// to from now on is returned (null when none).
    /// </summary>
    public async ValueTask<string?> RenameAsync(string from, string to, bool noReplace, CancellationToken cancellationToken)
    {
        try
        {
            ThrowIfReadOnly(from);
            var source = await GetAttributesAsync(from, cancellationToken).ConfigureAwait(false);
            ValidateNewName(to, source.IsDirectory);
            if (from == to)
                return null;
            if (to.StartsWith(from + "/", StringComparison.Ordinal))
                throw new FileSystemException(FileSystemError.InvalidName, to, "cannot move a folder into itself");
            var target = await LookupAsync(to, cancellationToken).ConfigureAwait(false);
            if (target is not null)
            {
                if (noReplace)
                    throw new FileSystemException(FileSystemError.Exists, to, "already exists");
                if (target.IsDirectory && !source.IsDirectory)
                    throw new FileSystemException(FileSystemError.IsADirectory, to, "is a directory");
                if (!target.IsDirectory && source.IsDirectory)
                    throw new FileSystemException(FileSystemError.NotADirectory, to, "not a directory");
                if (target.IsDirectory)
                    await RemoveDirectoryAsync(to, cancellationToken).ConfigureAwait(false);
            }
            // a file replaced while open stays alive for its handles, as after an unlink
            var replaced = target is { IsDirectory: false } ? await KeepOpenFileAsync(to, keyReusedNow: true, cancellationToken).ConfigureAwait(false) : null;
            if (source.IsDirectory)
            {
                if (_folderChanges is { } changes)
                    await changes.FlushAsync(from).ConfigureAwait(false); // written where they are, then moved with them
                await RenameDirectoryAsync(from, to, source, cancellationToken).ConfigureAwait(false);
            }
            else
                await RenameFileAsync(from, to, target is { IsDirectory: false } ? [target.ETag, target.ListingETag] : [], cancellationToken).ConfigureAwait(false);
            await KeepParentAsync(from, cancellationToken).ConfigureAwait(false);
            return replaced;
        }
        catch (Exception e) when (FailureTranslation.Needs(e, cancellationToken))
        {
            throw FailureTranslation.Of(e, from);
        }
    }

    /// <param name="replacing">the versions (ETags) of the file at <paramref name="to"/> as this mount knows it, if one is there: one changed elsewhere meanwhile is not replaced (EIO) where the store can tell</param>
    private async Task RenameFileAsync(string from, string to, string?[] replacing, CancellationToken cancellationToken)
    {
        // A pending upload under either name is finished (or not begun) before the rename
        // decides what to move: a file never stored moves in this mount only.
        var fromKey = _namespace.KeyOf(from);
        var toKey = _namespace.KeyOf(to);
        var pending = _writers.Find(from) is not null || _writers.Find(to) is not null;
        var (first, second) = string.CompareOrdinal(fromKey, toKey) < 0 ? (fromKey, toKey) : (toKey, fromKey);
        using var firstLock = pending ? await _keyLocks.AcquireAsync(first, cancellationToken).ConfigureAwait(false) : null;
        using var secondLock = pending ? await _keyLocks.AcquireAsync(second, cancellationToken).ConfigureAwait(false) : null;
        var versions = replacing.Where(v => !string.IsNullOrEmpty(v)).Select(v => v!).ToList();
        if (_writers.Find(to) is { } replacedWriter)
        {
            // closed and waiting for its upload (an open one was set aside above): it is replaced,
            // so it never uploads; what it stored before is the version being replaced
            _writers.Detach(to);
            if (_writeBack is not null)
                await _writeBack.SettledAsync(replacedWriter).ConfigureAwait(false);
            if (replacedWriter.ExistsInStore && replacedWriter.BaseVersion is { } stored)
                versions = [stored];
        }
        var writer = _writers.Find(from);
        ObjectInfo? moved = null;
        if (writer is null || writer.ExistsInStore)
        {
            try
            {
                moved = await _store.RenameAsync(_namespace.KeyOf(from), _namespace.KeyOf(to), versions.Count > 0 ? versions : null, cancellationToken).ConfigureAwait(false);
            }
            catch (WriteConflictException)
            {
                ChangedElsewhere(to);
                throw;
            }
        }
        if (writer is not null && moved is not null)
            writer.Rebase(moved.ETag); // a copy may have a new ETag (S3, large objects): still the writer's own version
        else if (writer is not null && versions.Count > 0)
            writer.Rebase(versions[0]); // a file not stored yet now replaces the one there, by the user's own doing
        MoveWriters(from, to);
        if (_symlinkTargets.TryRemove(from, out var link))
            _symlinkTargets[to] = link;
        var attributes = WriterAttributes(to) ?? _attributes.File(moved!, metadataLoaded: moved!.Metadata.Count > 0 || !_cache.TryGetAttributes(from, out _, out _));
        Removed(from, directory: false);
        _cache.Forget(to);
        _cache.SetAttributes(to, attributes, _clock.GetUtcNow());
        ShowInParent(to, attributes);
    }

    private async Task RenameDirectoryAsync(string from, string to, NodeAttributes source, CancellationToken cancellationToken)
    {
        var rename = new TreeRename(_store, _namespace.DirectoryPrefixOf(from), _namespace.DirectoryPrefixOf(to), Options.Writing.RenameParallelism, _logger);
        // Files being written below are committed first, so they move with the rest.
        foreach (var writer in _writers.Below(from))
            await CommitNowAsync(writer, cancellationToken).ConfigureAwait(false);
        await rename.RunAsync(cancellationToken).ConfigureAwait(false);
        // the copies of files still open below may have new ETags (S3 copies of large objects)
        foreach (var writer in _writers.Below(from).Where(w => w.ExistsInStore))
        {
            var key = _namespace.DirectoryPrefixOf(to) + writer.Key[_namespace.DirectoryPrefixOf(from).Length..];
            if (await _store.HeadAsync(key, cancellationToken).ConfigureAwait(false) is { } copied)
                writer.Rebase(copied.ETag);
        }
        // the new folder gets a marker so it exists even if it was empty (its old marker moved with the keys, if it had one)
        await _store.PutAsync(_namespace.DirectoryMarkerOf(to), Stream.Null, new FileMetadata(NodeKind.Directory, source.Mode).ToWriteOptions(), cancellationToken).ConfigureAwait(false);
        await DeleteSwiftMarkerAsync(from, cancellationToken).ConfigureAwait(false);
        MoveWriters(from, to);
        Removed(from, directory: true);
        _cache.InvalidateTree(to);
        ShowInParent(to, _attributes.Directory(_clock.GetUtcNow()));
    }

    /// <summary>Open writers at or below <paramref name="from"/> now write to the matching place below <paramref name="to"/>.</summary>
    private void MoveWriters(string from, string to)
    {
        _writers.Move(from, to, _namespace.KeyOf);
        foreach (var handle in _open.Values)
        {
            if (handle.Path == from || handle.Path.StartsWith(from + "/", StringComparison.Ordinal))
                handle.Path = to + handle.Path[from.Length..];
        }
    }

    /// <summary>Creates a symlink: an object holding the target, marked as s3fs marks symlinks.</summary>
    public async ValueTask<NodeAttributes> CreateSymlinkAsync(string path, string target, CancellationToken cancellationToken)
    {
        try
        {
            var attributes = await PutNodeAsync(path, NodeKind.Symlink, Convert.ToUInt32("777", 8), Encoding.UTF8.GetBytes(target), cancellationToken).ConfigureAwait(false);
            _symlinkTargets[path] = target;
            return attributes;
        }
        catch (Exception e) when (FailureTranslation.Needs(e, cancellationToken))
        {
            throw FailureTranslation.Of(e, path);
        }
    }

    /// <summary>
    /// Stores a node that is one small object whose metadata says what it is: a symlink (its
    /// target as content), a fifo or a socket (empty), all as s3fs stores them.
    /// </summary>
    private async Task<NodeAttributes> PutNodeAsync(string path, NodeKind kind, uint permissions, byte[] content, CancellationToken cancellationToken)
    {
        ThrowIfReadOnly(path);
        ValidateNewName(path, directory: false);
        if (await LookupAsync(path, cancellationToken).ConfigureAwait(false) is not null)
            throw new FileSystemException(FileSystemError.Exists, path, "already exists");
        var options = new FileMetadata(kind, permissions).ToWriteOptions();
        var fetchedAt = _clock.GetUtcNow();
        using var body = new MemoryStream(content);
        var info = await _store.PutAsync(_namespace.KeyOf(path), body, options, cancellationToken).ConfigureAwait(false);
        var attributes = _attributes.File(info with { ContentType = options.ContentType }, metadataLoaded: true);
        _cache.SetAttributes(path, attributes, fetchedAt);
        ShowInParent(path, attributes);
        return attributes;
    }

    /// <summary>The target of the symlink at <paramref name="path"/>.</summary>
    public async ValueTask<string> ReadSymlinkAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            if (_symlinkTargets.TryGetValue(path, out var known))
                return known;
            var attributes = await GetAttributesAsync(path, cancellationToken).ConfigureAwait(false);
            if (attributes.Kind != NodeKind.Symlink)
                throw new FileSystemException(FileSystemError.InvalidName, path, "not a symlink");
            using var content = await _store.GetAsync(_namespace.KeyOf(path), null, cancellationToken).ConfigureAwait(false);
            using var reader = new StreamReader(content.Stream, Encoding.UTF8);
            var target = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            _symlinkTargets[path] = target;
            return target;
        }
        catch (Exception e) when (FailureTranslation.Needs(e, cancellationToken))
        {
            throw FailureTranslation.Of(e, path);
        }
    }

    /// <summary>mknod: an empty regular file, a fifo or a socket (bind of a UNIX socket comes here); device nodes cannot be stored.</summary>
    public async ValueTask<NodeAttributes> MakeNodeAsync(string path, uint mode, CancellationToken cancellationToken)
    {
        try
        {
            switch (mode & FileModeBits.TypeMask)
            {
                case FileModeBits.Fifo or FileModeBits.Socket:
                    return await PutNodeAsync(path, FileModeBits.KindOf(mode)!.Value, mode & FileModeBits.Permissions, [], cancellationToken).ConfigureAwait(false);
                case not (FileModeBits.Regular or 0):
                    throw new FileSystemException(FileSystemError.NotPermitted, path,
                        "device nodes cannot be stored: an object cannot stand for a device of this machine (a mount of a store is nodev by nature)");
            }
            var opened = await CreateAsync(path, mode & FileModeBits.Permissions, OpenIntent.WriteOnly, cancellationToken).ConfigureAwait(false);
            try
            {
                await FlushAsync(opened.Handle, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await ReleaseAsync(opened.Handle).ConfigureAwait(false);
            }
            return await GetAttributesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (FailureTranslation.Needs(e, cancellationToken))
        {
            throw FailureTranslation.Of(e, path);
        }
    }

    /// <summary>Swift tools mark a folder with an object named like it and a directory content type; it goes with the folder.</summary>
    private async Task DeleteSwiftMarkerAsync(string path, CancellationToken cancellationToken)
    {
        var marker = await _store.HeadAsync(_namespace.KeyOf(path), cancellationToken).ConfigureAwait(false);
        if (marker is not null && DirectoryMarkers.HasDirectoryContentType(marker))
            await _store.DeleteAsync(marker.Key, cancellationToken).ConfigureAwait(false);
    }

    private void ThrowIfReadOnly(string path)
    {
        if (Options.ReadOnly)
            throw ReadOnlyError(path);
    }

    /// <summary>Refuses names the store cannot hold: too long (ENAMETOOLONG) or not representable (EINVAL).</summary>
    private void ValidateNewName(string path, bool directory)
    {
        var name = PathNames.NameOf(path);
        if (Encoding.UTF8.GetByteCount(name) > PathNames.MaxNameBytes)
            throw new FileSystemException(FileSystemError.NameTooLong, path, $"the name is longer than {PathNames.MaxNameBytes} bytes");
        if (PathNames.WhyNotAName(name) is { } why)
            throw new FileSystemException(FileSystemError.InvalidName, path, $"the store cannot hold this name: {why}");
        var key = directory ? _namespace.DirectoryMarkerOf(path) : _namespace.KeyOf(path);
        var bytes = Encoding.UTF8.GetByteCount(key);
        if (bytes > _store.Limits.MaxKeyBytes)
            throw new FileSystemException(FileSystemError.NameTooLong, path,
                $"the object name would be {bytes} bytes; {_store.Description} holds at most {_store.Limits.MaxKeyBytes}");
    }
}
