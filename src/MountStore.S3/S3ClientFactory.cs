using Amazon;
using Amazon.Runtime;
using Amazon.S3;

namespace MountStore.S3;

/// <summary>
/// Builds the SDK client for S3-compatible servers: path style with a custom endpoint, checksums
/// only where the API requires them (SDK v4's defaults break many stores), and no SDK retries,
/// so that our pipeline is the only retry layer.
/// </summary>
internal static class S3ClientFactory
{
    public static AmazonS3Client Create(S3StoreOptions options)
    {
        var config = new AmazonS3Config
        {
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            MaxErrorRetry = 0,
            Timeout = Timeout.InfiniteTimeSpan,
            MaxConnectionsPerServer = options.MaxConnections,
        };
        if (options.Endpoint is { } endpoint)
        {
            config.ServiceURL = endpoint.ToString();
            config.AuthenticationRegion = options.Region;
            config.ForcePathStyle = options.VirtualHostedStyle != true;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region ?? "us-east-1");
            config.ForcePathStyle = options.VirtualHostedStyle == false;
        }
        if (options.Handler is { } handler) config.HttpClientFactory = new InjectedHandlerFactory(handler);

        return options.AccessKey is not null && options.SecretKey is not null
            ? new AmazonS3Client(new BasicAWSCredentials(options.AccessKey, options.SecretKey), config)
            : new AmazonS3Client(config); // the SDK's default chain: environment, profile files, AWS_PROFILE, instance roles
    }

    private sealed class InjectedHandlerFactory(HttpMessageHandler handler) : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig) =>
            new(handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };

        public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;
    }
}
