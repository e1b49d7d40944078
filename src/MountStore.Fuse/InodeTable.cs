namespace MountStore.Fuse;

/// <summary>
/// Inode numbers for paths, as the kernel knows them. A number lives from the first lookup that
/// returns it until the kernel forgets it as often as it was looked up; numbers are never reused,
/// so a late request for a forgotten inode cannot reach another file. Also remembers, per inode,
/// which object version the kernel's page cache holds, to decide keep_cache at open.
/// </summary>
internal sealed class InodeTable
{
    public const ulong RootInode = 1;

    private readonly Lock _gate = new();
    private readonly Dictionary<ulong, Node> _byInode = new();
    private readonly Dictionary<string, ulong> _byPath = new(StringComparer.Ordinal);
    private ulong _next = RootInode + 1;

    public InodeTable()
    {
        _byInode[RootInode] = new Node("") { Lookups = 1 };
        _byPath[""] = RootInode;
    }

    /// <summary>Inodes the kernel holds now, the root included.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
                return _byInode.Count;
        }
    }

    /// <summary>The inode of <paramref name="path"/>, counting one more kernel reference to it.</summary>
    public ulong Remember(string path)
    {
        lock (_gate)
        {
            if (!_byPath.TryGetValue(path, out var inode))
            {
                inode = _next++;
                _byPath[path] = inode;
                _byInode[inode] = new Node(path);
            }
            _byInode[inode].Lookups++;
            return inode;
        }
    }

    /// <summary>The inode the kernel knows <paramref name="path"/> by, or null when it knows none (no reference is counted).</summary>
    public ulong? InodeOf(string path)
    {
        lock (_gate)
            return _byPath.TryGetValue(path, out var inode) ? inode : null;
    }

    /// <summary>The path of <paramref name="inode"/>, or null when the kernel forgot it.</summary>
    public string? PathOf(ulong inode)
    {
        lock (_gate)
            return _byInode.TryGetValue(inode, out var node) ? node.Path : null;
    }

    /// <summary>
    /// After a rename: <paramref name="from"/> and everything below it answer to the new path,
    /// under the same inode numbers (the kernel moved its dentries). An inode that was at
    /// <paramref name="to"/> keeps its number but no longer has a path anyone can look up.
    /// </summary>
    public void Rename(string from, string to)
    {
        lock (_gate)
        {
            var moved = _byPath.Where(pair => pair.Key == from || pair.Key.StartsWith(from + "/", StringComparison.Ordinal)).ToList();
            foreach (var (path, _) in _byPath.Where(pair => pair.Key == to || pair.Key.StartsWith(to + "/", StringComparison.Ordinal)).ToList())
                _byPath.Remove(path);
            foreach (var (path, inode) in moved)
            {
                _byPath.Remove(path);
                var newPath = to + path[from.Length..];
                _byInode[inode].Path = newPath;
                _byPath[newPath] = inode;
            }
        }
    }

    /// <summary>
    /// After unlink or rmdir: the path no longer leads to its inode, so a new file created under
    /// the same name gets a new inode instead of sharing the deleted one's (still open, perhaps).
    /// </summary>
    public void Detach(string path)
    {
        lock (_gate)
            _byPath.Remove(path);
    }

    /// <summary>Drops <paramref name="count"/> kernel references; the inode goes at zero.</summary>
    public void Forget(ulong inode, ulong count)
    {
        lock (_gate)
        {
            if (inode == RootInode || !_byInode.TryGetValue(inode, out var node))
                return;
            node.Lookups = count >= node.Lookups ? 0 : node.Lookups - count;
            if (node.Lookups > 0)
                return;
            _byInode.Remove(inode);
            if (_byPath.TryGetValue(node.Path, out var current) && current == inode)
                _byPath.Remove(node.Path); // a path taken over by a rename belongs to another inode now
        }
    }

    /// <summary>
    /// True when the kernel's cached pages of <paramref name="inode"/> are of version
    /// <paramref name="etag"/> and can be kept; records <paramref name="etag"/> as cached from now on.
    /// </summary>
    public bool KeepsCacheOf(ulong inode, string? etag)
    {
        lock (_gate)
        {
            if (!_byInode.TryGetValue(inode, out var node))
                return false;
            var keep = etag is not null && node.CachedETag == etag;
            node.CachedETag = etag;
            return keep;
        }
    }

    private sealed class Node(string path)
    {
        public string Path { get; set; } = path;

        public ulong Lookups { get; set; }

        public string? CachedETag { get; set; }
    }
}
