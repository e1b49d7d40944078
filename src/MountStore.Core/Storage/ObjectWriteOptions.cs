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
    /// The writer believes no object has this key (it created the name). A store may then skip
    /// looking for a previous object to clean up after (Swift: a large object's segments), as
    /// long as it makes the write conditional on the name being free and, when another object
    /// turned up meanwhile, replaces it as any overwrite does.
    /// </summary>
    public bool ExpectNoObject { get; init; }
}
