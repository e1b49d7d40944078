using Microsoft.Extensions.Logging;
using MountStore.Core.FileSystem;
using MountStore.Core.Metadata;
using MountStore.Core.Storage;
using MountStore.Core.Model;

namespace MountStore.Core.Namespace;

/// <summary>
/// Turns the pages of one delimited listing into directory entries: objects become files, common
/// prefixes and marker objects become folders. Where a file "a" and keys under "a/" both exist,
/// the folder wins (it holds more data, and a path cannot be both) and the hidden object is logged.
/// Keys that cannot be paths are skipped with a warning.
/// </summary>
public sealed class DirectoryListingBuilder(string prefix, ObjectAttributes attributes, ILogger logger)
{
    private readonly Dictionary<string, DirectoryEntry> _entries = new(StringComparer.Ordinal);

    /// <summary>The directory's own marker object ("dir/"), when it has one.</summary>
    public ObjectInfo? OwnMarker { get; private set; }

    /// <summary>The folder's own prefix ("" or "photos/2024/").</summary>
    public string Prefix => prefix;

    /// <summary>Adds one page of the listing.</summary>
    public void Add(ListingPage page)
    {
        foreach (var info in page.Objects)
            AddObject(info);
        foreach (var commonPrefix in page.CommonPrefixes)
            AddCommonPrefix(commonPrefix);
    }

    /// <summary>Adds one object row of the listing (a key under the prefix, rolled up or not).</summary>
    public void AddObject(ObjectInfo info)
    {
        var name = info.Key[prefix.Length..];
        if (name.Length == 0)
            OwnMarker = info;
        else if (name.EndsWith('/'))
            AddDirectory(name[..^1], info.Key, info.LastModified);
        else if (DirectoryMarkers.HasDirectoryContentType(info))
            AddDirectory(name, info.Key, info.LastModified);
        else
            AddFile(name, info);
    }

    /// <summary>Adds one common prefix of the listing ("photos/2024/" under "photos/"), a folder.</summary>
    public void AddCommonPrefix(string commonPrefix) =>
        AddDirectory(commonPrefix[prefix.Length..^1], commonPrefix, modified: null);

    /// <summary>
    /// The entries in name order (UTF-8 bytes, the order a listing keeps), each name once. A page
    /// gives its objects and its common prefixes apart, so they are merged here.
    /// </summary>
    public IReadOnlyList<DirectoryEntry> Build()
    {
        var names = _entries.Keys.ToArray();
        Array.Sort(names, Utf8Order.Instance);
        return names.Select(name => _entries[name]).ToArray();
    }

    private void AddFile(string name, ObjectInfo info)
    {
        if (!IsUsable(name, info.Key))
            return;
        if (_entries.TryGetValue(name, out var existing))
        {
            LogClash(name, info.Key, existing);
            return;
        }
        Remember(name, attributes.File(info, metadataLoaded: false));
    }

    private void AddDirectory(string name, string key, DateTimeOffset? modified)
    {
        if (!IsUsable(name, key))
            return;
        if (_entries.TryGetValue(name, out var existing))
        {
            if (existing.Attributes.IsDirectory)
            {
                // a marker and a common prefix for the same folder: keep the marker's time
                if (modified is not null)
                    _entries[name] = existing with { Attributes = attributes.Directory(modified) };
                return;
            }
            LogClash(name, prefix + name, existing);
            _entries[name] = new DirectoryEntry(name, attributes.Directory(modified));
            return;
        }
        Remember(name, attributes.Directory(modified));
    }

    private void Remember(string name, NodeAttributes value) => _entries[name] = new DirectoryEntry(name, value);

    private bool IsUsable(string name, string key)
    {
        var why = name.Contains('/') ? "it has an empty path component (a doubled '/')" : PathNames.WhyNotAName(name);
        if (why is null)
            return true;
        logger.LogWarning("Skipping object '{Key}': it cannot be shown as a path because {Reason}. Rename it with a store tool to see it.", key, why);
        return false;
    }

    private void LogClash(string name, string key, DirectoryEntry existing) =>
        LogHiddenFile(logger, existing.Attributes.IsDirectory ? key : prefix + name);

    /// <summary>The one warning for an object hidden by a folder of the same name.</summary>
    public static void LogHiddenFile(ILogger logger, string fileKey) =>
        logger.LogWarning("Object '{File}' is hidden: keys below '{Folder}/' make it a folder, and a path cannot be both. Rename the object with a store tool to see it.",
            fileKey, fileKey);
}
