using System.Buffers;
using MountStore.Core.FileSystem;
using MountStore.Fuse.Native;
using MountStore.Core.Model;

namespace MountStore.Fuse;

/// <summary>The requests that change files and the tree, each answered when the store has answered.</summary>
internal sealed partial class FuseAdapter
{
    // FUSE_SET_ATTR_*: which fields of a setattr are set (UTIME_OMIT sets neither time bit)
    private const int SetMode = 1 << 0, SetUid = 1 << 1, SetGid = 1 << 2, SetSize = 1 << 3, SetAccessTime = 1 << 4, SetModifiedTime = 1 << 5,
        SetAccessTimeNow = 1 << 7, SetModifiedTimeNow = 1 << 8;
    private const uint RenameNoReplace = 1;

    private async Task CreateAsync(nint request, ulong parent, string name, uint mode, FuseFileInfo info)
    {
        string? path = null;
        try
        {
            path = ChildPath(parent, name);
            var opened = await _fs.CreateAsync(path, mode & FileModeBits.Permissions, OpenFlags.Decode(info.Flags), CancellationToken.None).ConfigureAwait(false);
            info.Handle = opened.Handle;
            var entry = Entry(_inodes.Remember(path), opened.Attributes);
            if (FuseReply.Create(request, entry, info) != 0)
            {
                _inodes.Forget(entry.Inode, 1);
                await _fs.ReleaseAsync(opened.Handle).ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            Fail(request, e, "create", path);
        }
    }

    /// <summary>A write taken at once (see <see cref="MountedFileSystem.TryWriteNow"/>) and answered; false when it needs <see cref="WriteAsync"/>.</summary>
    private bool TryWriteNow(nint request, ulong handle, ReadOnlySpan<byte> data, long offset)
    {
        if (!_fs.TryWriteNow(handle, offset, data))
            return false;
        LibFuse.ReplyWrite(request, (nuint)data.Length);
        return true;
    }

    private async Task WriteAsync(nint request, ulong inode, ulong handle, byte[] data, int length, long offset)
    {
        try
        {
            await _fs.WriteAsync(handle, offset, data.AsMemory(0, length), CancellationToken.None).ConfigureAwait(false);
            LibFuse.ReplyWrite(request, (nuint)length);
        }
        catch (Exception e)
        {
            Fail(request, e, "write", _inodes.PathOf(inode));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(data);
        }
    }

    /// <summary>
    /// flush (every close) and fsync: the reply waits until the object is stored, so close()
    /// returning 0 means it is. With write-back a close waits until the file is safe on local
    /// disk, and fsync still until it is in the store.
    /// </summary>
    private async Task FlushAsync(nint request, ulong inode, ulong handle, string operation)
    {
        try
        {
            if (operation == "fsync")
                await _fs.SyncAsync(handle, CancellationToken.None).ConfigureAwait(false);
            else
                await _fs.FlushAsync(handle, CancellationToken.None).ConfigureAwait(false);
            LibFuse.ReplyError(request, 0);
        }
        catch (Exception e)
        {
            Fail(request, e, operation, _inodes.PathOf(inode));
        }
    }

    private async Task SetAttributesAsync(nint request, ulong inode, Stat changed, int toSet, ulong? handle)
    {
        var path = _inodes.PathOf(inode);
        try
        {
            if (path is null)
                throw StaleInode(inode);
            var changes = new AttributeChanges(
                Size: (toSet & SetSize) != 0 ? changed.Size : null,
                Permissions: (toSet & SetMode) != 0 ? changed.Mode & FileModeBits.Permissions : null,
                Uid: (toSet & SetUid) != 0 ? changed.Uid : null,
                Gid: (toSet & SetGid) != 0 ? changed.Gid : null,
                ModifiedTime: (toSet & SetModifiedTimeNow) == 0 && (toSet & SetModifiedTime) != 0 ? changed.ModifyTime.ToDateTimeOffset() : null,
                ModifiedTimeToNow: (toSet & SetModifiedTimeNow) != 0,
                AccessTime: (toSet & SetAccessTimeNow) == 0 && (toSet & SetAccessTime) != 0 ? changed.AccessTime.ToDateTimeOffset() : null,
                AccessTimeToNow: (toSet & SetAccessTimeNow) != 0);
            var attributes = await _fs.SetAttributesAsync(path, handle, changes, CancellationToken.None).ConfigureAwait(false);
            FuseReply.Attributes(request, ToStat(inode, attributes), _options.AttributeTimeout.TotalSeconds);
        }
        catch (Exception e)
        {
            Fail(request, e, "setattr", path);
        }
    }

    private Task MakeDirectoryAsync(nint request, ulong parent, string name, uint mode) =>
        NewEntryAsync(request, parent, name, "mkdir", path => _fs.MakeDirectoryAsync(path, mode & FileModeBits.Permissions, CancellationToken.None));

    private Task MakeNodeAsync(nint request, ulong parent, string name, uint mode) =>
        NewEntryAsync(request, parent, name, "mknod", path => _fs.MakeNodeAsync(path, mode, CancellationToken.None));

    private Task SymlinkAsync(nint request, ulong parent, string name, string target) =>
        NewEntryAsync(request, parent, name, "symlink", path => _fs.CreateSymlinkAsync(path, target, CancellationToken.None));

    /// <summary>mkdir, mknod, symlink: make the node, then answer with its entry.</summary>
    private async Task NewEntryAsync(nint request, ulong parent, string name, string operation, Func<string, ValueTask<NodeAttributes>> make)
    {
        string? path = null;
        try
        {
            path = ChildPath(parent, name);
            ReplyEntry(request, path, await make(path).ConfigureAwait(false));
        }
        catch (Exception e)
        {
            Fail(request, e, operation, path);
        }
    }

    private async Task ReadLinkAsync(nint request, ulong inode)
    {
        var path = _inodes.PathOf(inode);
        try
        {
            if (path is null)
                throw StaleInode(inode);
            var target = await _fs.ReadSymlinkAsync(path, CancellationToken.None).ConfigureAwait(false);
            FuseReply.ReadLink(request, target);
        }
        catch (Exception e)
        {
            Fail(request, e, "readlink", path);
        }
    }

    private async Task RemoveAsync(nint request, ulong parent, string name, bool directory)
    {
        string? path = null;
        try
        {
            path = ChildPath(parent, name);
            var stillOpenAs = (string?)null;
            if (directory)
                await _fs.RemoveDirectoryAsync(path, CancellationToken.None).ConfigureAwait(false);
            else
                stillOpenAs = await _fs.UnlinkAsync(path, CancellationToken.None).ConfigureAwait(false);
            // an unlinked file still open keeps its inode, answering from where Core keeps it
            if (stillOpenAs is null)
                _inodes.Detach(path);
            else
                _inodes.Rename(path, stillOpenAs);
            LibFuse.ReplyError(request, 0);
        }
        catch (Exception e)
        {
            Fail(request, e, directory ? "rmdir" : "unlink", path);
        }
    }

    private async Task RenameAsync(nint request, ulong parent, string name, ulong newParent, string newName, uint flags)
    {
        string? from = null;
        try
        {
            from = ChildPath(parent, name);
            var to = ChildPath(newParent, newName);
            if ((flags & ~RenameNoReplace) != 0)
                throw new FileSystemException(FileSystemError.InvalidName, from, "exchanging two names atomically (RENAME_EXCHANGE) is not possible on an object store");
            var replacedStillOpenAs = await _fs.RenameAsync(from, to, (flags & RenameNoReplace) != 0, CancellationToken.None).ConfigureAwait(false);
            if (replacedStillOpenAs is not null)
                _inodes.Rename(to, replacedStillOpenAs);
            _inodes.Rename(from, to);
            LibFuse.ReplyError(request, 0);
        }
        catch (Exception e)
        {
            Fail(request, e, "rename", from);
        }
    }

    private void ReplyEntry(nint request, string path, NodeAttributes attributes)
    {
        var entry = Entry(_inodes.Remember(path), attributes);
        if (FuseReply.Entry(request, entry) != 0)
            _inodes.Forget(entry.Inode, 1);
    }
}
