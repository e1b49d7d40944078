using MountStore.Core.Storage;
using MountStore.Store.Tests.Contract;
using MountStore.Testing;

namespace MountStore.Store.Tests.Swift;

/// <summary>
/// Bytes damaged between the mount and the server never become the object: every segment is
/// hashed as it is sent and checked against the ETag Swift computed from what it received, and
/// a plain PUT likewise. Against the real server, with one byte changed on the way.
/// </summary>
public sealed class SwiftDamagedUploadTests : IAsyncLifetime
{
    private const string Container = "mountstore-damaged-uploads";
    private readonly string _prefix = $"run-{Guid.NewGuid().ToString("N")[..8]}/";
    private readonly FaultInjectingHandler _http = new();

    public Task InitializeAsync() => LocalSwiftServer.CreateContainerAsync(Container);

    public Task DisposeAsync()
    {
        _http.Dispose();
        return Task.CompletedTask;
    }

    private static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    [Fact]
    public async Task A_segment_damaged_on_the_way_fails_the_upload_and_its_abort_leaves_no_segment()
    {
        using var store = LocalSwiftServer.SwiftStore(Container, _http);
        var key = _prefix + "large.bin";
        var upload = await store.BeginSegmentedUploadAsync(key, new ObjectWriteOptions(), CancellationToken.None);
        var first = await upload.UploadPartAsync(1, Bytes(300_000, seed: 1), CancellationToken.None);
        Assert.Equal(ETags.Md5Hex(Bytes(300_000, seed: 1)), first.ETag);

        _http.DamageBodyOfNext(r => r.Method == HttpMethod.Put && r.RequestUri!.AbsolutePath.Contains("_segments/", StringComparison.Ordinal), 1);
        var failure = await Assert.ThrowsAsync<IntegrityException>(() => upload.UploadPartAsync(2, Bytes(300_000, seed: 2), CancellationToken.None));
        Assert.Contains("we sent", failure.Message);
        Assert.Equal(1, _http.InjectedCount);

        await upload.AbortAsync(CancellationToken.None);
        Assert.Equal(0, await SegmentCounter.CountAsync(Container + "_segments", key + "/"));
        Assert.Null(await store.HeadAsync(key, CancellationToken.None));
    }

    [Fact]
    public async Task A_single_put_damaged_on_the_way_fails_and_leaves_no_object()
    {
        using var store = LocalSwiftServer.SwiftStore(Container, _http);
        var key = _prefix + "small.bin";
        _http.DamageBodyOfNext(r => r.Method == HttpMethod.Put && r.RequestUri!.AbsolutePath.EndsWith("small.bin", StringComparison.Ordinal), 1);
        using var content = new MemoryStream(Bytes(50_000, seed: 3));
        await Assert.ThrowsAsync<IntegrityException>(() => store.PutAsync(key, content, new ObjectWriteOptions(), CancellationToken.None));
        Assert.Equal(1, _http.InjectedCount);
        Assert.Null(await store.HeadAsync(key, CancellationToken.None));
    }
}
