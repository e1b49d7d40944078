using MountStore.Core.Model;
using MountStore.Core.Writing;

namespace MountStore.Core.FileSystem;

/// <summary>
/// Files unlinked (or renamed over) while handles were still open on them. POSIX keeps such a
/// file alive for its handles until the last one closes: they go on reading and writing it,
/// fstat shows nlink 0, and the name is free at once. Each one answers from a hidden path of its
/// own ("\0unlinked/N"), which no listing shows and no lookup by name reaches. Its object, when
/// it was stored, stays in the store until the last handle closes (then it is deleted, unless
/// something else was stored under the key meanwhile); if something is about to be stored under
/// that key first, the file's bytes are fetched to a local staging file beforehand, so its
/// handles keep reading their own version.
/// </summary>
internal sealed class UnlinkedOpenFiles
{
    /// <summary>Hidden paths start with this: no name from a kernel or a store can.</summary>
    public const string Prefix = "\0unlinked/";

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _byPath = new(StringComparer.Ordinal);
    private long _next;

    /// <summary>One unlinked file with handles still open.</summary>
    public sealed class Entry(string hiddenPath, string key, string? storedETag, NodeAttributes attributes, FileWriter? writer, int handles)
    {
        /// <summary>Where its handles answer from now.</summary>
        public string HiddenPath { get; } = hiddenPath;

        /// <summary>The key its object had (and still has, until the last close).</summary>
        public string Key { get; } = key;

        /// <summary>The version that was in the store when it was unlinked; null when it never was stored.</summary>
        public string? StoredETag { get; } = storedETag;

        /// <summary>What stat showed for it when it was unlinked.</summary>
        public NodeAttributes Attributes { get; } = attributes;

        /// <summary>The writer its writing handles share, if any (never committed again).</summary>
        public FileWriter? Writer { get; } = writer;

        /// <summary>A local copy of its bytes for its reading handles, once its key is about to be reused.</summary>
        public FileWriter? LocalCopy { get; set; }

        /// <summary>True once its bytes no longer depend on the store.</summary>
        public bool Preserved { get; set; }

        /// <summary>Handles still open.</summary>
        public int Handles { get; set; } = handles;
    }

    /// <summary>True for a path that belongs to an unlinked open file.</summary>
    public static bool IsHidden(string path) => path.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>Registers an unlinked file with <paramref name="handles"/> open on it.</summary>
    public Entry Add(string key, string? storedETag, NodeAttributes attributes, FileWriter? writer, int handles)
    {
        lock (_gate)
        {
            var entry = new Entry($"{Prefix}{++_next}", key, storedETag, attributes with { Unlinked = true }, writer, handles);
            _byPath[entry.HiddenPath] = entry;
            return entry;
        }
    }

    /// <summary>The entry of a hidden path, or null.</summary>
    public Entry? Find(string hiddenPath)
    {
        lock (_gate)
            return _byPath.GetValueOrDefault(hiddenPath);
    }

    /// <summary>Entries whose object is still the one under <paramref name="key"/> and not yet copied locally.</summary>
    /// <summary>The version of <paramref name="key"/> the file unlinked here last holds (this mount's own), or null.</summary>
    public string? StoredVersionOf(string key)
    {
        lock (_gate)
            return _byPath.Values.Where(e => e.Key == key && e.StoredETag is not null).Select(e => e.StoredETag).LastOrDefault();
    }

    public IReadOnlyList<Entry> DependingOn(string key)
    {
        lock (_gate)
            return _byPath.Values.Where(e => e.Key == key && e.StoredETag is not null && !e.Preserved).ToList();
    }

    /// <summary>One of the entry's handles closed; returns the entry when it was the last.</summary>
    public Entry? HandleClosed(string hiddenPath)
    {
        lock (_gate)
        {
            if (!_byPath.TryGetValue(hiddenPath, out var entry) || --entry.Handles > 0)
                return null;
            _byPath.Remove(hiddenPath);
            return entry;
        }
    }
}
