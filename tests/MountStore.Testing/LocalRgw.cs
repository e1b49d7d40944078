using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using MountStore.S3;
using MountStore.Swift;
using MountStore.Swift.Auth;

namespace MountStore.Testing;

/// <summary>
/// The Ceph RADOS Gateway of servers/rgw/start.sh: the second implementation of both APIs.
/// Buckets and containers share one namespace there, as on Swift's s3api.
/// </summary>
public static class LocalRgw
{
    /// <summary>The gateway's address (S3 endpoint).</summary>
    public static readonly Uri Endpoint = new("http://127.0.0.1:7480");

    /// <summary>Swift v1 auth on RGW (/auth/1.0, not Swift's /auth/v1.0).</summary>
    public static readonly Uri SwiftAuthUrl = new("http://127.0.0.1:7480/auth/1.0");

    /// <summary>The Swift subuser and its key.</summary>
    public const string SwiftUser = "mountstore:swift", SwiftKey = "mountstore-swift-secret";

    /// <summary>The S3 keys of the same user.</summary>
    public const string AccessKey = "MOUNTSTORERGWACCESS0", SecretKey = "mountstore-rgw-secret";

    private static readonly ScriptedServer Server = new("Ceph RGW", "servers/rgw/start.sh", Endpoint);

    /// <summary>Starts the cluster and gateway unless the gateway answers.</summary>
    public static Task EnsureRunningAsync() => Server.EnsureRunningAsync();

    /// <summary>A Swift store on RGW's Swift API.</summary>
    public static SwiftObjectStore SwiftStore(string container) => new(new SwiftStoreOptions
    {
        Container = container,
        Authenticator = new V1Authenticator(SwiftAuthUrl, SwiftUser, SwiftKey),
        Retry = LocalSwiftServer.TestRetry,
    });

    /// <summary>An S3 store on RGW's S3 API.</summary>
    public static S3ObjectStore S3Store(string bucket) => new(new S3StoreOptions
    {
        Bucket = bucket,
        Endpoint = Endpoint,
        Region = "us-east-1",
        AccessKey = AccessKey,
        SecretKey = SecretKey,
        Retry = LocalSwiftServer.TestRetry,
    });

    /// <summary>A plain SDK client, for looking at what the store layer does not expose (unfinished uploads).</summary>
    public static AmazonS3Client RawS3Client() => new(new BasicAWSCredentials(AccessKey, SecretKey), new AmazonS3Config
    {
        ServiceURL = Endpoint.ToString(),
        ForcePathStyle = true,
        AuthenticationRegion = "us-east-1",
    });

    /// <summary>Creates a bucket (idempotent); it is a Swift container of the same user too.</summary>
    public static async Task CreateBucketAsync(string bucket)
    {
        await EnsureRunningAsync().ConfigureAwait(false);
        using var s3 = RawS3Client();
        try
        {
            await s3.PutBucketAsync(new PutBucketRequest { BucketName = bucket }).ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode is "BucketAlreadyOwnedByYou" or "BucketAlreadyExists")
        {
        }
    }

    /// <summary>Parts held by unfinished multipart uploads of <paramref name="key"/>.</summary>
    public static async Task<int> CountUnfinishedPartsAsync(string bucket, string key)
    {
        using var s3 = RawS3Client();
        var uploads = await s3.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = bucket, Prefix = key }).ConfigureAwait(false);
        var count = 0;
        foreach (var upload in uploads.MultipartUploads ?? [])
        {
            if (upload.Key != key) continue;
            var parts = await s3.ListPartsAsync(new ListPartsRequest { BucketName = bucket, Key = key, UploadId = upload.UploadId }).ConfigureAwait(false);
            count += parts.Parts?.Count ?? 0;
        }
        return count;
    }
}
