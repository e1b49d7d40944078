namespace MountStore.Swift;

/// <summary>
/// One segment of a large object: where it lives and, when the manifest or a listing said so,
/// its ETag and size (what a new manifest naming it needs).
/// </summary>
internal sealed record SwiftSegment(string Container, string Name, string? ETag = null, long Size = 0)
{
    /// <summary>"container/name", the form manifests and keep-sets use.</summary>
    public string Path => $"{Container}/{Name}";

    /// <summary>A manifest's "/container/name" (or "container/name") split at its first slash.</summary>
    public static SwiftSegment FromPath(string path, string? etag = null, long size = 0)
    {
        var trimmed = path.TrimStart('/');
        var slash = trimmed.IndexOf('/');
        return slash < 0 ? new(trimmed, "", etag, size) : new(trimmed[..slash], trimmed[(slash + 1)..], etag, size);
    }
}
