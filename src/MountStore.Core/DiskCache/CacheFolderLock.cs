namespace MountStore.Core.DiskCache;

/// <summary>
/// An exclusive lock on a cache folder, held for the life of the mount. Two mounts sharing one
/// folder would each trust ranges the other is rewriting and evict files the other has open.
/// .NET takes an flock(2) for FileShare.None on Unix, so the lock dies with the process, kill -9
/// included, and a stale lock file never blocks the next mount.
/// </summary>
internal sealed class CacheFolderLock : IDisposable
{
    private readonly FileStream _file;

    private CacheFolderLock(FileStream file) => _file = file;

    /// <summary>Takes the lock or throws <see cref="CacheFolderInUseException"/>.</summary>
    public static CacheFolderLock Take(string directory)
    {
        var path = Path.Combine(directory, "lock");
        try
        {
            var file = PrivateFiles.Open(path, FileMode.OpenOrCreate, FileShare.None);
            // the holder is named in a file of its own: the locked one cannot be read by others
            PrivateFiles.ReplaceDurably(Path.Combine(directory, "lock.owner"), System.Text.Encoding.UTF8.GetBytes($"{Environment.ProcessId}\n"));
            return new CacheFolderLock(file);
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new CacheFolderInUseException(directory, HolderOf(Path.Combine(directory, "lock.owner")));
        }
    }

    private static string HolderOf(string path)
    {
        try
        {
            var text = File.ReadAllText(path).Trim();
            return int.TryParse(text, out var pid) ? $" (process {pid})" : "";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    public void Dispose() => _file.Dispose();
}
