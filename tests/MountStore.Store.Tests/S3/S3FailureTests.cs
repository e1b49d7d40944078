using MountStore.Core.Storage;
using MountStore.Testing;

namespace MountStore.Store.Tests.S3;

/// <summary>S3-side bad input against the local server, and the large-copy path.</summary>
public sealed class S3FailureTests() : ContainerTestBase("mountstore-s3-extra"), IAsyncLifetime
{


    [Fact]
    public async Task A_wrong_secret_is_an_authentication_error_without_the_secret()
    {
        using var store = LocalSwiftServer.S3Store(Container, secret: "wrong-secret-value");

        var e = await Assert.ThrowsAsync<AuthenticationFailedException>(() => store.VerifyAccessAsync(CancellationToken.None));

        Assert.Contains("AWS_SECRET_ACCESS_KEY", e.Message);
        Assert.DoesNotContain("wrong-secret-value", e.Message);
    }

    [Fact]
    public async Task An_unknown_bucket_is_a_container_not_found_error()
    {
        using var store = LocalSwiftServer.S3Store("no-such-bucket-" + Guid.NewGuid().ToString("N")[..6]);

        await Assert.ThrowsAsync<ContainerNotFoundException>(() => store.VerifyAccessAsync(CancellationToken.None));
        await Assert.ThrowsAsync<ContainerNotFoundException>(() => store.ListAsync(new ListRequest(""), CancellationToken.None));
    }

    [Fact]
    public async Task Copies_above_the_threshold_go_as_upload_part_copy_and_match_byte_for_byte()
    {
        using var store = new MountStore.S3.S3ObjectStore(new MountStore.S3.S3StoreOptions
        {
            Bucket = Container,
            Endpoint = LocalSwiftServer.Endpoint,
            AccessKey = LocalSwiftServer.User,
            SecretKey = LocalSwiftServer.Key,
            Region = "us-east-1",
            MultipartCopyThreshold = 6 << 20,
            MultipartCopyPartSize = 5 << 20,
            Retry = LocalSwiftServer.TestRetry,
        });
        var key = $"copy-{Guid.NewGuid():N}";
        var data = System.Security.Cryptography.RandomNumberGenerator.GetBytes((12 << 20) + 5);
        await store.PutAsync(key, new MemoryStream(data), new ObjectWriteOptions { Metadata = new Dictionary<string, string> { ["mtime"] = "7" } }, CancellationToken.None);

        var copy = await store.CopyAsync(key, key + "-copy", null, CancellationToken.None);

        Assert.True(copy.IsSegmented); // three parts: proof that the multipart path ran
        Assert.Equal("7", copy.Metadata["mtime"]);
        await using var content = await store.GetAsync(key + "-copy", null, CancellationToken.None);
        using var read = new MemoryStream();
        await content.Stream.CopyToAsync(read);
        Assert.Equal(data, read.ToArray());
        await store.DeleteAsync(key, CancellationToken.None);
        await store.DeleteAsync(key + "-copy", CancellationToken.None);
    }
}
