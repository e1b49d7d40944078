using MountStore.Core.Storage;

namespace MountStore.Swift;

/// <summary>Reads and writes what Swift keeps in object headers: metadata, size, ETag, large-object markers.</summary>
internal static class SwiftObjectHeaders
{
    public const string MetaPrefix = "X-Object-Meta-";

    /// <summary>An <see cref="ObjectInfo"/> from a HEAD or GET response; the size from Content-Range when ranged.</summary>
    public static ObjectInfo Read(string key, HttpResponseMessage response)
    {
        var metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        // User metadata is never a content header. A plain loop over the raw headers: LINQ over
        // the header pairs is generic code that ReadyToRun cannot precompile, so the first answer
        // of a fresh mount paid for compiling it.
        foreach (var header in response.Headers.NonValidated)
        {
            if (!header.Key.StartsWith(MetaPrefix, StringComparison.OrdinalIgnoreCase))
                continue;
            foreach (var value in header.Value)
            {
                metadata[header.Key[MetaPrefix.Length..].ToLowerInvariant()] = value;
                break;
            }
        }
        // RGW shows an SLO's flag as user metadata too; carried into a copy it would be a lie
        metadata.Remove("static-large-object");
        var size = response.Content.Headers.ContentRange?.Length ?? response.Content.Headers.ContentLength ?? 0;
        var modified = SwiftTimes.Of(response);
        var segmented = SwiftHttp.Header(response, "X-Static-Large-Object") is { } slo && slo.Equals("true", StringComparison.OrdinalIgnoreCase)
            || SwiftHttp.Header(response, "X-Object-Manifest") is not null;
        return new ObjectInfo(key, size, SwiftHttp.ETag(response),
            modified, response.Content.Headers.ContentType?.ToString(), metadata)
        {
            IsSegmented = segmented,
        };
    }

    /// <summary>Adds user metadata and content type to a write request.</summary>
    public static void Write(HttpRequestMessage request, ObjectWriteOptions options)
    {
        foreach (var (name, value) in options.Metadata)
            request.Headers.TryAddWithoutValidation(MetaPrefix + name, value);
        if (options.ContentType is not null && request.Content is not null)
            request.Content.Headers.TryAddWithoutValidation("Content-Type", options.ContentType);
    }
}
