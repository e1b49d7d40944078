namespace MountStore.Core.Storage;

/// <summary>
/// A store operation that failed, naming what was being done, to which object, and the HTTP
/// status when there was one. The message is written for the person at the terminal: what
/// failed and, where we know it, what to do. It never contains a credential.
/// </summary>
public class ObjectStoreException : Exception
{
    /// <summary>Creates the error for <paramref name="operation"/> on <paramref name="key"/>.</summary>
    public ObjectStoreException(string operation, string? key, int? statusCode, string reason, Exception? inner = null)
        : base(Compose(operation, key, statusCode, reason), inner)
    {
        Operation = operation;
        Key = key;
        StatusCode = statusCode;
        Reason = reason;
    }

    /// <summary>What was being done: <c>GET</c>, <c>list</c>, <c>upload part 3</c>.</summary>
    public string Operation { get; }

    /// <summary>The object (or container, for container-level failures); null when none applies.</summary>
    public string? Key { get; }

    /// <summary>The last HTTP status seen, if any.</summary>
    public int? StatusCode { get; }

    /// <summary>The cause in a few words, without the operation and key.</summary>
    public string Reason { get; }

    private static string Compose(string operation, string? key, int? status, string reason)
    {
        var target = key is null ? "" : $" '{key}'";
        var code = status is null ? "" : $" (HTTP {status})";
        return $"{operation}{target} failed{code}: {reason}";
    }
}

/// <summary>The object does not exist.</summary>
public sealed class ObjectNotFoundException(string operation, string key, int? statusCode = 404)
    : ObjectStoreException(operation, key, statusCode, "no such object");

/// <summary>The container or bucket does not exist, or this account cannot see it.</summary>
public sealed class ContainerNotFoundException(string operation, string container, int? statusCode = 404)
    : ObjectStoreException(operation, container, statusCode,
        "no such container or bucket; create it first or check its name and the account/region");

/// <summary>The store rejected our credentials, and logging in again did not help.</summary>
public sealed class AuthenticationFailedException(string operation, string? key, int? statusCode, string reason, Exception? inner = null)
    : ObjectStoreException(operation, key, statusCode, reason, inner);

/// <summary>The credentials work but do not allow this operation.</summary>
public sealed class AccessDeniedException(string operation, string? key, int? statusCode, string reason)
    : ObjectStoreException(operation, key, statusCode, reason);

/// <summary>The store cannot hold a key of this shape (too long, forbidden characters).</summary>
public sealed class InvalidObjectNameException(string operation, string key, string reason)
    : ObjectStoreException(operation, Shorten(key), 400, reason)
{
    private static string Shorten(string key) => key.Length <= 120 ? key : key[..60] + "…" + key[^40..];
}

/// <summary>Bytes the store holds differ from the bytes we sent (ETag/MD5 mismatch, wrong part list).</summary>
public sealed class IntegrityException(string operation, string key, string reason)
    : ObjectStoreException(operation, key, null, reason);

/// <summary>The store kept failing (5xx, 429, timeouts, resets) and retries were exhausted.</summary>
public sealed class StoreUnavailableException(string operation, string? key, int? statusCode, string reason, Exception? inner = null)
    : ObjectStoreException(operation, key, statusCode, reason, inner);

/// <summary>
/// The object is no longer the version a read was for: it was replaced or deleted since the
/// handle opened it. Nothing of the other version was returned.
/// </summary>
public sealed class ObjectChangedException(string operation, string key, string expectedETag, string? foundETag)
    : ObjectStoreException(operation, key, 412, foundETag is null
        ? $"the object was deleted since it was opened (it was version {expectedETag}); reopen the file"
        : $"the object was replaced since it was opened (version {expectedETag}, now {foundETag}); reopen the file to read the new version")
{
    /// <summary>The version the read was for.</summary>
    public string ExpectedETag { get; } = expectedETag;

    /// <summary>The version in the store now; null when the object is gone.</summary>
    public string? FoundETag { get; } = foundETag;
}

/// <summary>
/// A conditional write found the object changed since the writer began (another object took a
/// free name, or the version it started from was replaced): nothing was written to the key.
/// </summary>
public sealed class WriteConflictException(string operation, string key, string reason)
    : ObjectStoreException(operation, key, 412, reason);
