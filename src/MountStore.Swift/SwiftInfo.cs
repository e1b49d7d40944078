using System.Text.Json.Nodes;
using MountStore.Core.Storage;

namespace MountStore.Swift;

/// <summary>
/// The cluster's own limits from its /info endpoint (public, no token), so part sizes and name
/// checks follow the server we talk to rather than defaults.
/// </summary>
internal static class SwiftInfo
{
    /// <summary>Candidate /info URLs for a storage URL: <c>/info</c> at the root (Swift) and beside /swift (RGW).</summary>
    public static IEnumerable<Uri> Candidates(Uri storageUrl)
    {
        var root = new Uri(storageUrl.GetLeftPart(UriPartial.Authority));
        var path = storageUrl.AbsolutePath;
        var v1 = path.IndexOf("/v1", StringComparison.Ordinal);
        if (v1 > 0) yield return new Uri(root, path[..v1] + "/info");
        yield return new Uri(root, "/info");
    }

    /// <summary>
    /// Limits from an /info document, falling back to Swift's defaults for what it does not say.
    /// <paramref name="rgw"/>: the server is Ceph's RGW, whose version is Ceph's.
    /// </summary>
    public static StoreLimits Parse(JsonNode? info, bool rgw = false)
    {
        var swift = info?["swift"];
        var slo = info?["slo"];
        var maxFile = (long?)swift?["max_file_size"] ?? (5L << 30) + 2;
        return new StoreLimits
        {
            MaxKeyBytes = (int?)swift?["max_object_name_length"] ?? 1024,
            MaxSinglePutBytes = maxFile,
            MaxPartBytes = maxFile,
            MinPartBytes = Math.Max(1, (long?)slo?["min_segment_size"] ?? 1),
            MaxParts = (int?)slo?["max_manifest_segments"] ?? 1000,
            PartsCanMoveToAnotherKey = true,
            // RGW's SLO rows are told apart by their manifest's empty hash and asked about when
            // listed (RgwSloQuirks); Swift marks them itself from 2.19 on
            ListingsMarkLargeObjects = rgw || IsAtLeast((string?)swift?["version"], new Version(2, 19)),
        };
    }

    private static bool IsAtLeast(string? version, Version wanted)
    {
        // "2.30.1", or a distribution's "2.30.1.dev12": the first three numbers are enough
        var numbers = (version ?? "").Split('.').Take(3).TakeWhile(part => int.TryParse(part, out _)).ToArray();
        return numbers.Length >= 2 && Version.TryParse(string.Join('.', numbers), out var parsed) && parsed >= wanted;
    }
}
