using Microsoft.Extensions.Logging.Abstractions;
using MountStore.Core.DiskCache;
using MountStore.Core.FileSystem;
using MountStore.Core.Model;
using MountStore.Testing;
using static MountStore.Testing.FaultInjectingObjectStore;

namespace MountStore.Core.Tests;

/// <summary>File data kept on local disk: served again after a remount, for the same version only, within its bound.</summary>
public sealed class DataCacheTests : IDisposable
{
    private const int MiB = 1 << 20;
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "mountstore-datacache-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly FaultInjectingObjectStore _store = new(new InMemoryObjectStore());

    public void Dispose()
    {
        if (Directory.Exists(_folder))
            Directory.Delete(_folder, recursive: true);
    }

    private MountedFileSystem Mount(long maxBytes = 1L << 30) => new(_store, new FileSystemOptions
    {
        DataCache = new DataCacheOptions { Directory = Path.Combine(_folder, "cache"), MaxBytes = maxBytes },
        Writing = TestStores.SmallParts(Path.Combine(_folder, "staging")),
    }, NullLoggerFactory.Instance);

    private static async Task<byte[]> ReadAsync(MountedFileSystem fs, string path, long offset = 0, long length = long.MaxValue)
    {
        var opened = await fs.OpenAsync(path, OpenIntent.ReadOnly, CancellationToken.None);
        try
        {
            using var all = new MemoryStream();
            var buffer = new byte[128 * 1024];
            while (all.Length < length)
            {
                var read = await fs.ReadAsync(opened.Handle, offset + all.Length, buffer.AsMemory(0, (int)Math.Min(buffer.Length, length - all.Length)), CancellationToken.None);
                if (read == 0)
                    break;
                all.Write(buffer, 0, read);
            }
            return all.ToArray();
        }
        finally
        {
            await fs.ReleaseAsync(opened.Handle);
        }
    }

    private async Task<byte[]> PutAsync(string key, int size, int seed = 7)
    {
        var bytes = TestStores.Pattern(size, seed);
        await _store.PutAsync(key, bytes);
        return bytes;
    }

    [Fact]
    public async Task A_new_mount_with_the_same_cache_reads_a_file_again_without_one_GET()
    {
        var bytes = await PutAsync("data/big.bin", 20 * MiB);
        await using (var first = Mount())
            Assert.Equal(bytes, await ReadAsync(first, "data/big.bin"));
        var getsBefore = _store.CountOf(StoreCall.Get);

        await using var second = Mount();
        Assert.Equal(bytes, await ReadAsync(second, "data/big.bin"));
        Assert.Equal(getsBefore, _store.CountOf(StoreCall.Get));
        Assert.Equal(bytes.Length, second.DataCache!.ServedBytes);
        Assert.Equal(0, second.DataCache.FetchedBytes);
    }

    [Fact]
    public async Task Only_the_ranges_not_kept_are_fetched_after_a_partial_read()
    {
        var bytes = await PutAsync("part.bin", 24 * MiB);
        await using (var first = Mount())
            Assert.Equal(bytes.AsSpan(0, 2 * MiB).ToArray(), await ReadAsync(first, "part.bin", 0, 2 * MiB));

        // what the first mount saved (read-ahead still finishing at close may have added to it)
        await using var second = Mount();
        var kept = second.DataCache!.UsedBytes;
        Assert.InRange(kept, 2 * MiB, 24 * MiB - 1); // read-ahead kept some more, not all
        Assert.Equal(bytes, await ReadAsync(second, "part.bin"));
        Assert.Equal(kept, second.DataCache!.ServedBytes);
        Assert.Equal(bytes.Length - kept, second.DataCache.FetchedBytes);
    }

    [Fact]
    public async Task An_object_replaced_elsewhere_is_read_in_its_new_version_and_the_old_bytes_are_dropped()
    {
        await PutAsync("report.csv", 3 * MiB, seed: 1);
        await using (var first = Mount())
            await ReadAsync(first, "report.csv");
        var replaced = await PutAsync("report.csv", 3 * MiB, seed: 2); // same size, other bytes

        await using var second = Mount();
        Assert.Equal(replaced, await ReadAsync(second, "report.csv"));
        Assert.Equal(0, second.DataCache!.ServedBytes);
        Assert.Equal(3 * MiB, second.DataCache.UsedBytes); // the new version, not both
        Assert.Equal(replaced, await ReadAsync(second, "report.csv"));
        Assert.Equal(3 * MiB, second.DataCache.ServedBytes);
    }

    [Fact]
    public async Task The_bound_evicts_the_least_recently_used_files_that_are_not_open()
    {
        var a = await PutAsync("a.bin", 5 * MiB, 1);
        var b = await PutAsync("b.bin", 5 * MiB, 2);
        var c = await PutAsync("c.bin", 5 * MiB, 3);
        await using var fs = Mount(maxBytes: 12 * MiB);
        var held = await fs.OpenAsync("a.bin", OpenIntent.ReadOnly, CancellationToken.None);
        var buffer = new byte[5 * MiB];
        Assert.Equal(5 * MiB, await fs.ReadAsync(held.Handle, 0, buffer, CancellationToken.None));
        Assert.Equal(b, await ReadAsync(fs, "b.bin"));
        Assert.Equal(c, await ReadAsync(fs, "c.bin")); // no room for c beside a and b: b goes, a is open

        Assert.InRange(fs.DataCache!.UsedBytes, 1, 12 * MiB);
        Assert.Equal((5L * MiB, 1L), fs.DataCache.Evicted);
        var served = fs.DataCache.ServedBytes;
        Assert.Equal(a, await ReadAsync(fs, "a.bin"));
        Assert.Equal(c, await ReadAsync(fs, "c.bin"));
        Assert.Equal(served + 10 * MiB, fs.DataCache.ServedBytes); // a and c still kept
        await fs.ReleaseAsync(held.Handle);
    }

    [Fact]
    public async Task A_file_larger_than_the_bound_is_read_from_the_store_and_kept_as_far_as_it_fits()
    {
        var bytes = await PutAsync("huge.bin", 12 * MiB);
        await using var fs = Mount(maxBytes: 4 * MiB);
        Assert.Equal(bytes, await ReadAsync(fs, "huge.bin"));
        Assert.InRange(fs.DataCache!.UsedBytes, 1, 4 * MiB);
    }

    [Fact]
    public async Task Two_mounts_cannot_share_a_cache_folder_and_the_message_says_what_to_do()
    {
        await using (var first = Mount())
        {
            var refused = Assert.Throws<CacheFolderInUseException>(() => Mount());
            Assert.Contains("in use by another mount", refused.Message);
            Assert.Contains($"(process {Environment.ProcessId})", refused.Message);
            Assert.Contains("--cache-dir", refused.Message);
        }
        await using var afterwards = Mount(); // the lock went with the first mount
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task The_cache_is_private_to_the_mounting_user()
    {
        await PutAsync("private.bin", MiB);
        await using (var fs = Mount())
            await ReadAsync(fs, "private.bin");
        var root = Path.Combine(_folder, "cache");
        const UnixFileMode folderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        Assert.Equal(folderMode, File.GetUnixFileMode(root));
        var files = Directory.GetFiles(root, "*", SearchOption.AllDirectories);
        Assert.Contains(files, f => f.EndsWith(".data", StringComparison.Ordinal));
        Assert.Contains(files, f => f.EndsWith(".state", StringComparison.Ordinal));
        Assert.All(files, f => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(f)));
        Assert.All(Directory.GetDirectories(root, "*", SearchOption.AllDirectories), d => Assert.Equal(folderMode, File.GetUnixFileMode(d)));
    }

    [Fact]
    public async Task A_damaged_state_file_is_ignored_and_the_bytes_come_from_the_store()
    {
        var bytes = await PutAsync("damaged.bin", 2 * MiB);
        await using (var fs = Mount())
            await ReadAsync(fs, "damaged.bin");
        var state = Directory.GetFiles(Path.Combine(_folder, "cache"), "*.state", SearchOption.AllDirectories).Single();
        await File.WriteAllTextAsync(state, "{\"key\":\"damaged.bin\",\"etag\":");
        var data = Path.ChangeExtension(state, ".data");

        await using var again = Mount();
        Assert.False(File.Exists(data)); // data no state vouches for is deleted
        Assert.Equal(bytes, await ReadAsync(again, "damaged.bin"));
        Assert.Equal(0, again.DataCache!.ServedBytes);
    }

    [Fact]
    public async Task A_state_naming_more_bytes_than_the_data_file_holds_is_not_trusted()
    {
        var bytes = await PutAsync("short.bin", 2 * MiB);
        await using (var fs = Mount())
            await ReadAsync(fs, "short.bin");
        var data = Directory.GetFiles(Path.Combine(_folder, "cache"), "*.data", SearchOption.AllDirectories).Single();
        using (var file = File.OpenWrite(data))
            file.SetLength(MiB); // as if the disk lost the tail

        await using var again = Mount();
        Assert.Equal(bytes, await ReadAsync(again, "short.bin"));
        Assert.Equal(0, again.DataCache!.ServedBytes);
    }

    [Fact]
    public async Task Deleting_a_file_through_the_mount_frees_its_cached_bytes()
    {
        await PutAsync("gone.bin", 3 * MiB);
        await using var fs = Mount();
        await ReadAsync(fs, "gone.bin");
        Assert.Equal(3 * MiB, fs.DataCache!.UsedBytes);
        await fs.UnlinkAsync("gone.bin", CancellationToken.None);
        Assert.Equal(0, fs.DataCache.UsedBytes);
        Assert.Empty(Directory.GetFiles(Path.Combine(_folder, "cache", "objects"), "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Two_handles_on_one_version_share_its_cached_bytes_and_an_older_version_still_open_is_not_mixed_in()
    {
        var v1 = await PutAsync("shared.bin", 2 * MiB, seed: 1);
        await using var fs = new MountedFileSystem(_store, new FileSystemOptions
        {
            DataCache = new DataCacheOptions { Directory = Path.Combine(_folder, "cache") },
            Writing = TestStores.SmallParts(Path.Combine(_folder, "staging")),
            MetadataTtl = TimeSpan.Zero, // every open asks the store for the version
        }, NullLoggerFactory.Instance);
        var old = await fs.OpenAsync("shared.bin", OpenIntent.ReadOnly, CancellationToken.None);
        var buffer = new byte[2 * MiB];
        Assert.Equal(2 * MiB, await fs.ReadAsync(old.Handle, 0, buffer, CancellationToken.None));
        Assert.Equal(v1, await ReadAsync(fs, "shared.bin")); // a second handle on v1: served from disk
        Assert.Equal(2 * MiB, fs.DataCache!.ServedBytes);

        var v2 = await PutAsync("shared.bin", 2 * MiB, seed: 2);
        Assert.Equal(v2, await ReadAsync(fs, "shared.bin")); // v1 is still open: v2 is read past the cache
        Assert.Equal(2 * MiB, fs.DataCache.ServedBytes);
        Assert.Equal(2 * MiB, await fs.ReadAsync(old.Handle, 0, buffer, CancellationToken.None));
        Assert.Equal(v1, buffer);
        await fs.ReleaseAsync(old.Handle);
    }
}
