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

    private static async Task<byte[]> ReadAllAsync(IObjectStore store, string key, ByteRange? range = null)
    {
        await using var content = await store.GetAsync(key, range, CancellationToken.None);
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
