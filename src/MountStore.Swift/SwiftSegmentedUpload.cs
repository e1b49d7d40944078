using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using MountStore.Resilience;
using MountStore.Core.Storage;

namespace MountStore.Swift;

/// <summary>
/// A Static Large Object in the making. Segments go to <c>&lt;container&gt;_segments</c> under
/// <c>&lt;key&gt;/slo/&lt;timestamp&gt;/&lt;upload id&gt;/&lt;part&gt;</c> (python-swiftclient's
/// layout, plus an id so two uploads of one key never share segments). Each segment is hashed as
/// it is sent and checked against the ETag Swift answers with (a segment that differs fails the
/// upload, whose abort deletes it); the manifest lists every segment's ETag and size so Swift checks the
/// set again before the object appears.
/// </summary>
internal sealed class SwiftSegmentedUpload : ISegmentedUpload
{
    private readonly SwiftObjectStore _store;
    private readonly ObjectWriteOptions _options;
    private readonly ILogger _logger;
    private readonly string _segmentPrefix;

    public SwiftSegmentedUpload(SwiftObjectStore store, string key, ObjectWriteOptions options, ILogger logger)
    {
        _store = store;
        _options = options;
        _logger = logger;
        Key = key;
        var stamp = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0).ToString("F6", CultureInfo.InvariantCulture);
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var prefix = $"{key}/slo/{stamp}/{id}/";
        // a key near the name limit leaves no room for the suffix: name such segments by hash
        if (System.Text.Encoding.UTF8.GetByteCount(prefix) + 8 > store.Limits.MaxKeyBytes)
            prefix = $".mountstore-long-names/{Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)))}/slo/{stamp}/{id}/";
        _segmentPrefix = prefix;
    }

    public string Key { get; }

    /// <summary>Where this upload's segments live, for tests and cleanup.</summary>
    public string SegmentPrefix => _segmentPrefix;

    private string SegmentName(int partNumber) => _segmentPrefix + partNumber.ToString("D8", CultureInfo.InvariantCulture);

    public async Task<UploadedPart> UploadPartAsync(int partNumber, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var limits = _store.Limits;
        ArgumentOutOfRangeException.ThrowIfLessThan(partNumber, 1);
        if (partNumber > limits.MaxParts)
            throw new ObjectStoreException($"upload part {partNumber}", Key, null, $"this store takes at most {limits.MaxParts} segments per object");
        if (data.Length == 0)
            throw new ObjectStoreException($"upload part {partNumber}", Key, null, "a segment cannot be empty");

        var name = SegmentName(partNumber);
        var operation = $"upload part {partNumber}";
        Md5MemoryContent? content = null;
        using var response = await _store.Connection.SendAsync(RequestKind.Data, operation, Key, url =>
        {
            content = new Md5MemoryContent(data);
            return new HttpRequestMessage(HttpMethod.Put, SwiftPaths.Object(url, _store.SegmentContainer, name)) { Content = content };
        }, cancellationToken).ConfigureAwait(false);
        await _store.ThrowUnlessSuccessAsync(response, operation, Key, SwiftObjectStore.Missing.Container, cancellationToken).ConfigureAwait(false);
        var stored = SwiftHttp.ETag(response);
        var md5 = content!.SentMd5 ?? throw new IntegrityException(operation, Key, "the server answered before the segment was sent whole");
        // a segment that differs is never named by a manifest; the failed upload's abort deletes it
        if (stored != md5)
            throw new IntegrityException(operation, Key, $"segment stored with MD5 {stored}, we sent {md5}");
        return new UploadedPart(partNumber, data.Length, md5);
    }

    public async Task<ObjectInfo> CompleteAsync(IReadOnlyList<UploadedPart> parts, CancellationToken cancellationToken)
    {
        if (parts.Count == 0) throw new ObjectStoreException("complete upload", Key, null, "no parts were uploaded");
        var ordered = parts.OrderBy(p => p.PartNumber).ToList();
        if (ordered.Select(p => p.PartNumber).Distinct().Count() != ordered.Count)
            throw new IntegrityException("complete upload", Key, "the part list names a part twice");

        var segments = ordered.Select(p => new SwiftSegment(_store.SegmentContainer, SegmentName(p.PartNumber), p.ETag, p.Size)).ToList();
        // A free name is checked by the manifest PUT itself (If-None-Match: *), except on RGW,
        // which ignores it; anything else by the HEAD that also finds the old segments. A
        // conflict throws before the manifest is written, and the segments stay for a copy.
        var onlyIfFree = _options.ExpectNoObject && !await _store.IsRgwAsync(cancellationToken).ConfigureAwait(false);
        var previous = onlyIfFree ? [] : await _store.FindSegmentsAsync(Key, _options, "complete upload", cancellationToken).ConfigureAwait(false);
        await _store.PutManifestAsync(Key, segments, _options, "complete upload", cancellationToken, onlyIfFree).ConfigureAwait(false);

        // the new object is in place: the segments of the one it replaced are garbage now
        var ours = segments.Select(s => s.Path).ToHashSet(StringComparer.Ordinal);
        await _store.DeleteSegmentsAsync(previous, ours, cancellationToken).ConfigureAwait(false);
        return await CheckedAsync(Key, ordered, cancellationToken).ConfigureAwait(false);
    }

    public bool CanCompleteUnderAnotherKey => true;

    public async Task<ObjectInfo> CompleteUnderAsync(string key, IReadOnlyList<UploadedPart> parts, CancellationToken cancellationToken)
    {
        var ordered = parts.OrderBy(p => p.PartNumber).ToList();
        var segments = ordered.Select(p => new SwiftSegment(_store.SegmentContainer, SegmentName(p.PartNumber), p.ETag, p.Size)).ToList();
        // a manifest may name any segments: the same ones become the object under the other key
        await _store.PutManifestAsync(key, segments, _options.Unconditional, "complete upload", cancellationToken).ConfigureAwait(false);
        return await CheckedAsync(key, ordered, cancellationToken).ConfigureAwait(false);
    }

    private async Task<ObjectInfo> CheckedAsync(string key, IReadOnlyList<UploadedPart> ordered, CancellationToken cancellationToken)
    {
        var info = await _store.HeadAsync(key, cancellationToken).ConfigureAwait(false)
            ?? throw new IntegrityException("complete upload", key, "the manifest was accepted but the object is not there");
        var total = ordered.Sum(p => p.Size);
        if (info.Size != total)
            throw new IntegrityException("complete upload", key, $"the object is {info.Size} bytes, the parts add up to {total}");
        return info;
    }

    public async Task AbortAsync(CancellationToken cancellationToken)
    {
        // list rather than trust our own record: a part whose answer was lost may still be stored
        var found = new List<SwiftSegment>();
        string? marker = null;
        do
        {
            var page = await _store.ListContainerAsync(_store.SegmentContainer, new ListRequest(_segmentPrefix, null, marker), cancellationToken).ConfigureAwait(false);
            found.AddRange(page.Objects.Select(o => new SwiftSegment(_store.SegmentContainer, o.Key)));
            marker = page.ContinuationToken;
        }
        while (marker is not null);
        _logger.LogDebug("aborting upload of {Key}: deleting {Count} segments", Key, found.Count);
        await _store.DeleteSegmentsAsync(found, keep: null, cancellationToken).ConfigureAwait(false);
    }
}
