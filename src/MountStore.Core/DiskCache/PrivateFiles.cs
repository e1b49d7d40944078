namespace MountStore.Core.DiskCache;

/// <summary>
/// Files and folders only the mounting user may open (folders 0700, files 0600): the cache holds
/// the content of objects whose store credentials other local users do not have.
/// </summary>
internal static class PrivateFiles
{
    private const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates <paramref name="path"/> (and its parents) or tightens an existing folder.</summary>
    public static void EnsureFolder(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path); // under the user's profile: private already
            return;
        }
        Directory.CreateDirectory(path, FolderMode);
        File.SetUnixFileMode(path, FolderMode); // an existing folder may have been looser
    }

    /// <summary>Opens or creates a file for reading and writing; a new one is created mode 0600.</summary>
    public static FileStream Open(string path, System.IO.FileMode mode, FileShare share = FileShare.Read)
    {
        var options = new FileStreamOptions { Mode = mode, Access = FileAccess.ReadWrite, Share = share };
        if (!OperatingSystem.IsWindows() && mode is System.IO.FileMode.Create or System.IO.FileMode.CreateNew or System.IO.FileMode.OpenOrCreate)
            options.UnixCreateMode = FileMode;
        return new FileStream(path, options);
    }

    /// <summary>Replaces <paramref name="path"/> with <paramref name="content"/> in one step, durably: a crash leaves the old file or the new one.</summary>
    public static void ReplaceDurably(string path, ReadOnlySpan<byte> content) => Replace(path, content, flushToDisk: true);

    /// <summary>
    /// Replaces <paramref name="path"/> with <paramref name="content"/> in one step without
    /// waiting for the disk: after a crash the file may be the old one, the new one, or empty,
    /// never a mix, so only for files whose readers drop what they cannot parse.
    /// </summary>
    public static void Replace(string path, ReadOnlySpan<byte> content, bool flushToDisk)
    {
        var temporary = path + ".new";
        using (var file = Open(temporary, System.IO.FileMode.Create))
        {
            file.Write(content);
            if (flushToDisk)
                file.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
    }
}
