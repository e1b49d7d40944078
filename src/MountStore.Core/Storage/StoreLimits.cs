namespace MountStore.Core.Storage;

/// <summary>What a store can hold; upload code sizes its parts from these.</summary>
public sealed record StoreLimits
{
    /// <summary>Longest key, in UTF-8 bytes (Swift and S3: 1024).</summary>
    public int MaxKeyBytes { get; init; } = 1024;

    /// <summary>Largest object one PUT may write (Swift and S3: 5 GiB).</summary>
    public long MaxSinglePutBytes { get; init; } = 5L << 30;

    /// <summary>Smallest part other than the last (S3: 5 MiB; Swift SLO: 1 byte).</summary>
    public long MinPartBytes { get; init; } = 5L << 20;

    /// <summary>Largest single part (S3: 5 GiB; Swift: its max_file_size).</summary>
    public long MaxPartBytes { get; init; } = 5L << 30;

    /// <summary>Most parts one object may have (S3: 10,000; Swift SLO: max_manifest_segments, 1,000 by default).</summary>
    public int MaxParts { get; init; } = 10_000;

    /// <summary>
    /// True when the parts of an upload can become an object under another key than the one it
    /// began with (Swift: segments are objects, any manifest may name them; S3: a multipart upload
    /// completes only under its own key). Where a writer that loses a conflict keeps its bytes.
    /// </summary>
    public bool PartsCanMoveToAnotherKey { get; init; }

    /// <summary>
    /// True when a listing row tells a large object from a plain one
    /// (<see cref="ObjectInfo.IsSegmented"/>), so a delete may take a row's word for how to delete
    /// it. Swift from 2.19 (2018) lists an SLO's own ETag as slo_etag; before, an SLO's row looks
    /// like a plain object's, and a plain DELETE of it would leave its segments behind.
    /// </summary>
    public bool ListingsMarkLargeObjects { get; init; }

    /// <summary>Largest object the store holds (S3: 5 TiB; Swift: parts × part size).</summary>
    public long MaxObjectBytes => Math.Min(5L << 40, MaxParts * MaxPartBytes);

    /// <summary>Throws <see cref="InvalidObjectNameException"/> when the store cannot hold <paramref name="key"/>.</summary>
    public void ValidateKey(string operation, string key)
    {
        if (key.Length == 0)
            throw new InvalidObjectNameException(operation, key, "an object name cannot be empty");
        var bytes = System.Text.Encoding.UTF8.GetByteCount(key);
        if (bytes > MaxKeyBytes)
            throw new InvalidObjectNameException(operation, key,
                $"the name is {bytes} bytes long in UTF-8; this store holds at most {MaxKeyBytes}");
        if (key.Contains('\0'))
            throw new InvalidObjectNameException(operation, key, "the name contains a NUL character");
    }
}
