using System.Security.Cryptography;
using MountStore.Core.Storage;
using MountStore.Testing;

namespace MountStore.Store.Tests.Keystone;

/// <summary>S3 signed with a Keystone EC2 credential, checked by Swift's s3token against Keystone.</summary>
public sealed class KeystoneS3Tests : IAsyncLifetime
{
    private const string Bucket = "mountstore-keystone-s3";
    private LocalKeystone _keystone = null!;

    public async Task InitializeAsync()
    {
        _keystone = await LocalKeystone.EnsureRunningAsync();
        await _keystone.CreateContainerAsync(Bucket);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task An_ec2_credential_writes_lists_and_reads_the_project_bucket_including_multipart()
    {
        using var store = _keystone.S3Store(Bucket);
        await store.VerifyAccessAsync(CancellationToken.None);
        var prefix = $"ec2-{Guid.NewGuid():N}/";
        await store.PutTextAsync(prefix + "small.txt", "hello through s3token");
        var data = RandomNumberGenerator.GetBytes(11 << 20);
        var upload = await store.BeginSegmentedUploadAsync(prefix + "large.bin", ObjectWriteOptions.Default, CancellationToken.None);
        var first = await upload.UploadPartAsync(1, data.AsMemory(0, 6 << 20), CancellationToken.None);
        var second = await upload.UploadPartAsync(2, data.AsMemory(6 << 20), CancellationToken.None);
        await upload.CompleteAsync([first, second], CancellationToken.None);

        Assert.Equal("hello through s3token", await store.ReadTextAsync(prefix + "small.txt"));
        await using (var content = await store.GetAsync(prefix + "large.bin", null, CancellationToken.None))
        {
            using var copy = new MemoryStream();
            await content.Stream.CopyToAsync(copy);
            Assert.Equal(SHA256.HashData(data), SHA256.HashData(copy.ToArray()));
        }
        var page = await store.ListAsync(new ListRequest(prefix, null, null, 100), CancellationToken.None);
        Assert.Equal([prefix + "large.bin", prefix + "small.txt"], page.Objects.Select(o => o.Key));

        // the same bytes, seen through Swift with a Keystone token: one project, two APIs
        using var swift = await _keystone.SwiftStoreAsync(Bucket);
        Assert.Equal("hello through s3token", await swift.ReadTextAsync(prefix + "small.txt"));

        await store.DeleteAsync(prefix + "small.txt", CancellationToken.None);
        await store.DeleteAsync(prefix + "large.bin", CancellationToken.None);
    }

    [Fact]
    public async Task A_wrong_ec2_secret_is_a_one_line_authentication_error_without_the_secret()
    {
        using var store = _keystone.S3Store(Bucket, secret: "wrong-ec2-secret");

        var e = await Assert.ThrowsAsync<AuthenticationFailedException>(() => store.VerifyAccessAsync(CancellationToken.None));

        Assert.DoesNotContain("wrong-ec2-secret", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}
