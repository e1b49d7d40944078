namespace MountStore.Core.Storage;

/// <summary>
/// What the store says about one object. From a listing, <see cref="Metadata"/> is empty (stores
/// do not list user metadata); from a HEAD or GET it holds the user metadata, keys in lower case
/// without the store's prefix (<c>mtime</c>, not <c>X-Object-Meta-Mtime</c>).
/// <see cref="LastModified"/> has the precision the store gives both in listings and in a HEAD
/// (Swift: milliseconds; S3: seconds), so the two never disagree about one object.
/// </summary>
public sealed record ObjectInfo(
    string Key,
    long Size,
    string ETag,
    DateTimeOffset LastModified,
    string? ContentType,
    IReadOnlyDictionary<string, string> Metadata)
{
    /// <summary>No user metadata: the value a listing entry carries.</summary>
    public static readonly IReadOnlyDictionary<string, string> NoMetadata =
        new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>True when the object is made of segments or parts (Swift SLO/DLO, S3 multipart).</summary>
    public bool IsSegmented { get; init; }
}
