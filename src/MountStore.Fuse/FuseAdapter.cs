using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Extensions.Logging;
using MountStore.Core.FileSystem;
using MountStore.Fuse.Native;
using MountStore.Core.Model;

namespace MountStore.Fuse;

/// <summary>
/// Turns kernel requests into <see cref="MountedFileSystem"/> calls and their results into
/// replies. Every callback returns at once: the work runs as a task and replies when it
/// finishes, so a slow GET never holds one of libfuse's threads. Exactly one reply per request.
/// </summary>
internal sealed partial class FuseAdapter
{
    private readonly MountedFileSystem _fs;
    private readonly FuseMountOptions _options;
    private readonly ILogger _logger;
    private readonly InodeTable _inodes = new();
    private readonly ConcurrentDictionary<ulong, DirectoryView> _directories = new();
    private long _nextDirectoryHandle;

    public FuseAdapter(MountedFileSystem fs, FuseMountOptions options, ILogger logger)
    {
        _fs = fs;
        _options = options;
        _logger = logger;
        fs.NodeChanged += OnNodeChanged;
    }

    public InodeTable Inodes => _inodes;

    private readonly Lock _sessionGate = new();
    private nint _session;

    /// <summary>
    /// The libfuse session, for notifications to the kernel: set once mounted, and back to 0
    /// before the session is destroyed (under the same lock as every notification, so none can
    /// reach a freed session).
    /// </summary>
    public nint Session
    {
        get
        {
            lock (_sessionGate)
                return _session;
        }
        set
        {
            lock (_sessionGate)
                _session = value;
        }
    }

    /// <summary>Tells the kernel to drop the attributes it holds for <paramref name="inode"/>; false when not mounted.</summary>
    private bool InvalidateAttributes(ulong inode)
    {
        lock (_sessionGate)
        {
            if (_session == 0)
                return false;
            LibFuse.NotifyInvalidateInode(_session, inode, -1, 0);
            return true;
        }
    }

    /// <summary>
    /// A path turned out other than the kernel was shown (its own metadata, loaded after a
    /// listing). Attributes: the kernel drops them and asks again. Kind (a file that is a
    /// symlink): the kernel cannot change an inode's type, so the name is dropped and gets a new
    /// inode at its next lookup.
    /// </summary>
    private unsafe void OnNodeChanged(NodeChange change)
    {
        try
        {
            if (!change.KindChanged)
            {
                if (_inodes.InodeOf(change.Path) is { } inode)
                    InvalidateAttributes(inode);
                return;
            }
            var parent = PathNames.ParentOf(change.Path);
            if (_inodes.InodeOf(parent) is not { } parentInode)
                return;
            _inodes.Detach(change.Path);
            var name = Encoding.UTF8.GetBytes(PathNames.NameOf(change.Path));
            lock (_sessionGate)
            {
                if (_session == 0)
                    return;
                fixed (byte* text = name)
                    LibFuse.NotifyInvalidateEntry(_session, parentInode, text, (nuint)name.Length);
            }
        }
        catch (Exception e)
        {
            _logger.LogDebug(e, "Telling the kernel that '{Path}' changed failed", change.Path);
        }
    }

    // ---- lookups and attributes ----

    private async Task LookupAsync(nint request, ulong parent, string name)
    {
        string? path = null;
        try
        {
            path = ChildPath(parent, name);
            if (Encoding.UTF8.GetByteCount(name) > PathNames.MaxNameBytes)
                throw new FileSystemException(FileSystemError.NameTooLong, path, "the name is longer than 255 bytes");
            var attributes = await _fs.LookupAsync(path, CancellationToken.None).ConfigureAwait(false);
            if (attributes is null)
            {
                // ino 0 with a timeout: the kernel caches "no such file" for that long
                var negative = new FuseEntryParam { EntryTimeout = _options.NegativeTimeout.TotalSeconds };
                FuseReply.Entry(request, negative);
                return;
            }
            var entry = Entry(_inodes.Remember(path), attributes);
            if (FuseReply.Entry(request, entry) != 0)
                _inodes.Forget(entry.Inode, 1); // the kernel did not get it (interrupted): no reference
        }
        catch (Exception e)
        {
            Fail(request, e, "lookup", path);
        }
    }

    private async Task GetAttributesAsync(nint request, ulong inode)
    {
        var path = _inodes.PathOf(inode);
        try
        {
            if (path is null)
                throw StaleInode(inode);
            var attributes = await _fs.GetAttributesAsync(path, CancellationToken.None).ConfigureAwait(false);
            var stat = ToStat(inode, attributes);
            FuseReply.Attributes(request, stat, _options.AttributeTimeout.TotalSeconds);
        }
        catch (Exception e)
        {
            Fail(request, e, "stat", path);
        }
    }

    // ---- directories ----

    private async Task OpenDirectoryAsync(nint request, ulong inode, FuseFileInfo info)
    {
        var path = _inodes.PathOf(inode);
        try
        {
            if (path is null)
                throw StaleInode(inode);
            // The listing is taken once at opendir, so paging through readdir sees one consistent
            // snapshot whatever the cache does meanwhile.
            var view = await _fs.OpenDirectoryAsync(path, CancellationToken.None).ConfigureAwait(false);
            var handle = (ulong)Interlocked.Increment(ref _nextDirectoryHandle);
            _directories[handle] = view;
            info.Handle = handle;
            FuseReply.Open(request, info);
        }
        catch (Exception e)
        {
            Fail(request, e, "opendir", path);
        }
    }

    private unsafe void ReadDirectory(nint request, ulong size, long offset, ulong handle, bool plus)
    {
        if (!_directories.TryGetValue(handle, out var view))
        {
            FuseReply.Error(request, Errno.EBADF);
            return;
        }
        var buffer = (byte*)NativeMemory.Alloc((nuint)size);
        try
        {
            nuint used = 0;
            var total = view.Count + 2;
            Span<byte> name = stackalloc byte[PathNames.MaxNameBytes + 1];
            for (var index = (int)offset; index < total; index++)
            {
                string entryName;
                NodeAttributes attributes;
                string? childPath = null;
                if (index < 2)
                {
                    entryName = index == 0 ? "." : "..";
                    attributes = view.Attributes;
                }
                else
                {
                    var entry = view[index - 2];
                    entryName = entry.Name;
                    childPath = view.PathOf(entry.Name);
                    attributes = entry.Attributes;
                }
                var length = Encoding.UTF8.GetBytes(entryName, name);
                name[length] = 0;
                nuint added;
                fixed (byte* namePointer = name)
                {
                    if (plus)
                    {
                        // "." and ".." go with inode 0: the kernel makes no dentry and takes no reference
                        var entry = childPath is null ? new FuseEntryParam { Attributes = ToStat(0, attributes) } : Entry(_inodes.Remember(childPath), attributes);
                        added = LibFuse.AddDirectoryEntryPlus(request, buffer + used, (nuint)size - used, namePointer, &entry, index + 1);
                        if (added > (nuint)size - used && childPath is not null)
                            _inodes.Forget(entry.Inode, 1);
                    }
                    else
                    {
                        var stat = ToStat(ulong.MaxValue, attributes);
                        added = LibFuse.AddDirectoryEntry(request, buffer + used, (nuint)size - used, namePointer, &stat, index + 1);
                    }
                }
                if (added > (nuint)size - used)
                    break;
                used += added;
            }
            LibFuse.ReplyBuffer(request, buffer, used);
        }
        finally
        {
            NativeMemory.Free(buffer);
        }
    }

    // ---- files ----

    private async Task OpenAsync(nint request, ulong inode, FuseFileInfo info)
    {
        var path = _inodes.PathOf(inode);
        try
        {
            if (path is null)
                throw StaleInode(inode);
            var opened = await _fs.OpenAsync(path, OpenFlags.Decode(info.Flags), CancellationToken.None).ConfigureAwait(false);
            info.Handle = opened.Handle;
            info.KeepCache = _inodes.KeepsCacheOf(inode, opened.Attributes.ETag);
            // The kernel may hold attributes from a listing: no object metadata, maybe a size
            // that would end reads early (a DLO lists as 0 bytes). They are dropped before the
            // open returns, so the first read or fstat asks again and sees the object's own.
            if (opened.Revalidated)
                InvalidateAttributes(inode);
            if (FuseReply.Open(request, info) != 0)
                await _fs.ReleaseAsync(opened.Handle).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Fail(request, e, "open", path);
        }
    }

    private async Task ReadAsync(nint request, ulong inode, ulong handle, int size, long offset)
    {
        try
        {
            using var data = await _fs.ReadSegmentsAsync(handle, offset, size, CancellationToken.None).ConfigureAwait(false);
            FuseReply.Segments(request, data.Segments);
        }
        catch (Exception e)
        {
            Fail(request, e, "read", _inodes.PathOf(inode));
        }
    }

    private async Task ReleaseAsync(nint request, ulong handle)
    {
        try
        {
            await _fs.ReleaseAsync(handle).ConfigureAwait(false);
            FuseReply.Error(request, 0);
        }
        catch (Exception e)
        {
            Fail(request, e, "close", null);
        }
    }

    // ---- helpers ----

    private string ChildPath(ulong parent, string name) =>
        _inodes.PathOf(parent) is { } directory ? PathNames.Join(directory, name) : throw new FileSystemException(FileSystemError.NotFound, name, "the parent directory is no longer known");

    private static FileSystemException StaleInode(ulong inode) =>
        new(FileSystemError.Stale, $"inode {inode}", "the kernel asked about an inode it had already forgotten");

    private void Fail(nint request, Exception error, string operation, string? path) =>
        FuseReply.Error(request, ErrnoMapping.ToErrno(error, operation, path, _logger));

    private FuseEntryParam Entry(ulong inode, NodeAttributes attributes) => new()
    {
        Inode = inode,
        Generation = 1,
        Attributes = ToStat(inode, attributes),
        AttributeTimeout = _options.AttributeTimeout.TotalSeconds,
        EntryTimeout = _options.AttributeTimeout.TotalSeconds,
    };

    private static Stat ToStat(ulong inode, NodeAttributes attributes)
    {
        var time = Timespec.From(attributes.ModifiedTime);
        return new Stat
        {
            Inode = inode,
            Mode = FileModeBits.Mode(attributes.Kind, attributes.Mode),
            LinkCount = attributes.Unlinked ? 0UL : attributes.IsDirectory ? 2UL : 1UL,
            Uid = attributes.Uid,
            Gid = attributes.Gid,
            Size = attributes.IsDirectory ? 4096 : attributes.Size,
            Blocks = attributes.IsDirectory ? 8 : (attributes.Size + 511) / 512,
            // cp, cat and friends size their buffers by st_blksize: 1 MiB means fewer, larger reads
            BlockSize = 1 << 20,
            AccessTime = attributes.AccessTime is { } accessed ? Timespec.From(accessed) : time,
            ModifyTime = time,
            ChangeTime = attributes.ChangeTime is { } changed ? Timespec.From(changed) : time,
        };
    }
}
