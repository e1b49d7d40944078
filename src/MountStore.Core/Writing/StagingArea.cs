using Microsoft.Win32.SafeHandles;
using MountStore.Core.Memory;

namespace MountStore.Core.Writing;

/// <summary>
/// The folder staging files live in, and the byte limit they share. Each file is unlinked the
/// moment it is created, so it lives exactly as long as its handle: a crash or kill leaves
/// nothing behind, and no other user can open it even while it exists.
/// </summary>
public sealed class StagingArea
{
    private long _used, _peak;

    /// <summary>Creates (mode 0700) or reuses <paramref name="directory"/>.</summary>
    public StagingArea(string? directory, long limitBytes)
    {
        Directory = directory ?? Path.Combine(Path.GetTempPath(), $"mountstore-{Environment.ProcessId}");
        LimitBytes = limitBytes;
        DiskCache.PrivateFiles.EnsureFolder(Directory);
    }

    /// <summary>The folder.</summary>
    public string Directory { get; }

    /// <summary>Most bytes all staging files may hold.</summary>
    public long LimitBytes { get; }

    /// <summary>Bytes held by staging files now.</summary>
    public long UsedBytes => Interlocked.Read(ref _used);

    /// <summary>The most bytes ever held at once.</summary>
    public long PeakUsedBytes => Interlocked.Read(ref _peak);

    /// <summary>A new, already unlinked file open for reading and writing.</summary>
    public SafeFileHandle CreateFile()
    {
        var path = Path.Combine(Directory, Guid.NewGuid().ToString("N"));
        // Windows refuses to delete a file open without FILE_SHARE_DELETE ("being used by another
        // process"; found by the wine probe): there the system deletes it when its handle closes,
        // which a crash or kill does too, so the file's life is the same.
        if (OperatingSystem.IsWindows())
            return File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileOptions.DeleteOnClose);
        var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileOptions.None);
        File.Delete(path);
        return handle;
    }

    /// <summary>Takes <paramref name="bytes"/> of the limit; false when that would pass it.</summary>
    public bool TryReserve(long bytes)
    {
        while (true)
        {
            var used = Interlocked.Read(ref _used);
            if (used + bytes > LimitBytes) return false;
            if (Interlocked.CompareExchange(ref _used, used + bytes, used) != used) continue;
            PeakValue.Raise(ref _peak, used + bytes);
            return true;
        }
    }

    /// <summary>Gives back <paramref name="bytes"/>.</summary>
    public void Release(long bytes) => Interlocked.Add(ref _used, -bytes);
}
