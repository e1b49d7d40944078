using System.Net;
using MountStore.Core.Storage;
using MountStore.Testing;

namespace MountStore.Store.Tests.Resilience;

/// <summary>
/// Both real stores behind an HTTP fault injector: transient failures are retried and the
/// operation succeeds; persistent ones end in a typed error naming operation, object and status.
/// </summary>
public sealed class StoreRetryTests() : ContainerTestBase("mountstore-retry"), IAsyncLifetime
{


    public static TheoryData<string> Stores => new() { "swift", "s3" };

    private IObjectStore Create(string kind, FaultInjectingHandler faults, MountStore.Resilience.RetryOptions? retry = null) =>
        kind == "swift" ? LocalSwiftServer.SwiftStore(Container, faults, retry: retry) : LocalSwiftServer.S3Store(Container, faults, retry: retry);

    private static bool IsPartUpload(HttpRequestMessage r) =>
        r.Method == HttpMethod.Put && (r.RequestUri!.Query.Contains("partNumber=") || r.RequestUri.AbsolutePath.Contains("_segments/"));

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_part_that_fails_with_503_and_then_a_reset_is_retried_and_the_upload_completes(string kind)
    {
        using var faults = new FaultInjectingHandler();
        var store = Create(kind, faults);
        var key = $"retry-{kind}-{Guid.NewGuid():N}";
        var part1 = System.Security.Cryptography.RandomNumberGenerator.GetBytes(5 << 20);
        var part2 = System.Security.Cryptography.RandomNumberGenerator.GetBytes(1000);

        var upload = await store.BeginSegmentedUploadAsync(key, ObjectWriteOptions.Default, CancellationToken.None);
        faults.FailNext(IsPartUpload, 1, HttpStatusCode.ServiceUnavailable);
        faults.ResetNext(IsPartUpload, 1);
        var sent = new[]
        {
            await upload.UploadPartAsync(1, part1, CancellationToken.None),
            await upload.UploadPartAsync(2, part2, CancellationToken.None),
        };
        var info = await upload.CompleteAsync(sent, CancellationToken.None);

        Assert.Equal(2, faults.InjectedCount);
        Assert.Equal(part1.Length + part2.Length, info.Size);
        await store.DeleteAsync(key, CancellationToken.None);
        (store as IDisposable)?.Dispose();
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_put_retried_after_a_reset_stores_the_whole_body_once(string kind)
    {
        using var faults = new FaultInjectingHandler();
        var store = Create(kind, faults);
        var key = $"retry-put-{kind}-{Guid.NewGuid():N}";
        var data = System.Security.Cryptography.RandomNumberGenerator.GetBytes(200_000);

        faults.ResetNext(r => r.Method == HttpMethod.Put, 1);
        faults.FailNext(r => r.Method == HttpMethod.Put, 1, HttpStatusCode.InternalServerError);
        await store.PutAsync(key, new MemoryStream(data), ObjectWriteOptions.Default, CancellationToken.None);

        await using var content = await store.GetAsync(key, null, CancellationToken.None);
        using var read = new MemoryStream();
        await content.Stream.CopyToAsync(read);
        Assert.Equal(data, read.ToArray());
        await store.DeleteAsync(key, CancellationToken.None);
        (store as IDisposable)?.Dispose();
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_request_that_hangs_is_cut_off_by_the_per_attempt_timeout_and_retried(string kind)
    {
        using var faults = new FaultInjectingHandler();
        // long enough for a real answer on a loaded 2-core machine (300 ms was not, in CI-like runs with other work beside)
        var retry = LocalSwiftServer.TestRetry with { MetadataRequestTimeout = TimeSpan.FromSeconds(1.5) };
        var store = Create(kind, faults, retry);
        faults.HangNext(r => r.Method == HttpMethod.Head, 2);

        Assert.Null(await store.HeadAsync("hangs/absent.txt", CancellationToken.None));

        Assert.Equal(2, faults.InjectedCount);
        (store as IDisposable)?.Dispose();
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Giving_up_is_a_typed_error_naming_the_operation_the_object_and_the_status(string kind)
    {
        using var faults = new FaultInjectingHandler();
        var store = Create(kind, faults);
        faults.FailNext(r => r.Method == HttpMethod.Head, 100, HttpStatusCode.ServiceUnavailable);

        var e = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.HeadAsync("some/object.txt", CancellationToken.None));

        Assert.Equal("HEAD", e.Operation);
        Assert.Equal("some/object.txt", e.Key);
        Assert.Equal(503, e.StatusCode);
        Assert.Contains("5 attempts", e.Message);
        Assert.Equal(5, faults.InjectedCount); // first try + 4 retries (LocalSwiftServer.TestRetry)
        (store as IDisposable)?.Dispose();
    }
}
