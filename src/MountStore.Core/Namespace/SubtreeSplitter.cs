using MountStore.Core.Model;
using MountStore.Core.Storage;

namespace MountStore.Core.Namespace;

/// <summary>
/// Cuts one flat listing (no delimiter, keys in the store's order) that spans a run of sibling
/// folders into the listing each of those folders, and every folder below them, would have got
/// from a delimited listing of its own: a key whose rest has no '/' is an object of its folder,
/// any other key gives its folder the common prefix up to the next '/' and goes on down, and a
/// marker "sub/" rolls up into "sub/" as the store's own delimited listing does. The same
/// <see cref="DirectoryListingBuilder"/> then builds each folder, with the same rules for markers,
/// clashes and names that cannot be paths.
/// </summary>
/// <remarks>
/// A folder is complete once a key past its whole key range has come (every key under it sorts
/// together), or when the listing ended without a cut. Folders are handed out as they complete, so
/// a walk can use the first ones while the rest are still being fetched.
/// </remarks>
public sealed class SubtreeSplitter(IReadOnlyList<string> folderPrefixes, Func<string, DirectoryListingBuilder> newBuilder)
{
    private readonly Dictionary<string, DirectoryListingBuilder> _open = new(StringComparer.Ordinal);
    private int _current;
    private string? _lastKey;

    /// <summary>
    /// Adds the next key of the flat listing. Folders it completes are added to
    /// <paramref name="completed"/>, each after the folders below it.
    /// </summary>
    public void Add(ObjectInfo info, List<DirectoryListingBuilder> completed)
    {
        var key = info.Key;
        while (_current < folderPrefixes.Count && IsPast(key, folderPrefixes[_current]))
            CompleteCurrent(completed);
        if (_current == folderPrefixes.Count || !key.StartsWith(folderPrefixes[_current], StringComparison.Ordinal))
            return; // between the folders: a key of their parent's, not one of theirs
        _lastKey = key;
        var folder = folderPrefixes[_current];
        while (true)
        {
            var builder = Open(folder);
            var slash = key.IndexOf('/', folder.Length);
            if (slash < 0)
            {
                builder.AddObject(info);
                // a folder marked by its content type ("sub", Swift's way) is a folder with or without keys below it
                if (key.Length > folder.Length && DirectoryMarkers.HasDirectoryContentType(info) && PathNames.WhyNotAName(key[folder.Length..]) is null)
                    Open(key + "/");
                return;
            }
            var below = key[..(slash + 1)];
            builder.AddCommonPrefix(below);
            if (PathNames.WhyNotAName(key[folder.Length..slash]) is not null)
                return; // no path leads there: its parent's builder says why
            if (below.Length == key.Length)
            {
                Open(below).AddObject(info); // the marker "sub/" is that folder's own
                return;
            }
            folder = below;
        }
    }

    /// <summary>
    /// The listing ended. Without a cut every folder is complete, those without a key too (the
    /// store holds nothing under them now). After a cut (<paramref name="cut"/>: the listing was
    /// stopped before its end), only the folders the last key has gone past are.
    /// </summary>
    public void End(bool cut, List<DirectoryListingBuilder> completed)
    {
        if (!cut)
        {
            while (_current < folderPrefixes.Count)
                CompleteCurrent(completed);
            return;
        }
        foreach (var (prefix, builder) in _open)
        {
            if (_lastKey is not null && IsPast(_lastKey, prefix))
                completed.Add(builder);
        }
        _open.Clear();
    }

    /// <summary>The prefixes of the folders not complete after a cut (those <see cref="End"/> did not hand out).</summary>
    public IEnumerable<string> Incomplete => folderPrefixes.Skip(_current);

    private DirectoryListingBuilder Open(string prefix)
    {
        if (!_open.TryGetValue(prefix, out var builder))
            _open[prefix] = builder = newBuilder(prefix);
        return builder;
    }

    private void CompleteCurrent(List<DirectoryListingBuilder> completed)
    {
        Open(folderPrefixes[_current]);
        // deepest first, so a folder is published only after the folders below it
        completed.AddRange(_open.Values.OrderByDescending(b => b.Prefix.Length));
        _open.Clear();
        _current++;
    }

    /// <summary>True when <paramref name="key"/> sorts after every key that starts with <paramref name="prefix"/>.</summary>
    private static bool IsPast(string key, string prefix) =>
        !key.StartsWith(prefix, StringComparison.Ordinal) && Utf8Order.Instance.Compare(key, prefix) > 0;
}
