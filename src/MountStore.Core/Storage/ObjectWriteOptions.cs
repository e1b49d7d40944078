namespace MountStore.Core.Storage;

/// <summary>How to write an object: its content type and user metadata (keys without the store's prefix).</summary>
public sealed record ObjectWriteOptions
{
    /// <summary>Writes with no content type (the store's default) and no metadata.</summary>
    public static readonly ObjectWriteOptions Default = new();

    /// <summary>The object's Content-Type; null lets the store choose.</summary>
    public string? ContentType { get; init; }

    /// <summary>User metadata, e.g. <c>mtime</c> → <c>1700000000.5</c>. ASCII keys and values.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = ObjectInfo.NoMetadata;

    /// <summary>
    /// The write is only for a free name: the writer created it. If an object has the key by the
    /// time the write would land, the store writes nothing there and throws
    /// <see cref="WriteConflictException"/> (an object that is the writer's own earlier attempt,
    /// whose answer was lost, is not a conflict). A store may also skip looking for a previous
    /// object to clean up after (Swift: a large object's segments).
    /// </summary>
    public bool ExpectNoObject { get; init; }

    /// <summary>
    /// The write replaces exactly this version (ETag) of the object, the one the writer started
    /// from. If the object has another ETag, or is gone, the store writes nothing and throws
    /// <see cref="WriteConflictException"/>. How close to atomic that check is depends on the
    /// store: a condition on the request itself (S3), or a HEAD just before it (Swift).
    /// </summary>
    public string? ExpectETag { get; init; }

    /// <summary>True when the write carries a condition.</summary>
    public bool IsConditional => ExpectNoObject || ExpectETag is not null;

    /// <summary>The same write with no condition (for a conflict copy under a new name).</summary>
    public ObjectWriteOptions Unconditional => this with { ExpectNoObject = false, ExpectETag = null };
}
