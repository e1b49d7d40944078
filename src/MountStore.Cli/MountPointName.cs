namespace MountStore.Cli;

/// <summary>
/// One spelling per mount point, so that `mount`, `unmount` and `status` given the same place in
/// different words find the same mount (its status socket and, on Windows, its unmount signal
/// are named after it).
/// </summary>
internal static class MountPointName
{
    /// <summary>Means "the next free drive letter" on Windows.</summary>
    public const string NextFreeDriveLetter = "*";

    /// <summary>
    /// Linux: the absolute path without a trailing slash. Windows: a drive letter as "X:" (from
    /// x:, X:\ or X:/), "*" as it is, a folder as its absolute path without a trailing backslash.
    /// </summary>
    public static string Normalize(string text)
    {
        if (OperatingSystem.IsWindows())
        {
            var trimmed = text.Trim();
            if (trimmed == NextFreeDriveLetter)
                return trimmed;
            if (IsDriveLetter(trimmed))
                return char.ToUpperInvariant(trimmed[0]) + ":";
        }
        return Path.TrimEndingDirectorySeparator(Path.GetFullPath(text));
    }

    /// <summary>"X:", "x:", "X:\" or "X:/": a whole drive, not a path on it.</summary>
    public static bool IsDriveLetter(string text) =>
        text.Length is 2 or 3 && char.IsAsciiLetter(text[0]) && text[1] == ':' && (text.Length == 2 || text[2] is '\\' or '/');
}
