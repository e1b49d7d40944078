using MountStore.Core.FileSystem;
using MountStore.Core.Model;

namespace MountStore.Testing;

/// <summary>Whole-file steps through a <see cref="MountedFileSystem"/>, as a program makes them through the mount.</summary>
public static class MountedFileSystemFiles
{
    /// <summary>Creates <paramref name="path"/> (mode 0644), writes <paramref name="bytes"/> from offset 0, and closes it (flush, release).</summary>
    public static async Task CreateFileAsync(this MountedFileSystem fs, string path, byte[] bytes)
    {
        var created = await fs.CreateAsync(path, Convert.ToUInt32("644", 8), OpenIntent.WriteOnly, CancellationToken.None);
        await fs.WriteAsync(created.Handle, 0, bytes, CancellationToken.None);
        await fs.FlushAsync(created.Handle, CancellationToken.None);
        await fs.ReleaseAsync(created.Handle);
    }
}
