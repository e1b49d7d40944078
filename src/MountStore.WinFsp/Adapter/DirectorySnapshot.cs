using MountStore.Core.FileSystem;
using MountStore.WinFsp.Native;

namespace MountStore.WinFsp.Adapter;

/// <summary>One entry of a folder as Windows sees it: the name shown and its file information.</summary>
internal readonly record struct WindowsDirectoryEntry(string Name, FspFileInfo Info);

/// <summary>
/// A folder's entries as one enumeration pages through them: "." and ".." first (not for the
/// root), then the shown names in ordinal UTF-16 order. WinFsp hands back the last name it took
/// as the marker and the next page starts strictly after it; a name order the marker can be found
/// in is all WinFsp asks, and ordinal is the order of a case-sensitive volume.
/// </summary>
internal sealed class DirectorySnapshot
{
    private readonly WindowsDirectoryEntry[] _dots;
    private readonly WindowsDirectoryEntry[] _entries;

    private DirectorySnapshot(WindowsDirectoryEntry[] dots, WindowsDirectoryEntry[] entries)
    {
        _dots = dots;
        _entries = entries;
    }

    /// <summary>The snapshot of <paramref name="view"/>, with names mapped by <see cref="WindowsNames"/>.</summary>
    public static DirectorySnapshot Of(DirectoryView view, FspFileInfo parent)
    {
        var self = WindowsFileInfo.From(view.Attributes);
        WindowsDirectoryEntry[] dots = view.Path.Length == 0 ? [] : [new(".", self), new("..", parent)];
        var entries = new WindowsDirectoryEntry[view.Count];
        for (var i = 0; i < entries.Length; i++)
        {
            var entry = view[i];
            entries[i] = new WindowsDirectoryEntry(WindowsNames.ToWindows(entry.Name), WindowsFileInfo.From(entry.Attributes));
        }
        Array.Sort(entries, (a, b) => string.CompareOrdinal(a.Name, b.Name));
        return new DirectorySnapshot(dots, entries);
    }

    /// <summary>Entries after <paramref name="marker"/> (all of them for null), in order.</summary>
    public IEnumerable<WindowsDirectoryEntry> After(string? marker)
    {
        // The dots come first whatever they would sort as: "-a" sorts before "." ordinally.
        var dotIndex = marker switch
        {
            null => 0,
            "." => 1,
            ".." => 2,
            _ => _dots.Length,
        };
        for (var i = Math.Min(dotIndex, _dots.Length); i < _dots.Length; i++)
            yield return _dots[i];
        var start = marker is null or "." or ".." ? 0 : FirstAfter(marker);
        for (var i = start; i < _entries.Length; i++)
            yield return _entries[i];
    }

    /// <summary>Entries after <paramref name="marker"/> (all of them for null), in order, as a list.</summary>
    public IReadOnlyList<WindowsDirectoryEntry> ListAfter(string? marker) => After(marker).ToList();

    // The first entry whose name sorts strictly after the marker; the marker need not still be
    // there (a file deleted between two pages), which is why this searches rather than finds.
    private int FirstAfter(string marker)
    {
        int low = 0, high = _entries.Length;
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (string.CompareOrdinal(_entries[middle].Name, marker) <= 0)
                low = middle + 1;
            else
                high = middle;
        }
        return low;
    }
}
