namespace MountStore.Core.Namespace;

/// <summary>
/// Maps mount paths ("a/b.txt", "" for the root) to object keys under the mount's prefix, and
/// back. The one place that knows a folder is a key prefix ending in '/'.
/// </summary>
public sealed class ObjectNamespace(string rootPrefix)
{
    /// <summary>The key prefix the mount root stands for ("" or ending in '/').</summary>
    public string RootPrefix { get; } = rootPrefix;

    /// <summary>The object key of a file at <paramref name="path"/>.</summary>
    public string KeyOf(string path) => RootPrefix + path;

    /// <summary>The mount path of the object <paramref name="key"/> (which must be under the root prefix).</summary>
    public string PathOf(string key) => key[RootPrefix.Length..];

    /// <summary>The prefix that lists the contents of the directory at <paramref name="path"/>.</summary>
    public string DirectoryPrefixOf(string path) => path.Length == 0 ? RootPrefix : RootPrefix + path + "/";

    /// <summary>The key of the marker object that makes the directory at <paramref name="path"/> exist.</summary>
    public string DirectoryMarkerOf(string path) => DirectoryPrefixOf(path);
}
