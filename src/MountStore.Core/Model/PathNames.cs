using System.Text;

namespace MountStore.Core.Model;

/// <summary>Which key components can be file names, and how paths are joined.</summary>
public static class PathNames
{
    /// <summary>The longest name component Linux accepts, in bytes.</summary>
    public const int MaxNameBytes = 255;

    /// <summary>Why <paramref name="name"/> cannot be a file name, or null when it can.</summary>
    public static string? WhyNotAName(string name)
    {
        if (name.Length == 0)
            return "it has an empty path component (a doubled '/')";
        if (name is "." or "..")
            return $"a path component is '{name}'";
        if (name.Contains('\0'))
            return "it contains a NUL byte";
        if (Encoding.UTF8.GetByteCount(name) > MaxNameBytes)
            return $"a path component is longer than {MaxNameBytes} bytes";
        return null;
    }

    /// <summary>The path of <paramref name="name"/> inside <paramref name="directory"/> ("" is the root).</summary>
    public static string Join(string directory, string name) => directory.Length == 0 ? name : directory + "/" + name;

    /// <summary>The directory holding <paramref name="path"/> ("" for top-level names).</summary>
    public static string ParentOf(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash < 0 ? "" : path[..slash];
    }

    /// <summary>The last component of <paramref name="path"/>.</summary>
    public static string NameOf(string path) => path[(path.LastIndexOf('/') + 1)..];
}
