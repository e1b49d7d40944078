using MountStore.Core.Model;

namespace MountStore.Core.FileSystem;

/// <summary>
/// A folder as a door shows it: the listing taken when it was opened (so paging through it sees
/// one snapshot whatever the cache does meanwhile), each entry with the attributes the mount
/// shows for it at the moment it is read: a file being written with its bytes so far, a file
/// whose own metadata has been loaded with that. Doors page through it and apply no rule of
/// their own.
/// </summary>
public sealed class DirectoryView
{
    private readonly DirectoryListing _listing;
    private readonly Func<string, NodeAttributes, NodeAttributes> _shown;

    internal DirectoryView(string path, NodeAttributes attributes, DirectoryListing listing, Func<string, NodeAttributes, NodeAttributes> shown)
    {
        Path = path;
        Attributes = attributes;
        _listing = listing;
        _shown = shown;
    }

    /// <summary>The folder's path.</summary>
    public string Path { get; }

    /// <summary>The folder's own attributes (for "." and "..").</summary>
    public NodeAttributes Attributes { get; }

    /// <summary>Entries in the store's order.</summary>
    public int Count => _listing.Entries.Count;

    /// <summary>The <paramref name="index"/>-th entry, with the attributes shown for it now.</summary>
    public DirectoryEntry this[int index]
    {
        get
        {
            var entry = _listing.Entries[index];
            return entry with { Attributes = _shown(PathOf(entry.Name), entry.Attributes) };
        }
    }

    /// <summary>The path of the entry called <paramref name="name"/>.</summary>
    public string PathOf(string name) => PathNames.Join(Path, name);
}
