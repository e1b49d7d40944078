using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using MountStore.Resilience;
using MountStore.Core.Storage;

namespace MountStore.S3;

/// <summary>The one place that turns SDK exceptions into retryable failures or typed store errors.</summary>
internal static class S3Errors
{
    /// <summary>
    /// Inside an attempt: rethrows what is worth retrying in the form the retry pipeline knows,
    /// maps what is final to a typed error, and lets anything else through.
    /// </summary>
    public static Exception Classify(Exception e, string operation, string? key, string bucket)
    {
        if (e is AmazonServiceException service)
        {
            var status = (int)service.StatusCode;
            if (StoreRetryPipeline.IsTransientStatus(status) || service.ErrorCode is "SlowDown" or "RequestTimeout" or "InternalError")
                return new TransientStoreException(status == 0 ? 503 : status, $"{service.ErrorCode}: {service.Message}");
            return service.ErrorCode switch
            {
                "NoSuchBucket" => new ContainerNotFoundException(operation, bucket, status),
                "NoSuchKey" => new ObjectNotFoundException(operation, key ?? "", status),
                "InvalidAccessKeyId" or "SignatureDoesNotMatch" or "InvalidToken" or "ExpiredToken" or "TokenRefreshRequired" =>
                    new AuthenticationFailedException(operation, key, status,
                        $"{service.ErrorCode}: the access key or secret was refused; check AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or the profile"),
                "AccessDenied" or "AllAccessDisabled" => new AccessDeniedException(operation, key, status,
                    $"access denied to bucket '{bucket}'; check the key's permissions (bucket policy, IAM)"),
                "KeyTooLongError" => new InvalidObjectNameException(operation, key ?? "", "the key is longer than the store allows"),
                "BadDigest" or "InvalidDigest" => new IntegrityException(operation, key ?? "", $"{service.ErrorCode}: the server's checksum differs from ours"),
                "EntityTooLarge" => new ObjectStoreException(operation, key, status, "too large for one request on this store"),
                _ when status == 404 && key is null => new ContainerNotFoundException(operation, bucket, status),
                _ when status == 404 => new ObjectNotFoundException(operation, key!, status),
                _ when status == 403 => new AccessDeniedException(operation, key, status, $"{service.ErrorCode}: {service.Message}"),
                _ => new ObjectStoreException(operation, key, status, $"{service.ErrorCode}: {service.Message}"),
            };
        }
        // the SDK wraps network failures; hand the pipeline the cause it knows how to judge
        if (e is AmazonClientException { InnerException: { } inner } && inner is HttpRequestException or IOException or TaskCanceledException)
            return inner;
        return e;
    }

    /// <summary>True when the SDK answered "no such object" (HEAD has no error code, only 404).</summary>
    public static bool IsNotFound(Exception e) => e is AmazonServiceException { StatusCode: HttpStatusCode.NotFound };
}
