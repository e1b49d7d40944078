using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MountStore.Resilience;
using MountStore.Core.Storage;
using MountStore.Swift.Auth;

namespace MountStore.Swift;

/// <summary>
/// An OpenStack Swift container as an <see cref="IObjectStore"/>: JSON listings paged by marker,
/// ranged GETs (SLO and DLO objects read like any other), PUT with MD5 checks, COPY, and
/// segmented uploads as Static Large Objects with segments in <c>&lt;container&gt;_segments</c>.
/// </summary>
public sealed partial class SwiftObjectStore : IObjectStore, IDisposable
{
    private readonly SwiftStoreOptions _options;
    private readonly SwiftConnection _connection;
    private readonly ILogger _logger;
    private readonly HttpClient _http;
    private readonly SemaphoreSlim _segmentContainerGate = new(1, 1);
    private volatile bool _segmentContainerReady;
    private volatile bool _ifMatchRefused;

    /// <summary>Connects lazily: nothing is sent until the first operation.</summary>
    public SwiftObjectStore(SwiftStoreOptions options, ILoggerFactory? loggers = null)
    {
        _options = options;
        loggers ??= NullLoggerFactory.Instance;
        _logger = loggers.CreateLogger<SwiftObjectStore>();
        var handler = options.Handler ?? new SocketsHttpHandler
        {
            MaxConnectionsPerServer = options.MaxConnections,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = TimeSpan.FromSeconds(15),
        };
        // per-attempt timeouts come from the retry pipeline, not from HttpClient
        _http = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("MountStore/0.1");
        var pipeline = new StoreRetryPipeline(options.Retry, _logger);
        var session = new SwiftAuthSession(options.Authenticator, _http, _logger, options.Time);
        _connection = new SwiftConnection(_http, session, pipeline, _logger);
    }

    /// <inheritdoc />
    public string Description => $"swift://{_options.Container}";

    /// <inheritdoc />
    public StoreLimits Limits { get; private set; } = SwiftInfo.Parse(null);

    /// <summary>The login session (tests count logins with it).</summary>
    public SwiftAuthSession Session => _connection.Session;

    /// <summary>Retries made so far.</summary>
    public long RetryCount => _connection.Pipeline.RetryCount;

    internal string Container => _options.Container;

    /// <summary>The store's logger, for the helpers that meet one server's quirks.</summary>
    internal ILogger Logger => _logger;

    internal string SegmentContainer => _options.EffectiveSegmentContainer;

    internal SwiftConnection Connection => _connection;

    /// <inheritdoc />
    public async Task VerifyAccessAsync(CancellationToken cancellationToken)
    {
        using (var response = await _connection.SendAsync(RequestKind.Metadata, "open container", _options.Container,
                   url => new HttpRequestMessage(HttpMethod.Head, SwiftPaths.Container(url, _options.Container)), cancellationToken).ConfigureAwait(false))
        {
            await ThrowUnlessSuccessAsync(response, "open container", _options.Container, missing: Missing.Container, cancellationToken).ConfigureAwait(false);
        }
        Limits = await ReadLimitsAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<StoreLimits> ReadLimitsAsync(CancellationToken cancellationToken)
    {
        var token = await _connection.Session.GetTokenAsync(cancellationToken).ConfigureAwait(false);
        foreach (var url in SwiftInfo.Candidates(token.StorageUrl))
        {
            try
            {
                using var response = await _http.GetAsync(url, cancellationToken).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode) continue;
                return SwiftInfo.Parse(await response.Content.ReadFromJsonAsync<JsonNode>(cancellationToken).ConfigureAwait(false), RgwSloQuirks.IsRgwStorageUrl(token.StorageUrl));
            }
            catch (Exception e) when (e is HttpRequestException or System.Text.Json.JsonException)
            {
                _logger.LogDebug("no cluster info at {Url}: {Error}", url, e.Message);
            }
        }
        _logger.LogInformation("the server publishes no /info; assuming Swift's default limits");
        return SwiftInfo.Parse(null);
    }

    /// <inheritdoc />
    public Task<ListingPage> ListAsync(ListRequest request, CancellationToken cancellationToken) =>
        ListContainerAsync(_options.Container, request, cancellationToken);

    internal async Task<ListingPage> ListContainerAsync(string container, ListRequest request, CancellationToken cancellationToken)
    {
        var marker = request.ContinuationToken ?? request.StartAfter;
        var query = SwiftPaths.Query(("format", "json"), ("prefix", request.Prefix), ("delimiter", request.Delimiter),
            ("marker", marker), ("end_marker", request.EndBefore), ("limit", request.MaxKeys.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        using var response = await _connection.SendAsync(RequestKind.Metadata, "list", $"{container}/{request.Prefix}",
            url => new HttpRequestMessage(HttpMethod.Get, SwiftPaths.Container(url, container, query)), cancellationToken).ConfigureAwait(false);
        await ThrowUnlessSuccessAsync(response, "list", container, Missing.Container, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NoContent) return new ListingPage([], [], null);

        var rows = await response.Content.ReadFromJsonAsync(SwiftJson.Default.ListSwiftListingEntry, cancellationToken).ConfigureAwait(false) ?? [];
        var objects = new List<ObjectInfo>(rows.Count);
        var prefixes = new List<string>();
        foreach (var row in rows)
        {
            if (row.MarkerName == marker) continue; // never repeat the marker itself
            if (row.Subdir is not null) prefixes.Add(row.Subdir);
            else if (row.Name is not null) objects.Add(row.ToObjectInfo());
        }
        if (container == _options.Container && objects.Any(o => RgwSloQuirks.IsManifestRow(o, serverIsRgw: true)))
            await CorrectManifestRowsAsync(objects, cancellationToken).ConfigureAwait(false);
        // a full page may have more behind it; the last row's name is where the next page starts
        var next = rows.Count >= request.MaxKeys ? rows[^1].MarkerName : null;
        return new ListingPage(objects, prefixes, next);
    }

    /// <summary>RGW lists an SLO with its manifest's size: a HEAD per such row gives the object's own (large files only, so few).</summary>
    private async Task CorrectManifestRowsAsync(List<ObjectInfo> objects, CancellationToken cancellationToken)
    {
        var rgw = await IsRgwAsync(cancellationToken).ConfigureAwait(false);
        var rows = Enumerable.Range(0, objects.Count).Where(i => RgwSloQuirks.IsManifestRow(objects[i], rgw)).ToList();
        await Parallel.ForEachAsync(rows, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            if (await HeadAsync(objects[i].Key, ct).ConfigureAwait(false) is { } head)
                objects[i] = objects[i] with { Size = head.Size, ETag = head.ETag, IsSegmented = true };
        }).ConfigureAwait(false);
    }

    internal async Task<bool> IsRgwAsync(CancellationToken cancellationToken) =>
        RgwSloQuirks.IsRgwStorageUrl((await _connection.Session.GetTokenAsync(cancellationToken).ConfigureAwait(false)).StorageUrl);

    /// <inheritdoc />
    public async Task<ObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken) =>
        (await InspectAsync(key, cancellationToken).ConfigureAwait(false))?.Info;

    /// <summary>What a HEAD says of an object, with its large-object kind; null when absent.</summary>
    private async Task<SwiftObjectKind?> InspectAsync(string key, CancellationToken cancellationToken)
    {
        Limits.ValidateKey("HEAD", key);
        using var response = await _connection.SendAsync(RequestKind.Metadata, "HEAD", key,
            url => new HttpRequestMessage(HttpMethod.Head, SwiftPaths.Object(url, _options.Container, key)), cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        await ThrowUnlessSuccessAsync(response, "HEAD", key, Missing.Object, cancellationToken).ConfigureAwait(false);
        var slo = SwiftHttp.Header(response, "X-Static-Large-Object") is { } v && v.Equals("true", StringComparison.OrdinalIgnoreCase);
        return new SwiftObjectKind(SwiftObjectHeaders.Read(key, response), slo, SwiftHttp.Header(response, "X-Object-Manifest"));
    }

    private sealed record SwiftObjectKind(ObjectInfo Info, bool IsSlo, string? DloManifest);

    /// <inheritdoc />
    public Task<ObjectContent> GetAsync(string key, ByteRange? range, CancellationToken cancellationToken) =>
        GetAsync(key, range, null, cancellationToken);

    /// <inheritdoc />
    public async Task<ObjectContent> GetAsync(string key, ByteRange? range, string? ifMatch, CancellationToken cancellationToken)
    {
        Limits.ValidateKey("GET", key);
        if (await TryGetFromSegmentAsync(key, range, ifMatch, cancellationToken).ConfigureAwait(false) is { } fromSegment)
            return fromSegment;
        // RGW's Swift API answers 412 to If-Match on any SLO or DLO, even with the right ETag:
        // once seen, the condition is left off and the caller's check of the answer's ETag is what
        // keeps the read to one version.
        var condition = _ifMatchRefused ? null : ifMatch;
        var response = await _connection.SendAsync(RequestKind.Data, "GET", key, url =>
        {
            var request = new HttpRequestMessage(HttpMethod.Get, SwiftPaths.Object(url, _options.Container, key));
            if (range is { } r) request.Headers.TryAddWithoutValidation("Range", r.ToHttpHeaderValue());
            if (condition is not null) request.Headers.TryAddWithoutValidation("If-Match", $"\"{ETags.Normalize(condition)}\"");
            return request;
        }, cancellationToken, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
        try
        {
            if (condition is not null && response.StatusCode == HttpStatusCode.PreconditionFailed)
            {
                response.Dispose();
                await VersionChecks.ConfirmUnchangedAfterRefusalAsync(this, key, condition, cancellationToken).ConfigureAwait(false);
                _ifMatchRefused = true;
                _logger.LogInformation("{Store}: the server refuses If-Match for '{Key}', which has not changed (RGW does for large objects); " +
                                       "reads are kept to one version by checking each answer's ETag instead", Description, key);
                return await GetAsync(key, range, ifMatch, cancellationToken).ConfigureAwait(false);
            }
            if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
            {
                // the range starts at or past the end: an empty read, once we know the object's size
                response.Dispose();
                var info = await HeadAsync(key, cancellationToken).ConfigureAwait(false)
                    ?? throw new ObjectNotFoundException("GET", key);
                return ObjectContent.Empty(info, range?.Offset ?? 0);
            }
            await ThrowUnlessSuccessAsync(response, "GET", key, Missing.Object, cancellationToken).ConfigureAwait(false);
            var whole = SwiftObjectHeaders.Read(key, response);
            MapSegmentsWhenWorthIt(key, range, ifMatch, whole, response);
            var offset = response.Content.Headers.ContentRange?.From ?? 0;
            var length = response.Content.Headers.ContentLength ?? whole.Size - offset;
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            return new ObjectContent(stream, whole, offset, length, response);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public async Task<ObjectInfo> PutAsync(string key, Stream content, ObjectWriteOptions options, CancellationToken cancellationToken)
    {
        Limits.ValidateKey("PUT", key);
        // A name the writer created needs no look for a previous large object's segments: the
        // PUT is made conditional instead (If-None-Match: *), one round trip less per new file.
        // RGW's Swift API ignores that condition, and Swift has none for "still this version":
        // there the HEAD that finds the segments also checks the condition, just before the PUT.
        var freeName = options.ExpectNoObject && content.CanSeek && !await IsRgwAsync(cancellationToken).ConfigureAwait(false);
        IReadOnlyList<SwiftSegment> previous = freeName ? [] : await FindSegmentsAsync(key, options, "PUT", cancellationToken).ConfigureAwait(false);
        var start = content.CanSeek ? content.Position : 0;
        Md5CountingStream? hashing = null;
        try
        {
            using var response = await _connection.SendAsync(RequestKind.Data, "PUT", key, url =>
            {
                if (hashing is not null)
                {
                    if (!content.CanSeek && hashing.BytesRead > 0)
                        throw new StoreUnavailableException("PUT", key, null, "the upload broke off and its source cannot be read again; nothing was stored");
                    if (content.CanSeek) content.Position = start;
                }
                hashing = new Md5CountingStream(content);
                var request = new HttpRequestMessage(HttpMethod.Put, SwiftPaths.Object(url, _options.Container, key))
                {
                    Content = new StreamContent(hashing),
                };
                if (content.CanSeek) request.Content.Headers.ContentLength = content.Length - start;
                SwiftObjectHeaders.Write(request, options);
                if (freeName) request.Headers.TryAddWithoutValidation("If-None-Match", "*");
                return request;
            }, cancellationToken).ConfigureAwait(false);
            if (freeName && response.StatusCode == HttpStatusCode.PreconditionFailed)
            {
                // another object took the name since it was looked up, or an earlier attempt of
                // this PUT landed before its answer was lost (then it holds exactly our bytes)
                content.Position = start;
                var sentMd5 = Convert.ToHexStringLower(await System.Security.Cryptography.MD5.HashDataAsync(content, cancellationToken).ConfigureAwait(false));
                return await VersionChecks.OwnWriteOrConflictAsync(this, "PUT", key, options, sentMd5, cancellationToken).ConfigureAwait(false);
            }
            await ThrowUnlessSuccessAsync(response, "PUT", key, Missing.Container, cancellationToken).ConfigureAwait(false);

            var sent = hashing!.FinishMd5Hex();
            var stored = SwiftHttp.ETag(response);
            if (stored != sent)
            {
                await DeleteAsync(key, cancellationToken).ConfigureAwait(false);
                throw new IntegrityException("PUT", key, $"the server stored MD5 {stored} but we sent {sent}; the object was removed");
            }
            await DeleteSegmentsAsync(previous, keep: null, cancellationToken).ConfigureAwait(false);
            return new ObjectInfo(key, hashing.BytesRead, sent, response.Content.Headers.LastModified ?? DateTimeOffset.UtcNow,
                options.ContentType, options.Metadata);
        }
        finally
        {
            hashing?.Dispose(); // the hash itself is released by FinishMd5Hex
        }
    }

    /// <inheritdoc />
    public async Task<ObjectInfo> CopyAsync(string sourceKey, string destinationKey, IReadOnlyDictionary<string, string>? replaceMetadata, CancellationToken cancellationToken)
    {
        Limits.ValidateKey("copy", sourceKey);
        Limits.ValidateKey("copy", destinationKey);
        // a 404 from the copy cannot tell a missing source from a missing container: ask first
        var source = await HeadAsync(sourceKey, cancellationToken).ConfigureAwait(false) ?? throw new ObjectNotFoundException("copy", sourceKey);
        if (sourceKey == destinationKey)
            return await ReplaceMetadataInPlaceAsync(sourceKey, replaceMetadata ?? ObjectInfo.NoMetadata, cancellationToken).ConfigureAwait(false);
        var previous = sourceKey == destinationKey ? [] : await FindSegmentsAsync(destinationKey, cancellationToken).ConfigureAwait(false);
        using (var response = await _connection.SendAsync(RequestKind.Data, "copy", destinationKey, url =>
               {
                   var request = new HttpRequestMessage(HttpMethod.Put, SwiftPaths.Object(url, _options.Container, destinationKey))
                   {
                       Content = new ByteArrayContent([]),
                   };
                   request.Headers.TryAddWithoutValidation("X-Copy-From", SwiftPaths.SourcePath(_options.Container, sourceKey));
                   if (replaceMetadata is not null)
                   {
                       request.Headers.TryAddWithoutValidation("X-Fresh-Metadata", "true");
                       // Swift keeps the content type through fresh metadata, RGW resets it: say it
                       SwiftObjectHeaders.Write(request, new ObjectWriteOptions { ContentType = source.ContentType, Metadata = replaceMetadata });
                   }
                   return request;
               }, cancellationToken).ConfigureAwait(false))
        {
            await ThrowUnlessSuccessAsync(response, "copy", $"{sourceKey} -> {destinationKey}", Missing.Container, cancellationToken).ConfigureAwait(false);
        }
        await DeleteSegmentsAsync(previous, keep: null, cancellationToken).ConfigureAwait(false);
        return await HeadAsync(destinationKey, cancellationToken).ConfigureAwait(false)
            ?? throw new IntegrityException("copy", destinationKey, "the copy was accepted but the object is not there");
    }

    /// <summary>
    /// A copy onto itself only changes metadata: Swift's POST does that without moving a byte,
    /// and an SLO stays an SLO (a self-COPY would flatten it and orphan its segments).
    /// </summary>
    private async Task<ObjectInfo> ReplaceMetadataInPlaceAsync(string key, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        using (var response = await _connection.SendAsync(RequestKind.Metadata, "set metadata", key, url =>
               {
                   var request = new HttpRequestMessage(HttpMethod.Post, SwiftPaths.Object(url, _options.Container, key));
                   SwiftObjectHeaders.Write(request, new ObjectWriteOptions { Metadata = metadata });
                   return request;
               }, cancellationToken).ConfigureAwait(false))
        {
            await ThrowUnlessSuccessAsync(response, "set metadata", key, Missing.Object, cancellationToken).ConfigureAwait(false);
        }
        return await HeadAsync(key, cancellationToken).ConfigureAwait(false)
            ?? throw new ObjectNotFoundException("set metadata", key);
    }

    /// <inheritdoc />
    public Task<ObjectInfo> RenameAsync(string sourceKey, string destinationKey, CancellationToken cancellationToken) =>
        RenameAsync(sourceKey, destinationKey, null, cancellationToken);

    /// <inheritdoc />
    public async Task<ObjectInfo> RenameAsync(string sourceKey, string destinationKey, IReadOnlyCollection<string>? destinationVersions, CancellationToken cancellationToken)
    {
        if (destinationVersions is { Count: > 0 } && sourceKey != destinationKey
            && await HeadAsync(destinationKey, cancellationToken).ConfigureAwait(false) is { } replaced)
            VersionChecks.ThrowUnlessOneOf("rename", destinationKey, destinationVersions, replaced);
        Limits.ValidateKey("rename", sourceKey);
        Limits.ValidateKey("rename", destinationKey);
        var source = await InspectAsync(sourceKey, cancellationToken).ConfigureAwait(false) ?? throw new ObjectNotFoundException("rename", sourceKey);
        if (sourceKey == destinationKey)
            return source.Info;
        if (!source.IsSlo)
            return await CopyThenDelete.RenameAsync(this, sourceKey, destinationKey, cancellationToken).ConfigureAwait(false);

        // An SLO: copy the manifest itself (multipart-manifest=get; Swift and RGW both do this),
        // so the new name points at the same segments and no byte moves; then delete only the
        // old manifest.
        var ours = (await SegmentsOfAsync(sourceKey, source, cancellationToken).ConfigureAwait(false))
            .Select(s => s.Path).ToHashSet(StringComparer.Ordinal);
        var previous = await FindSegmentsAsync(destinationKey, cancellationToken).ConfigureAwait(false);
        using (var response = await _connection.SendAsync(RequestKind.Data, "rename", destinationKey, url =>
               {
                   var request = new HttpRequestMessage(HttpMethod.Put, SwiftPaths.Object(url, _options.Container, destinationKey, "multipart-manifest=get"))
                   {
                       Content = new ByteArrayContent([]),
                   };
                   request.Headers.TryAddWithoutValidation("X-Copy-From", SwiftPaths.SourcePath(_options.Container, sourceKey));
                   return request;
               }, cancellationToken).ConfigureAwait(false))
        {
            await ThrowUnlessSuccessAsync(response, "rename", $"{sourceKey} -> {destinationKey}", Missing.Container, cancellationToken).ConfigureAwait(false);
        }
        var copy = await InspectAsync(destinationKey, cancellationToken).ConfigureAwait(false)
            ?? throw new IntegrityException("rename", destinationKey, "the copy was accepted but the object is not there; the source was kept");
        if (!copy.IsSlo || copy.Info.Size != source.Info.Size || ETags.Normalize(copy.Info.ETag) != ETags.Normalize(source.Info.ETag))
            throw new IntegrityException("rename", destinationKey,
                $"the copied manifest describes {copy.Info.Size} bytes (ETag {copy.Info.ETag}), the source {source.Info.Size} (ETag {source.Info.ETag}); the source was kept");
        await DeleteObjectAsync(_options.Container, sourceKey, cancellationToken).ConfigureAwait(false);
        await DeleteSegmentsAsync(previous, ours, cancellationToken).ConfigureAwait(false);
        return copy.Info;
    }

    /// <inheritdoc />
    public Task DeleteAsync(string key, CancellationToken cancellationToken) => DeleteAsync(key, null, cancellationToken);

    /// <inheritdoc />
    public Task DeleteAsync(string key, IReadOnlyCollection<string>? versions, CancellationToken cancellationToken) =>
        DeleteOfKindAsync(key, versions, null, cancellationToken);

    /// <inheritdoc />
    public bool InspectsBeforeDelete => true;

    /// <inheritdoc />
    public Task DeleteAsync(string key, IReadOnlyCollection<string>? versions, ObjectInfo inspected, CancellationToken cancellationToken) =>
        DeleteOfKindAsync(key, versions, inspected, cancellationToken);

    private async Task DeleteOfKindAsync(string key, IReadOnlyCollection<string>? versions, ObjectInfo? inspected, CancellationToken cancellationToken)
    {
        Limits.ValidateKey("DELETE", key);
        // the object's kind decides how to delete it: an SLO takes its segments along, a DLO's
        // segments are listed and deleted, a plain object is one DELETE; the same HEAD tells
        // whether it is still the version the caller means. A plain object the caller has just
        // asked about needs no second HEAD; a large one is asked again, for its manifest's kind.
        var kind = inspected is { IsSegmented: false }
            ? new SwiftObjectKind(inspected, IsSlo: false, DloManifest: null)
            : await InspectAsync(key, cancellationToken).ConfigureAwait(false);
        if (kind is null) return;
        VersionChecks.ThrowUnlessOneOf("DELETE", key, versions, kind.Info);
        if (kind.IsSlo)
        {
            await DeleteSloAsync(key, cancellationToken).ConfigureAwait(false);
            return;
        }
        var segments = await SegmentsOfAsync(key, kind, cancellationToken).ConfigureAwait(false);
        await DeleteObjectAsync(_options.Container, key, cancellationToken).ConfigureAwait(false);
        await DeleteSegmentsAsync(segments, keep: null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// An SLO and its segments in one request: the server reads its own manifest, which also finds
    /// segments named after an earlier name (a renamed object) and works on RGW, whose manifests
    /// cannot be read back. The answer is 200 with a JSON report, failures included.
    /// </summary>
    private async Task DeleteSloAsync(string key, CancellationToken cancellationToken)
    {
        using var response = await _connection.SendAsync(RequestKind.Metadata, "DELETE", key, url =>
        {
            var request = new HttpRequestMessage(HttpMethod.Delete, SwiftPaths.Object(url, _options.Container, key, "multipart-manifest=delete"));
            request.Headers.Accept.ParseAdd("application/json");
            return request;
        }, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound) return;
        await ThrowUnlessSuccessAsync(response, "DELETE", key, Missing.Object, cancellationToken).ConfigureAwait(false);
        var report = await response.Content.ReadFromJsonAsync(SwiftJson.Default.SwiftBulkDeleteResult, cancellationToken).ConfigureAwait(false);
        if (report is not null && (report.Errors?.Count > 0 || report.ResponseStatus?.StartsWith("2", StringComparison.Ordinal) == false))
        {
            var errors = string.Join("; ", (report.Errors ?? []).Select(e => string.Join(" ", e)));
            throw new ObjectStoreException("DELETE", key, null, $"the server could not delete the large object and all its segments ({report.ResponseStatus}: {errors})");
        }
    }

    /// <summary>One plain DELETE; false when the object was already gone.</summary>
    internal async Task<bool> DeleteObjectAsync(string container, string key, CancellationToken cancellationToken)
    {
        using var response = await _connection.SendAsync(RequestKind.Metadata, "DELETE", key,
            url => new HttpRequestMessage(HttpMethod.Delete, SwiftPaths.Object(url, container, key)), cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound) return false;
        await ThrowUnlessSuccessAsync(response, "DELETE", key, Missing.Object, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <inheritdoc />
    public async Task<ISegmentedUpload> BeginSegmentedUploadAsync(string key, ObjectWriteOptions options, CancellationToken cancellationToken)
    {
        Limits.ValidateKey("begin upload", key);
        await EnsureSegmentContainerAsync(cancellationToken).ConfigureAwait(false);
        return new SwiftSegmentedUpload(this, key, options, _logger);
    }

    private async Task EnsureSegmentContainerAsync(CancellationToken cancellationToken)
    {
        if (_segmentContainerReady) return;
        await _segmentContainerGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_segmentContainerReady) return;
            using var response = await _connection.SendAsync(RequestKind.Metadata, "create segment container", SegmentContainer,
                url => new HttpRequestMessage(HttpMethod.Put, SwiftPaths.Container(url, SegmentContainer)) { Content = new ByteArrayContent([]) },
                cancellationToken).ConfigureAwait(false);
            await ThrowUnlessSuccessAsync(response, "create segment container", SegmentContainer, Missing.Container, cancellationToken).ConfigureAwait(false);
            _segmentContainerReady = true;
        }
        finally
        {
            _segmentContainerGate.Release();
        }
    }

    /// <summary>
    /// The segments (container, name) behind a large object, so that replacing or deleting it
    /// does not leave them orphaned. Empty for a plain or absent object. One HEAD, plus the
    /// manifest (SLO) or a segment listing (DLO) only when the object has segments.
    /// </summary>
    internal async Task<IReadOnlyList<SwiftSegment>> FindSegmentsAsync(string key, CancellationToken cancellationToken) =>
        await SegmentsOfAsync(key, await InspectAsync(key, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// The segments of the object a write is about to replace, after checking the write's
    /// condition against the object found (one HEAD for both): <see cref="WriteConflictException"/>
    /// when it does not hold.
    /// </summary>
    internal async Task<IReadOnlyList<SwiftSegment>> FindSegmentsAsync(string key, ObjectWriteOptions options, string operation, CancellationToken cancellationToken)
    {
        var kind = await InspectAsync(key, cancellationToken).ConfigureAwait(false);
        VersionChecks.ThrowIfConflict(operation, key, options, kind?.Info);
        return await SegmentsOfAsync(key, kind, cancellationToken).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<SwiftSegment>> SegmentsOfAsync(string key, SwiftObjectKind? kind, CancellationToken cancellationToken)
    {
        if (kind?.DloManifest is { } dlo) return await ListDloSegmentsAsync(dlo, cancellationToken).ConfigureAwait(false);
        if (kind?.IsSlo != true) return [];
        var body = await ReadManifestBodyAsync(key, long.MaxValue, cancellationToken).ConfigureAwait(false);
        if (body is null) return [];
        if (body.Length == 0)
            return await RgwSloQuirks.FindByListingAsync(this, key, kind.Info, cancellationToken).ConfigureAwait(false);
        return ParseManifest(body).Where(e => e.Name is not null).Select(e => SwiftSegment.FromPath(e.Name!, e.Hash, e.Bytes)).ToList();
    }

    /// <summary>
    /// The body of an SLO's manifest as the server keeps it (<c>?multipart-manifest=get</c>): null
    /// when the GET fails, or when the body is longer than <paramref name="maxBytes"/> (or of
    /// unknown length, with a bound); empty on RGW, which sends none.
    /// </summary>
    private async Task<byte[]?> ReadManifestBodyAsync(string key, long maxBytes, CancellationToken cancellationToken)
    {
        using var response = await _connection.SendAsync(RequestKind.Metadata, "read manifest", key,
            url => new HttpRequestMessage(HttpMethod.Get, SwiftPaths.Object(url, _options.Container, key, "multipart-manifest=get")),
            cancellationToken, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
        var length = response.Content.Headers.ContentLength;
        if (!response.IsSuccessStatusCode || length > maxBytes || (length is null && maxBytes != long.MaxValue)) return null;
        return await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
    }

    private static List<SwiftManifestEntry> ParseManifest(byte[] body) =>
        System.Text.Json.JsonSerializer.Deserialize(body, SwiftJson.Default.ListSwiftManifestEntry) ?? [];

    private async Task<IReadOnlyList<SwiftSegment>> ListDloSegmentsAsync(string manifest, CancellationToken cancellationToken)
    {
        var location = SwiftSegment.FromPath(Uri.UnescapeDataString(manifest));
        var found = new List<SwiftSegment>();
        string? marker = null;
        do
        {
            var page = await ListContainerAsync(location.Container, new ListRequest(location.Name, null, marker), cancellationToken).ConfigureAwait(false);
            found.AddRange(page.Objects.Select(o => new SwiftSegment(location.Container, o.Key, o.ETag, o.Size)));
            marker = page.ContinuationToken;
        }
        while (marker is not null);
        return found;
    }

    /// <summary>
    /// Writes an SLO manifest naming <paramref name="segments"/> in order, and checks the ETag the
    /// server computed from them against ours.
    /// </summary>
    /// <remarks>
    /// With <paramref name="onlyIfFree"/> the manifest PUT carries If-None-Match: *; a 412 is a
    /// conflict unless the object there is this very manifest (an earlier attempt whose answer
    /// was lost).
    /// </remarks>
    internal async Task PutManifestAsync(string key, IReadOnlyList<SwiftSegment> segments, ObjectWriteOptions options, string operation, CancellationToken cancellationToken, bool onlyIfFree = false)
    {
        var manifest = new JsonArray(segments.Select(s => (JsonNode)new JsonObject
        {
            ["path"] = "/" + s.Path,
            ["etag"] = s.ETag,
            ["size_bytes"] = s.Size,
        }).ToArray()).ToJsonString();
        using var response = await _connection.SendAsync(RequestKind.Metadata, operation, key, url =>
        {
            var request = new HttpRequestMessage(HttpMethod.Put, SwiftPaths.Object(url, _options.Container, key, "multipart-manifest=put"))
            {
                Content = new StringContent(manifest),
            };
            request.Content.Headers.ContentType = null; // the object's own type, not the manifest's JSON
            SwiftObjectHeaders.Write(request, options);
            if (onlyIfFree) request.Headers.TryAddWithoutValidation("If-None-Match", "*");
            return request;
        }, cancellationToken).ConfigureAwait(false);
        var expected = ETags.SwiftSlo(segments.Select(s => s.ETag ?? ""));
        if (onlyIfFree && response.StatusCode == HttpStatusCode.PreconditionFailed)
        {
            await VersionChecks.OwnWriteOrConflictAsync(this, operation, key, options, expected, cancellationToken).ConfigureAwait(false);
            return;
        }
        await ThrowUnlessSuccessAsync(response, operation, key, Missing.Container, cancellationToken).ConfigureAwait(false);
        var stored = SwiftHttp.ETag(response);
        if (stored.Length > 0 && stored != expected)
            throw new IntegrityException(operation, key, $"the manifest's ETag is {stored}, expected {expected} from its segments");
    }

    /// <summary>Deletes segments, at most 16 at a time, sparing those in <paramref name="keep"/>. Failures are logged, not thrown: the object itself is already right.</summary>
    internal async Task DeleteSegmentsAsync(IReadOnlyCollection<SwiftSegment> segments, ISet<string>? keep, CancellationToken cancellationToken)
    {
        if (segments.Count == 0) return;
        var failed = 0;
        await Parallel.ForEachAsync(segments, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (segment, ct) =>
        {
            if (keep?.Contains(segment.Path) == true) return;
            try
            {
                await DeleteObjectAsync(segment.Container, segment.Name, ct).ConfigureAwait(false);
            }
            catch (ObjectStoreException e)
            {
                Interlocked.Increment(ref failed);
                _logger.LogWarning("could not delete segment {Container}/{Segment}: {Error}", segment.Container, segment.Name, e.Message);
            }
        }).ConfigureAwait(false);
        if (failed > 0)
            _logger.LogWarning("{Failed} of {Count} old segments are left in the store; delete them with `swift delete {Container} --prefix ...`",
                failed, segments.Count, SegmentContainer);
    }

    internal enum Missing { Object, Container }

    /// <summary>Turns a non-success answer into the typed error for it.</summary>
    internal async Task ThrowUnlessSuccessAsync(HttpResponseMessage response, string operation, string key, Missing missing, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode) return;
        var status = (int)response.StatusCode;
        var detail = await SwiftHttp.BodySnippetAsync(response, cancellationToken).ConfigureAwait(false);
        throw status switch
        {
            404 when missing == Missing.Container => new ContainerNotFoundException(operation, _options.Container, status),
            404 => new ObjectNotFoundException(operation, key, status),
            403 => new AccessDeniedException(operation, key, status,
                $"the account may not do this ({detail}); check that the user has an operator role (e.g. swiftoperator) on the project"),
            400 when detail.Contains("name length", StringComparison.OrdinalIgnoreCase) => new InvalidObjectNameException(operation, key, detail),
            422 => new IntegrityException(operation, key, $"the server's checksum differs from ours ({detail})"),
            413 => new ObjectStoreException(operation, key, status, $"too large for this store ({detail})"),
            _ => new ObjectStoreException(operation, key, status, detail.Length > 0 ? detail : response.ReasonPhrase ?? "unexpected answer"),
        };
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (!_closing.IsCancellationRequested)
        {
            _closing.Cancel(); // a manifest still loading for a map stops
            _closing.Dispose();
        }
        _http.Dispose();
        _segmentContainerGate.Dispose();
    }
}
