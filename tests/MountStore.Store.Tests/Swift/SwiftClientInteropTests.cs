using System.Security.Cryptography;
using MountStore.Core.Storage;
using MountStore.Store.Tests.Contract;
using MountStore.Testing;

namespace MountStore.Store.Tests.Swift;

/// <summary>
/// Large objects written by python-swiftclient (`swift upload`), read back byte for byte through
/// both our stores, and deleted without leaving their segments.
/// </summary>
public sealed class SwiftClientInteropTests : IAsyncLifetime
{
    private const string Container = "mountstore-interop";
    private const int MiB = 1 << 20;
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "mountstore-interop-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly string _prefix = $"run-{Guid.NewGuid().ToString("N")[..8]}/";

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_dir);
        await LocalSwiftServer.CreateContainerAsync(Container);
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_dir, recursive: true);
        return Task.CompletedTask;
    }

    private async Task<byte[]> UploadWithSwiftClientAsync(string objectName, int size, params string[] options)
    {
        var data = RandomNumberGenerator.GetBytes(size);
        var file = Path.Combine(_dir, Guid.NewGuid().ToString("N"));
        await File.WriteAllBytesAsync(file, data);
        await LocalSwiftServer.UploadWithSwiftClientAsync(Container, file, objectName, TimeSpan.FromMinutes(5), options);
        return data;
    }

    private static async Task<byte[]> ReadAllAsync(IObjectStore store, string key, ByteRange? range = null, string? version = null)
    {
        await using var content = await store.GetAsync(key, range, version, CancellationToken.None);
        VersionChecks.EnsureVersion(content, key, version);
        using var copy = new MemoryStream();
        await content.Stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    [Fact]
    public async Task A_static_large_object_made_by_swiftclient_reads_back_through_swift_and_s3()
    {
        var key = _prefix + "slo.bin";
        var data = await UploadWithSwiftClientAsync(key, 12 * MiB + 333, "--use-slo", "--segment-size", (2 * MiB).ToString());
        using var swift = LocalSwiftServer.SwiftStore(Container);
        using var s3 = LocalSwiftServer.S3Store(Container);

        var head = await swift.HeadAsync(key, CancellationToken.None);
        Assert.True(head!.IsSegmented);
        Assert.Equal(data.Length, head.Size);
        Assert.Equal(data, await ReadAllAsync(swift, key));
        Assert.Equal(data, await ReadAllAsync(s3, key));
        // a range across a segment boundary
        Assert.Equal(data[(2 * MiB - 5)..(2 * MiB + 5)], await ReadAllAsync(swift, key, new ByteRange(2 * MiB - 5, 10)));
        var listed = (await swift.ListAsync(new ListRequest(_prefix), CancellationToken.None)).Objects.Single(o => o.Key == key);
        Assert.Equal(data.Length, listed.Size);
    }

    [Fact]
    public async Task A_dynamic_large_object_made_by_swiftclient_reads_back_and_deletes_with_its_segments()
    {
        var key = _prefix + "dlo.bin";
        var data = await UploadWithSwiftClientAsync(key, 5 * MiB + 7, "--segment-size", MiB.ToString()); // without --use-slo swiftclient makes a DLO
        using var swift = LocalSwiftServer.SwiftStore(Container);
        Assert.True(await SegmentCounter.CountAsync(Container + "_segments", key + "/") > 0);

        Assert.Equal(data, await ReadAllAsync(swift, key));
        Assert.Equal(data[(3 * MiB)..], await ReadAllAsync(swift, key, new ByteRange(3 * MiB, 10 * MiB)));

        await swift.DeleteAsync(key, CancellationToken.None);
        Assert.Null(await swift.HeadAsync(key, CancellationToken.None));
        Assert.Equal(0, await SegmentCounter.CountAsync(Container + "_segments", key + "/"));
    }

    [Fact]
    public async Task A_reader_of_a_swiftclient_slo_reads_inside_a_segment_straight_from_it_and_only_that_version()
    {
        var key = _prefix + "slo-direct.bin";
        string[] slo = ["--use-slo", "--segment-size", (2 * MiB).ToString()];
        var data = await UploadWithSwiftClientAsync(key, 6 * MiB + 99, slo);
        using var swift = LocalSwiftServer.SwiftStore(Container);
        var version = (await swift.HeadAsync(key, CancellationToken.None))!.ETag;

        // a reader past its first MiB is read the usual way while the map of the segments loads
        Assert.Equal(data[..(2 * MiB)], await ReadAllAsync(swift, key, new ByteRange(0, 2 * MiB), version));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (swift.SegmentMaps.Find(key, version, 0, 1) is null && DateTime.UtcNow < deadline)
            await Task.Delay(20);
        Assert.NotNull(swift.SegmentMaps.Find(key, version, 0, 1));

        var before = swift.SegmentReads;
        for (var at = 0; at < 6 * MiB; at += MiB)
            Assert.Equal(data[at..(at + MiB)], await ReadAllAsync(swift, key, new ByteRange(at, MiB), version));
        Assert.Equal(data[(6 * MiB)..], await ReadAllAsync(swift, key, new ByteRange(6 * MiB, 99), version));
        Assert.Equal(before + 7, swift.SegmentReads);
        // across a segment's end: through the manifest
        Assert.Equal(data[(2 * MiB - 10)..(2 * MiB + 10)], await ReadAllAsync(swift, key, new ByteRange(2 * MiB - 10, 20), version));
        Assert.Equal(before + 7, swift.SegmentReads);

        // swiftclient replaces it and deletes the old segments: the old version is refused, not half read from its map
        var newer = await UploadWithSwiftClientAsync(key, 6 * MiB + 99, slo);
        await Assert.ThrowsAsync<ObjectChangedException>(() => ReadAllAsync(swift, key, new ByteRange(MiB, MiB), version));
        Assert.Null(swift.SegmentMaps.Find(key, version, 0, 1));
        var newVersion = (await swift.HeadAsync(key, CancellationToken.None))!.ETag;
        Assert.NotEqual(version, newVersion);
        Assert.Equal(newer[(3 * MiB)..(4 * MiB)], await ReadAllAsync(swift, key, new ByteRange(3 * MiB, MiB), newVersion));
    }

    [Fact]
    public async Task Deleting_a_swiftclient_slo_through_our_store_removes_its_segments()
    {
        var key = _prefix + "slo-delete.bin";
        await UploadWithSwiftClientAsync(key, 3 * MiB, "--use-slo", "--segment-size", MiB.ToString());
        using var swift = LocalSwiftServer.SwiftStore(Container);
        Assert.Equal(3, await SegmentCounter.CountAsync(Container + "_segments", key + "/"));

        await swift.DeleteAsync(key, CancellationToken.None);

        Assert.Equal(0, await SegmentCounter.CountAsync(Container + "_segments", key + "/"));
    }

    [Fact]
    public async Task Our_slo_is_read_by_swiftclient_byte_for_byte()
    {
        var key = _prefix + "ours.bin";
        using var swift = LocalSwiftServer.SwiftStore(Container);
        var parts = new[] { RandomNumberGenerator.GetBytes(MiB), RandomNumberGenerator.GetBytes(MiB / 2) };
        var upload = await swift.BeginSegmentedUploadAsync(key, ObjectWriteOptions.Default, CancellationToken.None);
        var sent = new List<UploadedPart>();
        for (var i = 0; i < parts.Length; i++) sent.Add(await upload.UploadPartAsync(i + 1, parts[i], CancellationToken.None));
        await upload.CompleteAsync(sent, CancellationToken.None);

        var file = Path.Combine(_dir, "downloaded");
        (await ProcessRunner.RunAsync("swift", ["download", Container, key, "--output", file], LocalSwiftServer.SwiftClientEnvironment))
            .EnsureSuccess("swift download");

        Assert.Equal(parts.SelectMany(p => p).ToArray(), await File.ReadAllBytesAsync(file));
    }
}
