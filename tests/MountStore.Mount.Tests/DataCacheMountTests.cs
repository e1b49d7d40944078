using MountStore.Fuse;
using MountStore.Testing;

namespace MountStore.Mount.Tests;

/// <summary>
/// `--data-cache` on real mounts of the local server: files uploaded by python-swiftclient (a
/// plain object and an SLO) read again by a later mount with no GET, fetched again when replaced
/// elsewhere, kept through a kill -9, one mount per cache folder, and a full local disk that
/// never fails a read.
/// </summary>
[Collection(MountCollection.Name)]
public sealed class DataCacheMountTests : IAsyncLifetime
{
    private const string Container = "mountstore-e2e-datacache";
    private readonly string _work = Path.Combine(Path.GetTempPath(), "mountstore-datacache-e2e-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly Dictionary<string, string> _sha = [];

    /// <summary>The GETs every mount makes before it appears, of a name nobody uses (MountWarmUp): the open's and the metadata load's.</summary>
    private const long WarmUpGets = 2;

    private string CacheDir => Path.Combine(_work, "cache");

    public async Task InitializeAsync()
    {
        await LocalSwiftServer.CreateContainerAsync(Container);
        Directory.CreateDirectory(Path.Combine(_work, "src"));
        await UploadAsync("plain.csv", 3_000_000, "one");
        await UploadAsync("model.bin", 24 << 20, "two", "--use-slo", "--segment-size", "8388608");
    }

    public async Task DisposeAsync()
    {
        if (MountTable.FsTypeAt(CacheDir) is not null)
            await ProcessRunner.RunAsync("umount", [CacheDir]);
        Directory.Delete(_work, recursive: true);
    }

    /// <summary>Uploads a file of <paramref name="size"/> random bytes with python-swiftclient.</summary>
    private async Task UploadAsync(string name, int size, string seed, params string[] options)
    {
        var source = Path.Combine(_work, "src", name);
        var bytes = new byte[size];
        new Random(seed.GetHashCode(StringComparison.Ordinal)).NextBytes(bytes);
        await File.WriteAllBytesAsync(source, bytes);
        _sha[name] = await Tools.Sha256SumAsync(source);
        await LocalSwiftServer.UploadWithSwiftClientAsync(Container, source, name, options: options);
    }

    private Task<MountProcess> MountAsync(string remote, params string[] options) =>
        MountProcess.StartAsync($"{remote}://{Container}", remote == "swift" ? MountProcess.SwiftEnvironment : MountProcess.S3Environment,
            ["--read-only", "--data-cache", "--cache-dir", CacheDir, .. options]);

    private async Task ReadAllAsync(MountProcess mount)
    {
        foreach (var (name, sha) in _sha)
            Assert.Equal(sha, (await Tools.RunAsync("sh", "-c", "cat \"$1\" | sha256sum", "_", Path.Combine(mount.Directory, name))).Split(' ')[0]);
    }

    private static async Task<long> ServedBytesAsync(MountProcess mount) =>
        (await mount.StatusJsonAsync()).GetProperty("dataCache").GetProperty("servedBytes").GetInt64();

    [Theory]
    [InlineData("swift")]
    [InlineData("s3")]
    public async Task A_later_mount_reads_every_file_again_from_local_disk_without_one_GET(string remote)
    {
        await using (var first = await MountAsync(remote))
        {
            await ReadAllAsync(first);
            Assert.True(await first.SucceededRequestsAsync("get") > WarmUpGets);
        }
        await using var second = await MountAsync(remote);
        await ReadAllAsync(second);
        Assert.Equal(WarmUpGets, await second.SucceededRequestsAsync("get"));
        Assert.Equal(3_000_000 + (24 << 20), await ServedBytesAsync(second));
    }

    [Fact]
    public async Task A_file_replaced_elsewhere_is_fetched_again_and_the_new_bytes_are_kept()
    {
        await using (var first = await MountAsync("swift"))
            await ReadAllAsync(first);
        await UploadAsync("plain.csv", 3_000_000, "replaced"); // same size, other bytes

        await using (var second = await MountAsync("swift"))
        {
            await ReadAllAsync(second);
            Assert.True(await second.SucceededRequestsAsync("get") > WarmUpGets);
            Assert.Equal(24 << 20, await ServedBytesAsync(second)); // model.bin only
        }
        await using var third = await MountAsync("swift");
        await ReadAllAsync(third);
        Assert.Equal(WarmUpGets, await third.SucceededRequestsAsync("get"));
    }

    [Fact]
    public async Task What_was_read_and_closed_before_a_kill_9_is_served_by_the_next_mount()
    {
        // A file's cached ranges are saved when its last handle is released, which the kernel
        // sends just after close() returns: ranges of a file still open at a crash are lost (the
        // next mount fetches them again), never trusted unsaved.
        await using var first = await MountAsync("swift");
        await ReadAllAsync(first);
        await first.WaitUntilNoFileIsOpenAsync();
        await first.SignalAsync(9);
        await first.WaitForExitAsync(TimeSpan.FromSeconds(20));
        await first.DisposeAsync(); // detaches the dead mount

        await using var second = await MountAsync("swift"); // the lock died with the process
        await ReadAllAsync(second);
        Assert.Equal(WarmUpGets, await second.SucceededRequestsAsync("get"));
    }

    [Fact]
    public async Task Past_its_bound_the_cache_evicts_the_least_recently_read_file_and_keeps_the_rest()
    {
        foreach (var name in new[] { "a.bin", "b.bin", "c.bin" })
            await UploadAsync(name, 8 << 20, name);
        string[] options = ["--cache-max-size", "20"];
        async Task ReadAsync(MountProcess mount, string name) =>
            Assert.Equal(_sha[name], await Tools.Sha256SumAsync(Path.Combine(mount.Directory, name)));

        await using (var first = await MountAsync("swift", options))
        {
            await ReadAsync(first, "a.bin");
            await ReadAsync(first, "b.bin");
            await ReadAsync(first, "c.bin"); // 24 MiB read through a 20 MiB cache: a.bin must go
            await first.WaitUntilNoFileIsOpenAsync();
            var cache = (await first.StatusJsonAsync()).GetProperty("dataCache");
            Assert.True(cache.GetProperty("evictedObjects").GetInt64() >= 1, cache.ToString());
            Assert.True(cache.GetProperty("usedBytes").GetInt64() <= 20 << 20, cache.ToString());
        }
        Assert.True(await DiskUsageAsync(CacheDir) <= 21 << 20, "the cache folder holds more than its bound");

        await using var second = await MountAsync("swift", options);
        await ReadAsync(second, "c.bin");
        await ReadAsync(second, "b.bin");
        Assert.Equal(WarmUpGets, await second.SucceededRequestsAsync("get")); // the two read last were kept
        await ReadAsync(second, "a.bin");
        Assert.True(await second.SucceededRequestsAsync("get") > WarmUpGets); // the first was evicted
    }

    /// <summary>Bytes the files under <paramref name="folder"/> really take on disk (du: sparse files count what they hold).</summary>
    private static async Task<long> DiskUsageAsync(string folder) =>
        long.Parse((await Tools.RunAsync("du", "-s", "-B1", folder)).Split('\t')[0]);

    [Fact]
    public async Task A_second_mount_on_the_same_cache_folder_is_refused_with_a_clear_message()
    {
        await using var first = await MountAsync("swift");
        var directory = MountProcess.NewMountPoint();
        var second = await ProcessRunner.RunAsync(MountProcess.Binary, ["mount", $"swift://{Container}", directory, "--data-cache", "--cache-dir", CacheDir],
            MountProcess.SwiftEnvironment);
        Directory.Delete(directory);
        Assert.Equal(1, second.ExitCode);
        Assert.Contains($"the cache folder {CacheDir} is in use by another mount (process {first.ProcessId})", second.StdErr);
        Assert.False(MountTable.IsFuseMounted(directory));
    }

    [Fact]
    public async Task A_full_local_disk_never_fails_a_read_and_status_says_why_nothing_was_kept()
    {
        Directory.CreateDirectory(CacheDir);
        (await ProcessRunner.RunAsync("mount", ["-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs", CacheDir])).EnsureSuccess("mount tmpfs");
        await using var mount = await MountAsync("swift", "--cache-max-size", "100"); // the disk fills long before the bound
        await ReadAllAsync(mount);
        var cache = (await mount.StatusJsonAsync()).GetProperty("dataCache");
        Assert.True(cache.GetProperty("diskErrors").GetInt64() > 0);
        Assert.Contains("No space left on device", cache.GetProperty("lastDiskError").GetString());
        await ReadAllAsync(mount); // still right, from the store where the disk had no room
        Assert.Contains("The data cache in", mount.Output);
    }
}
