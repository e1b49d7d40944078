using Microsoft.Extensions.Logging;
using MountStore.Core.Storage;

namespace MountStore.Swift;

/// <summary>
/// Ceph RGW (Pacific) keeps Static Large Objects differently from Swift, in two ways a client sees:
/// <list type="bullet">
/// <item>A container listing shows an SLO with its manifest's size and the MD5 of nothing, not
/// the object's size and ETag: <c>ls -l</c> would show a 1 GiB file as 800 bytes.</item>
/// <item><c>?multipart-manifest=get</c> answers with an empty body, so the segments of an object
/// that is about to be replaced cannot be read from its manifest.</item>
/// </list>
/// Both are met here. (Deleting and renaming need no manifest: the server's own
/// <c>multipart-manifest=delete</c> and manifest copy work on both servers.) Swift itself never
/// shows either quirk, so on Swift this costs nothing.
/// </summary>
internal static class RgwSloQuirks
{
    /// <summary>MD5 of zero bytes: what RGW lists as an SLO's hash.</summary>
    public const string EmptyMd5 = "d41d8cd98f00b204e9800998ecf8427e";

    /// <summary>
    /// True for a listing row that may be an RGW manifest and needs a HEAD for its real size and
    /// ETag: bytes but the hash of no bytes (only a manifest looks like that), or, on RGW, an
    /// empty file (a manifest copied with multipart-manifest=get lists as 0 bytes, just like a
    /// truly empty file). Folder markers are never manifests.
    /// </summary>
    public static bool IsManifestRow(ObjectInfo row, bool serverIsRgw) =>
        row.ETag == EmptyMd5 && !row.Key.EndsWith('/') && (row.Size > 0 || serverIsRgw);

    /// <summary>RGW serves the Swift API under /swift/ (rgw_swift_url_prefix); Swift itself under /v1.</summary>
    public static bool IsRgwStorageUrl(Uri storageUrl) => storageUrl.AbsolutePath.StartsWith("/swift/", StringComparison.Ordinal);

    /// <summary>
    /// The segments of an SLO found by listing the segment container under "&lt;key&gt;/": our
    /// uploads and python-swiftclient's both put one upload's segments in one folder there. The
    /// folder whose segments add up to the object's size and whose ETags hash to the object's
    /// ETag (an SLO's ETag is the MD5 of its segments' ETags) is the one. Nothing matching means
    /// nothing is returned: a segment that may belong to another object is never deleted. An object
    /// renamed earlier keeps its segments under its old name, so replacing it leaves them (logged).
    /// </summary>
    public static async Task<IReadOnlyList<SwiftSegment>> FindByListingAsync(SwiftObjectStore store, string key, ObjectInfo manifest, CancellationToken cancellationToken)
    {
        var rows = new List<ObjectInfo>();
        string? marker = null;
        do
        {
            var page = await store.ListContainerAsync(store.SegmentContainer, new ListRequest(key + "/", null, marker), cancellationToken).ConfigureAwait(false);
            rows.AddRange(page.Objects);
            marker = page.ContinuationToken;
        }
        while (marker is not null);

        var wanted = ETags.Normalize(manifest.ETag);
        foreach (var upload in rows.GroupBy(r => r.Key[..(r.Key.LastIndexOf('/') + 1)]))
        {
            var ordered = upload.OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
            if (ordered.Sum(r => r.Size) != manifest.Size) continue;
            if (ETags.SwiftSlo(ordered.Select(r => r.ETag)) != wanted) continue;
            return ordered.Select(r => new SwiftSegment(store.SegmentContainer, r.Key, r.ETag, r.Size)).ToList();
        }
        store.Logger.LogWarning("The segments of large object '{Key}' are not under {Container}/{Key}/ (renamed earlier?); replacing it leaves them there. " +
            "Find them with `swift list {Container}` and delete them by hand.", key, store.SegmentContainer, key, store.SegmentContainer);
        return [];
    }
}
