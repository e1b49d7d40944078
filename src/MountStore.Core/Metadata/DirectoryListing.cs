using MountStore.Core.FileSystem;

namespace MountStore.Core.Metadata;

/// <summary>One entry of a directory: its name and what stat() shows for it.</summary>
public sealed record DirectoryEntry(string Name, NodeAttributes Attributes);

/// <summary>
/// The complete contents of one directory as of <see cref="FetchedAt"/>, in the store's order
/// (UTF-8 byte order), with lookup by name.
/// </summary>
public sealed class DirectoryListing
{
    private readonly Dictionary<string, DirectoryEntry> _byName;

    /// <summary>Builds a listing; <paramref name="entries"/> must have unique names.</summary>
    public DirectoryListing(IReadOnlyList<DirectoryEntry> entries, DateTimeOffset fetchedAt)
    {
        Entries = entries;
        FetchedAt = fetchedAt;
        _byName = new Dictionary<string, DirectoryEntry>(entries.Count, StringComparer.Ordinal);
        foreach (var entry in entries)
            _byName[entry.Name] = entry;
    }

    /// <summary>The entries in the store's order.</summary>
    public IReadOnlyList<DirectoryEntry> Entries { get; }

    /// <summary>When the store was asked.</summary>
    public DateTimeOffset FetchedAt { get; }

    /// <summary>The entry called <paramref name="name"/>, or null when the directory has none.</summary>
    public DirectoryEntry? Find(string name) => _byName.GetValueOrDefault(name);
}
