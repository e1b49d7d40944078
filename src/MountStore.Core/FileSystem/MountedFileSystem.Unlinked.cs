using Microsoft.Extensions.Logging;
using MountStore.Core.Model;
using MountStore.Core.Writing;

namespace MountStore.Core.FileSystem;

/// <summary>
/// Files unlinked or renamed over while open (<see cref="UnlinkedOpenFiles"/>): how they leave
/// the namespace, keep working for their handles, keep their own bytes when their key is reused,
/// and leave the store when their last handle closes.
/// </summary>
public sealed partial class MountedFileSystem
{
    private readonly UnlinkedOpenFiles _unlinked = new();
    private readonly KeyLocks _keyLocks = new();

    /// <summary>
    /// When handles are open on <paramref name="path"/>: takes the file out of the namespace but
    /// keeps it for them, under a hidden path, which is returned; null when none is open. With
    /// <paramref name="keyReusedNow"/> (a rename is about to store another object under its key)
    /// its bytes are made local first.
    /// </summary>
    private async Task<string?> KeepOpenFileAsync(string path, bool keyReusedNow, CancellationToken cancellationToken)
    {
        var handles = _open.Values.Where(h => h.Path == path).ToList();
        if (handles.Count == 0)
            return null;
        var key = _namespace.KeyOf(path);
        var writer = _writers.Detach(path); // the name no longer leads to it, and it stores nothing more
        if (writer is not null && _writeBack is not null)
            await _writeBack.SettledAsync(writer).ConfigureAwait(false); // sealed at an earlier close (a dup'd fd): its upload is dropped, not left held
        NodeAttributes attributes;
        if (writer is not null)
        {
            attributes = _writers.AttributesOf(writer);
        }
        else
        {
            attributes = await GetAttributesAsync(path, cancellationToken).ConfigureAwait(false);
            if (attributes.IsDirectory)
                throw new FileSystemException(FileSystemError.IsADirectory, path, "is a directory");
        }
        var stored = writer is null || writer.ExistsInStore
            ? (await _store.HeadAsync(key, cancellationToken).ConfigureAwait(false))?.ETag
            : null;
        var entry = _unlinked.Add(key, stored, attributes, writer, handles.Count);
        foreach (var handle in handles)
            handle.Path = entry.HiddenPath;
        Removed(path, directory: false);
        await KeepParentAsync(path, cancellationToken).ConfigureAwait(false);
        if (keyReusedNow)
            await PreserveAsync(entry, cancellationToken).ConfigureAwait(false);
        _logger.LogDebug("'{Path}' was unlinked with {Handles} handle(s) open; it stays for them until they close", path, handles.Count);
        return entry.HiddenPath;
    }

    /// <summary>Before something else is stored under <paramref name="key"/>: unlinked files that still read it get their own copy.</summary>
    private async Task PreserveUnlinkedAsync(string key, CancellationToken cancellationToken)
    {
        foreach (var entry in _unlinked.DependingOn(key))
            await PreserveAsync(entry, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Makes an unlinked file's bytes local (a staging file), so its handles no longer need its object.</summary>
    private async Task PreserveAsync(UnlinkedOpenFiles.Entry entry, CancellationToken cancellationToken)
    {
        if (entry.Preserved || entry.StoredETag is null)
            return;
        if (entry.Writer is { } writer)
            await writer.MakeLocalAsync(cancellationToken).ConfigureAwait(false);
        var handles = _open.Values.Where(h => h.Path == entry.HiddenPath).ToList();
        if (handles.Any(h => h.Writer is null))
        {
            var info = await _store.HeadAsync(entry.Key, cancellationToken).ConfigureAwait(false);
            if (info is null || info.ETag != entry.StoredETag)
            {
                _logger.LogWarning("'{Key}' changed in the store after it was unlinked here while open; its open handles read the new version", entry.Key);
                entry.Preserved = true;
                return;
            }
            var copy = FileWriter.ForExisting(_writing, entry.Key, FileMetadata.Of(entry.Attributes, info.Metadata), info, truncate: false, preferStaging: true);
            copy.Discard();
            await copy.MakeLocalAsync(cancellationToken).ConfigureAwait(false);
            entry.LocalCopy = copy;
            foreach (var handle in handles.Where(h => h.Writer is null))
                handle.Writer = copy;
        }
        // every handle now reads through its (local) writer, never through the object
        foreach (var handle in handles)
        {
            if (handle.Reader is { } reader)
            {
                handle.Reader = null;
                await reader.DisposeAsync().ConfigureAwait(false);
            }
        }
        entry.Preserved = true;
    }

    /// <summary>What stat shows for an unlinked open file: its bytes now, nlink 0.</summary>
    private NodeAttributes? UnlinkedAttributes(string hiddenPath)
    {
        var entry = _unlinked.Find(hiddenPath);
        if (entry is null)
            return null;
        return entry.Writer is { } writer ? _writers.AttributesOf(writer) with { Unlinked = true } : entry.Attributes;
    }

    /// <summary>A handle of an unlinked file closes; the last one takes the file's object out of the store, unless it was replaced.</summary>
    private async Task ReleaseUnlinkedAsync(OpenHandle opened)
    {
        var entry = _unlinked.Find(opened.Path);
        if (opened.Writer is { } writer && !ReferenceEquals(writer, entry?.LocalCopy))
            await LeaveWriterAsync(writer).ConfigureAwait(false);
        // The key is locked from before the last handle is counted out until the object is
        // deleted: a commit to the key in between would find neither the unlinked file to
        // replace nor a free name, and fail its create-only PUT as a conflict (seen once in a
        // full test run: a file written under a name whose unlinked predecessor was closing).
        using var locked = entry is { StoredETag: not null, Preserved: false }
            ? await _keyLocks.AcquireAsync(entry.Key, CancellationToken.None).ConfigureAwait(false)
            : null;
        if (_unlinked.HandleClosed(opened.Path) is not { } last)
            return;
        if (last.LocalCopy is { } copy)
            await copy.DisposeAsync().ConfigureAwait(false);
        if (last.StoredETag is not { } etag || last.Preserved || locked is null)
            return;
        // only the version that was unlinked: anything stored under the key since stays
        if ((await _store.HeadAsync(last.Key, CancellationToken.None).ConfigureAwait(false))?.ETag == etag)
            await _store.DeleteAsync(last.Key, CancellationToken.None).ConfigureAwait(false);
    }
}
