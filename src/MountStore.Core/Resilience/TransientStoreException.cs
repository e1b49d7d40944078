namespace MountStore.Core.Resilience;

/// <summary>
/// Thrown inside a retried attempt when the store answered with a status worth retrying
/// (5xx, 429). The pipeline retries it; when retries run out the store turns it into a
/// <see cref="Storage.StoreUnavailableException"/>.
/// </summary>
public sealed class TransientStoreException(int statusCode, string detail)
    : Exception($"HTTP {statusCode}: {detail}")
{
    /// <summary>The status that made the attempt fail.</summary>
    public int StatusCode { get; } = statusCode;
}
