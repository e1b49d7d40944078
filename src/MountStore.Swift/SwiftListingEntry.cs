using System.Text.Json.Serialization;
using MountStore.Core.Storage;

namespace MountStore.Swift;

/// <summary>One row of a JSON container listing: an object, or a rolled-up <c>subdir</c>.</summary>
internal sealed class SwiftListingEntry
{
    [JsonPropertyName("name")] public string? Name { get; set; }
    [JsonPropertyName("subdir")] public string? Subdir { get; set; }
    [JsonPropertyName("bytes")] public long Bytes { get; set; }
    [JsonPropertyName("hash")] public string? Hash { get; set; }
    [JsonPropertyName("slo_etag")] public string? SloETag { get; set; }
    [JsonPropertyName("content_type")] public string? ContentType { get; set; }
    [JsonPropertyName("last_modified")] public string? LastModified { get; set; }

    /// <summary>The name that continues the listing after this row (the marker).</summary>
    public string MarkerName => Name ?? Subdir ?? "";

    /// <summary>The row as an object, its time as <see cref="SwiftTimes"/> reads it.</summary>
    public ObjectInfo ToObjectInfo()
    {
        var modified = SwiftTimes.OfListing(LastModified);
        // an SLO's listing row carries the whole object's size and its ETag as slo_etag;
        // its content_type gains ";swift_bytes=N" on some versions
        var contentType = ContentType;
        var cut = contentType?.IndexOf(";swift_bytes=", StringComparison.Ordinal) ?? -1;
        if (cut >= 0) contentType = contentType![..cut];
        return new ObjectInfo(Name!, Bytes, ETags.Normalize(SloETag ?? Hash), modified, contentType, ObjectInfo.NoMetadata)
        {
            IsSegmented = SloETag is not null,
        };
    }
}

[JsonSerializable(typeof(List<SwiftListingEntry>))]
[JsonSerializable(typeof(List<SwiftManifestEntry>))]
[JsonSerializable(typeof(SwiftBulkDeleteResult))]
internal sealed partial class SwiftJson : JsonSerializerContext;

/// <summary>A segment of an SLO manifest, as <c>?multipart-manifest=get</c> returns it.</summary>
internal sealed class SwiftManifestEntry
{
    [JsonPropertyName("name")] public string? Name { get; set; }
    [JsonPropertyName("hash")] public string? Hash { get; set; }
    [JsonPropertyName("bytes")] public long Bytes { get; set; }

    /// <summary>Only these bytes of the segment belong to the object ("first-last").</summary>
    [JsonPropertyName("range")] public string? Range { get; set; }

    /// <summary>The segment is itself an SLO.</summary>
    [JsonPropertyName("sub_slo")] public bool SubSlo { get; set; }

    /// <summary>Bytes kept in the manifest itself (base64) instead of a segment object.</summary>
    [JsonPropertyName("data")] public string? Data { get; set; }
}

/// <summary>The JSON answer of a bulk or multipart-manifest delete (status 200 even when it failed).</summary>
internal sealed class SwiftBulkDeleteResult
{
    [JsonPropertyName("Response Status")] public string? ResponseStatus { get; set; }
    [JsonPropertyName("Number Deleted")] public int NumberDeleted { get; set; }
    [JsonPropertyName("Number Not Found")] public int NumberNotFound { get; set; }
    [JsonPropertyName("Errors")] public List<List<string>>? Errors { get; set; }
}
