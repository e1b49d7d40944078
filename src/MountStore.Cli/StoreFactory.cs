using Microsoft.Extensions.Logging;
using MountStore.Core.Storage;
using MountStore.S3;
using MountStore.Swift;

namespace MountStore.Cli;

/// <summary>Builds the store for a remote from the environment, as the store tools do.</summary>
public static class StoreFactory
{
    /// <summary>
    /// Swift: OS_* variables (an openrc file or application credential sourced), ST_AUTH/ST_USER/ST_KEY,
    /// or OS_STORAGE_URL + OS_AUTH_TOKEN. S3: the AWS variables and files, AWS_ENDPOINT_URL for
    /// other servers than AWS.
    /// </summary>
    public static IObjectStore Create(RemoteAddress remote, IReadOnlyDictionary<string, string?> environment, string? s3Endpoint, ILoggerFactory loggers) =>
        remote.Kind switch
        {
            StoreKind.Swift => new SwiftObjectStore(new SwiftStoreOptions
            {
                Container = remote.Container,
                Authenticator = SwiftAuthFromEnvironment.Create(environment),
            }, loggers),
            _ => new S3ObjectStore(new S3StoreOptions
            {
                Bucket = remote.Container,
                Endpoint = s3Endpoint is null ? null : new Uri(s3Endpoint),
            }.WithEnvironmentDefaults(environment), loggers),
        };
}
