using System.Net;
using Microsoft.Extensions.Logging;
using MountStore.Core.Storage;
using MountStore.Resilience;

namespace MountStore.Swift;

/// <summary>Reads of a static large object's ranges straight from its segments (see <see cref="SloSegmentMaps"/>).</summary>
public sealed partial class SwiftObjectStore
{
    /// <summary>
    /// A ranged read of one version that reaches past this many bytes (1 MiB) is a reader going
    /// through the file, worth a map of its segments; the lookup's first bytes and a peek at a
    /// header are not.
    /// </summary>
    private const long MapAfterBytes = 1 << 20;

    /// <summary>Most bytes of a manifest read for a map (a manifest of 10,000 segments is about 2.5 MB).</summary>
    private const long MaxManifestBytes = 4 << 20;

    private readonly SloSegmentMaps _segmentMaps = new();
    private readonly CancellationTokenSource _closing = new();
    private long _segmentReads;

    /// <summary>Ranged reads served straight from an SLO's segment (tests check that reads take that way).</summary>
    internal long SegmentReads => Interlocked.Read(ref _segmentReads);

    internal SloSegmentMaps SegmentMaps => _segmentMaps;

    /// <summary>
    /// The range from the one segment that holds it, when a map of that version says which; null
    /// (read the usual way) when there is none, or the segment did not answer with its bytes: then
    /// the map is given up for that version, and the usual GET says what happened to the object.
    /// </summary>
    private async Task<ObjectContent?> TryGetFromSegmentAsync(string key, ByteRange? range, string? ifMatch, CancellationToken cancellationToken)
    {
        if (range is not { } wanted || ifMatch is null || _segmentMaps.Find(key, ifMatch, wanted.Offset, wanted.Length) is not { } read)
            return null;
        var segment = read.Segment;
        var response = await _connection.SendAsync(RequestKind.Data, "GET", key, url =>
        {
            var request = new HttpRequestMessage(HttpMethod.Get, SwiftPaths.Object(url, segment.Container, segment.Name));
            request.Headers.TryAddWithoutValidation("Range", new ByteRange(read.OffsetInSegment, wanted.Length).ToHttpHeaderValue());
            request.Headers.TryAddWithoutValidation("If-Match", $"\"{segment.ETag}\"");
            return request;
        }, cancellationToken, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
        try
        {
            // a 200 is the whole segment: right only when that is what was asked for
            var whole = read.OffsetInSegment == 0 && wanted.Length >= segment.Size;
            if (response.StatusCode != HttpStatusCode.PartialContent && !(response.StatusCode == HttpStatusCode.OK && whole))
            {
                // this version is read through the manifest from now on; a new version is mapped anew
                _logger.LogDebug("Segment {Segment} of '{Key}' answered {Status}; reading through the manifest again", segment.Path, key, (int)response.StatusCode);
                _segmentMaps.Keep(key, read.Whole, null);
                response.Dispose();
                return null;
            }
            var offset = read.SegmentStart + (response.Content.Headers.ContentRange?.From ?? 0);
            var length = response.Content.Headers.ContentLength ?? Math.Min(wanted.Length, read.Whole.Size - offset);
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            Interlocked.Increment(ref _segmentReads);
            return new ObjectContent(stream, read.Whole, offset, length, response);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>After a usual GET of an SLO by a reader going through it, loads its map in the background.</summary>
    private void MapSegmentsWhenWorthIt(string key, ByteRange? range, string? ifMatch, ObjectInfo whole, HttpResponseMessage response)
    {
        if (range is not { } wanted || ifMatch is null || wanted.Offset + wanted.Length <= MapAfterBytes)
            return;
        if (!string.Equals(SwiftHttp.Header(response, "X-Static-Large-Object"), "true", StringComparison.OrdinalIgnoreCase))
            return;
        if (_segmentMaps.StartLoading(key, whole.ETag))
            _ = LoadSegmentMapAsync(key, whole);
    }

    private async Task LoadSegmentMapAsync(string key, ObjectInfo whole)
    {
        try
        {
            var body = await ReadManifestBodyAsync(key, MaxManifestBytes, _closing.Token).ConfigureAwait(false);
            var mapped = _segmentMaps.Keep(key, whole, body is { Length: > 0 } ? ParseManifest(body) : null);
            _logger.LogDebug("'{Key}': {Outcome}", key, mapped
                ? "reads inside one segment go straight to it"
                : "its manifest cannot be mapped (ranges, nested, another version, or none readable); reads go through it");
        }
        catch (Exception e)
        {
            // only a shortcut is lost: this version's reads keep going through the manifest
            _segmentMaps.Keep(key, whole, null);
            _logger.LogDebug(e, "Could not read the manifest of '{Key}' for direct segment reads", key);
        }
    }
}
