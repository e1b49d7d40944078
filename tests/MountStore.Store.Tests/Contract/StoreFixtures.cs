using MountStore.Core.Storage;
using MountStore.Swift;
using MountStore.Testing;

namespace MountStore.Store.Tests.Contract;

/// <summary>The in-memory store, with S3's part rules.</summary>
public sealed class InMemoryStoreFixture : StoreFixture
{
    protected override Task<IObjectStore> CreateStoreAsync() => Task.FromResult<IObjectStore>(new InMemoryObjectStore());

    public override Task<int> CountStoredPartsAsync(string key) => Task.FromResult(((InMemoryObjectStore)Store).PendingPartCount);
}

/// <summary>Swift on the local server, tempauth.</summary>
public sealed class LocalSwiftFixture : StoreFixture
{
    public const string Container = "mountstore-contract-swift";

    protected override async Task<IObjectStore> CreateStoreAsync()
    {
        await LocalSwiftServer.CreateContainerAsync(Container);
        return LocalSwiftServer.SwiftStore(Container);
    }

    public override Task<int> CountStoredPartsAsync(string key) =>
        SegmentCounter.CountAsync(Container + "_segments", key + "/");
}

/// <summary>S3 on the local server's s3api (same server, its S3 door).</summary>
public sealed class LocalS3Fixture : StoreFixture
{
    public const string Bucket = "mountstore-contract-s3";

    protected override async Task<IObjectStore> CreateStoreAsync()
    {
        await LocalSwiftServer.CreateContainerAsync(Bucket);
        return LocalSwiftServer.S3Store(Bucket);
    }

    // Swift's s3api does not delete an overwritten multipart object's segments (open-io/swift3#10),
    // and S3 clients cannot reach "<bucket>+segments" to do it. Mount Swift as swift:// instead.
    public override bool ServerKeepsPartsOfReplacedObjects => true;

    // s3api keeps multipart parts as segments in "<bucket>+segments", named "<key>/<upload id>/<part>"
    public override Task<int> CountStoredPartsAsync(string key) =>
        SegmentCounter.CountAsync(Bucket + "+segments", key + "/");
}

/// <summary>Swift API of Ceph RGW.</summary>
public sealed class RgwSwiftFixture : StoreFixture
{
    public const string Container = "mountstore-contract-rgw-swift";

    protected override async Task<IObjectStore> CreateStoreAsync()
    {
        await LocalRgw.CreateBucketAsync(Container);
        return LocalRgw.SwiftStore(Container);
    }

    public override Task<int> CountStoredPartsAsync(string key) =>
        SegmentCounter.CountAsync(Container + "_segments", key + "/", LocalRgw.SwiftStore);
}

/// <summary>S3 API of Ceph RGW. Its multipart parts live inside the object once completed; only
/// unfinished uploads hold parts of their own.</summary>
public sealed class RgwS3Fixture : StoreFixture
{
    public const string Bucket = "mountstore-contract-rgw-s3";

    protected override async Task<IObjectStore> CreateStoreAsync()
    {
        await LocalRgw.CreateBucketAsync(Bucket);
        return LocalRgw.S3Store(Bucket);
    }

    public override Task<int> CountStoredPartsAsync(string key) => LocalRgw.CountUnfinishedPartsAsync(Bucket, key);
}

/// <summary>Counts objects under a prefix of a container through the Swift API; 0 when the container is absent.</summary>
public static class SegmentCounter
{
    public static async Task<int> CountAsync(string container, string prefix, Func<string, SwiftObjectStore>? storeFor = null)
    {
        using var store = (storeFor ?? (c => LocalSwiftServer.SwiftStore(c)))(container);
        var count = 0;
        try
        {
            await foreach (var page in store.ListAllAsync(prefix, null)) count += page.Objects.Count;
        }
        catch (ContainerNotFoundException)
        {
            return 0;
        }
        return count;
    }
}
