using MountStore.Resilience;

namespace MountStore.S3;

/// <summary>Where an S3 store points and how it talks to it.</summary>
public sealed record S3StoreOptions
{
    /// <summary>The bucket the store works in.</summary>
    public required string Bucket { get; init; }

    /// <summary>
    /// The endpoint of an S3-compatible server (Ceph RGW, Swift's s3api, MinIO...); null means AWS.
    /// From AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL when not given.
    /// </summary>
    public Uri? Endpoint { get; init; }

    /// <summary>The signing region; from AWS_REGION / AWS_DEFAULT_REGION, else us-east-1.</summary>
    public string? Region { get; init; }

    /// <summary>
    /// Bucket in the host name (virtual-hosted style) instead of the path. Off by default with a
    /// custom endpoint, since most S3-compatible servers only do path style; on for AWS.
    /// </summary>
    public bool? VirtualHostedStyle { get; init; }

    /// <summary>Access key; null uses the AWS credential chain (environment, profile files, AWS_PROFILE).</summary>
    public string? AccessKey { get; init; }

    /// <summary>Secret key, with <see cref="AccessKey"/>.</summary>
    public string? SecretKey { get; init; }

    /// <summary>Copies of objects larger than this use UploadPartCopy (S3's single-copy limit is 5 GiB).</summary>
    public long MultipartCopyThreshold { get; init; } = 5L << 30;

    /// <summary>Part size for multipart copies (default 512 MiB).</summary>
    public long MultipartCopyPartSize { get; init; } = 512L << 20;

    /// <summary>Retries and per-request timeouts.</summary>
    public RetryOptions Retry { get; init; } = new();

    /// <summary>Most connections open to the server at once (default 64).</summary>
    public int MaxConnections { get; init; } = 64;

    /// <summary>A handler to send requests through instead of the default one (tests inject faults with it).</summary>
    public HttpMessageHandler? Handler { get; init; }

    /// <summary>Fills endpoint and region from the environment where they are not set.</summary>
    public S3StoreOptions WithEnvironmentDefaults(IReadOnlyDictionary<string, string?> env)
    {
        string? Get(string name) => env.TryGetValue(name, out var v) && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;
        var fromEnvironment = Get("AWS_ENDPOINT_URL_S3") ?? Get("AWS_ENDPOINT_URL");
        var endpoint = Endpoint ?? (fromEnvironment is null ? null : new Uri(fromEnvironment));
        return this with
        {
            Endpoint = endpoint,
            Region = Region ?? Get("AWS_REGION") ?? Get("AWS_DEFAULT_REGION") ?? "us-east-1",
        };
    }
}
