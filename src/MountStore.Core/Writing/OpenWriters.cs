using Microsoft.Extensions.Logging;
using MountStore.Core.Model;

namespace MountStore.Core.Writing;

/// <summary>
/// The files being written, one <see cref="FileWriter"/> per path, shared by every handle that
/// writes that path (or reads it while it is written), from the first handle's open to the last
/// one's release. The filesystem asks it what is being written where; a rename moves writers,
/// an unlink detaches one, an unmount commits them all. The disk cache's write-back will attach
/// here.
/// </summary>
/// <remarks>
/// Release arrives after close() returned, so the next open, rename or setattr of a path can run
/// while the closed handle's writer is still here. Everything that finds a writer by path joins
/// it in the same step (<see cref="Join"/>), and takes attributes from the writer it holds
/// (<see cref="AttributesOf"/>), never "look up, then join": the last handle could leave in
/// between. One lock guards the table; no store call is made under it.
/// </remarks>
public sealed class OpenWriters(NodeDefaults defaults, ILogger logger)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Shared> _byPath = new(StringComparer.Ordinal);

    // Each close finds its writer here: by path it may have moved, and a walk over every writer
    // cost each close a look at up to a thousand pending files (seen as the top of the mount's
    // own CPU profile in a tar -x with write-back).
    private readonly Dictionary<FileWriter, Shared> _byWriter = new(ReferenceEqualityComparer.Instance);

    private sealed class Shared(FileWriter writer, string path)
    {
        public FileWriter Writer { get; } = writer;

        /// <summary>The key in <see cref="_byPath"/>: where the writer answers now.</summary>
        public string Path { get; set; } = path;

        public int Handles { get; set; } = 1;
    }

    /// <summary>Writers open now (unlinked ones included until their handles close).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
                return _byPath.Count;
        }
    }

    /// <summary>
    /// Registers <paramref name="writer"/> for <paramref name="path"/> with one handle, or, when
    /// another handle got there first, joins that one and disposes <paramref name="writer"/>.
    /// Returns the writer the handle shares.
    /// </summary>
    public FileWriter Add(string path, FileWriter writer)
    {
        lock (_gate)
        {
            if (_byPath.TryGetValue(path, out var existing))
            {
                existing.Handles++;
                _ = writer.DisposeAsync().AsTask(); // another handle won the race; share its writer
                return existing.Writer;
            }
            var added = new Shared(writer, path);
            _byPath[path] = added;
            _byWriter[writer] = added;
            return writer;
        }
    }

    /// <summary>The writer of <paramref name="path"/> with one more handle on it, or null when none is open.</summary>
    public FileWriter? Join(string path)
    {
        lock (_gate)
        {
            if (!_byPath.TryGetValue(path, out var shared))
                return null;
            shared.Handles++;
            return shared.Writer;
        }
    }

    /// <summary>One more handle on <paramref name="writer"/> (write-back holds a pending file so); false when it is no longer here.</summary>
    public bool Hold(FileWriter writer)
    {
        lock (_gate)
        {
            if (!_byWriter.TryGetValue(writer, out var shared))
                return false;
            shared.Handles++;
            return true;
        }
    }

    /// <summary>The writer of <paramref name="path"/>, if one is open, without joining it.</summary>
    public FileWriter? Find(string path)
    {
        lock (_gate)
            return _byPath.GetValueOrDefault(path)?.Writer;
    }

    /// <summary>
    /// One handle of <paramref name="writer"/> leaves; the last one disposes it. Returns true when
    /// the writer went with changes that were never committed (its flush failed and said so).
    /// </summary>
    public async ValueTask<bool> LeaveAsync(FileWriter writer)
    {
        lock (_gate)
        {
            if (_byWriter.TryGetValue(writer, out var shared))
            {
                if (--shared.Handles > 0)
                    return false;
                // a writer renamed over keeps its old place name, which another may hold now
                if (_byPath.TryGetValue(shared.Path, out var there) && ReferenceEquals(there, shared))
                    _byPath.Remove(shared.Path);
                _byWriter.Remove(writer);
            }
        }
        // a pending upload left at unmount is not dropped: its record takes it to the next mount
        var dropped = writer.IsDirty && !writer.IsDiscarded && !writer.IsSealed;
        if (dropped)
            logger.LogWarning("'{Key}' was closed with changes that were not stored (its flush failed and returned an error); they are dropped", writer.Key);
        await writer.DisposeAsync().ConfigureAwait(false);
        return dropped;
    }

    /// <summary>
    /// Unlink of an open file: its writer no longer answers to <paramref name="path"/> and stores
    /// nothing more, but stays counted until its handles close. Null when none was open.
    /// </summary>
    public FileWriter? Detach(string path)
    {
        lock (_gate)
        {
            if (!_byPath.Remove(path, out var shared))
                return null;
            shared.Path = $"\0unlinked/{Guid.NewGuid()}";
            _byPath[shared.Path] = shared;
            shared.Writer.Discard();
            return shared.Writer;
        }
    }

    /// <summary>After a rename: writers at or below <paramref name="from"/> answer to the same place below <paramref name="to"/>, and commit to <paramref name="keyOf"/> it.</summary>
    public void Move(string from, string to, Func<string, string> keyOf)
    {
        lock (_gate)
        {
            foreach (var (path, shared) in _byPath.Where(pair => IsAtOrBelow(pair.Key, from)).ToList())
            {
                var moved = to + path[from.Length..];
                _byPath.Remove(path);
                _byPath[moved] = shared;
                shared.Path = moved;
                shared.Writer.Key = keyOf(moved);
            }
        }
    }

    /// <summary>Writers strictly below the folder <paramref name="folder"/>.</summary>
    public IReadOnlyList<FileWriter> Below(string folder)
    {
        lock (_gate)
            return _byPath.Where(pair => pair.Key.StartsWith(folder + "/", StringComparison.Ordinal)).Select(pair => pair.Value.Writer).ToList();
    }

    /// <summary>Paths written in the folder <paramref name="folder"/> itself, with their attributes now.</summary>
    public IReadOnlyList<(string Path, NodeAttributes Attributes)> In(string folder)
    {
        lock (_gate)
        {
            return _byPath.Where(pair => !pair.Key.StartsWith('\0') && PathNames.ParentOf(pair.Key) == folder)
                .Select(pair => (pair.Key, AttributesOf(pair.Value.Writer))).ToList();
        }
    }

    /// <summary>Every writer open now (the mount is going away: what can be stored is stored).</summary>
    public IReadOnlyList<FileWriter> All()
    {
        lock (_gate)
            return _byPath.Values.Select(s => s.Writer).ToList();
    }

    /// <summary>What stat() shows for <paramref name="path"/> while a writer is open on it; null when none is.</summary>
    public NodeAttributes? Attributes(string path)
    {
        FileWriter writer;
        lock (_gate)
        {
            if (!_byPath.TryGetValue(path, out var shared))
                return null;
            writer = shared.Writer;
        }
        return AttributesOf(writer);
    }

    /// <summary>What stat() shows for a writer already held: the bytes written so far, the mode and times given.</summary>
    public NodeAttributes AttributesOf(FileWriter writer) =>
        new(writer.Metadata.Kind, writer.Length, writer.Metadata.Permissions,
            writer.Metadata.Uid ?? defaults.Uid, writer.Metadata.Gid ?? defaults.Gid, writer.ModifiedTime, ETag: null, MetadataLoaded: true)
        {
            ChangeTime = writer.ModifiedTime,
            AccessTime = writer.Metadata.AccessTime,
        };

    private static bool IsAtOrBelow(string path, string folder) =>
        path == folder || path.StartsWith(folder + "/", StringComparison.Ordinal);
}
