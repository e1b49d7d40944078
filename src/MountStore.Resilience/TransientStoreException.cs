using MountStore.Core.Storage;

namespace MountStore.Resilience;

/// <summary>
/// Thrown inside a retried attempt when the store answered with a status worth retrying
/// (5xx, 429). The pipeline retries it; when retries run out it becomes a
/// <see cref="StoreUnavailableException"/>, or the error <see cref="WhenRetriesRunOut"/> makes.
/// </summary>
public sealed class TransientStoreException(int statusCode, string detail, Func<int, ObjectStoreException>? whenRetriesRunOut = null)
    : Exception($"HTTP {statusCode}: {detail}")
{
    /// <summary>The status that made the attempt fail.</summary>
    public int StatusCode { get; } = statusCode;

    /// <summary>
    /// The error to give up with, from the number of attempts made, when it is not the usual
    /// "the store kept failing" (a token refused again and again is an authentication error).
    /// </summary>
    public Func<int, ObjectStoreException>? WhenRetriesRunOut { get; } = whenRetriesRunOut;
}
