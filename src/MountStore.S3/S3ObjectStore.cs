using System.Globalization;
using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MountStore.Resilience;
using MountStore.Core.Model;
using MountStore.Core.Storage;

namespace MountStore.S3;

/// <summary>
/// An S3 bucket (AWS or any S3-compatible server) as an <see cref="IObjectStore"/>: ListObjectsV2
/// with continuation tokens, ranged GETs, PUTs with Content-MD5, copies (UploadPartCopy above
/// 5 GiB), and multipart uploads for segmented writes.
/// </summary>
public sealed class S3ObjectStore : IObjectStore, IDisposable
{
    private const string MetaPrefix = "x-amz-meta-";
    private readonly S3StoreOptions _options;
    private readonly AmazonS3Client _client;
    private readonly StoreRetryPipeline _pipeline;
    private readonly ILogger _logger;
    private readonly S3Dates _dates;
    private readonly S3ConditionalWrites _conditions;
    private volatile bool _ifMatchRefused;

    /// <summary>Creates the client; nothing is sent until the first operation.</summary>
    public S3ObjectStore(S3StoreOptions options, ILoggerFactory? loggers = null)
    {
        _options = options;
        _logger = (loggers ?? NullLoggerFactory.Instance).CreateLogger<S3ObjectStore>();
        _pipeline = new StoreRetryPipeline(options.Retry, _logger);
        _client = S3ClientFactory.Create(options);
        _dates = new S3Dates(options.Endpoint, options.Handler);
        _conditions = new S3ConditionalWrites(_client, options.Bucket, _logger);
    }

    /// <inheritdoc />
    public string Description => $"s3://{_options.Bucket}" + (_options.Endpoint is { } e ? $" at {e}" : "");

    /// <inheritdoc />
    public StoreLimits Limits { get; } = new();

    /// <summary>Retries made so far.</summary>
    public long RetryCount => _pipeline.RetryCount;

    internal AmazonS3Client Client => _client;

    internal string Bucket => _options.Bucket;

    /// <summary>
    /// Runs one SDK call under the retry pipeline; SDK errors become retryable failures or
    /// typed store errors; the pipeline gives up the same way for every store.
    /// </summary>
    internal Task<T> RunAsync<T>(RequestKind kind, string operation, string? key, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken) =>
        _pipeline.RunAsync(kind, operation, key, async ct =>
        {
            try
            {
                return await call(ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not ObjectStoreException && !ct.IsCancellationRequested)
            {
                var mapped = S3Errors.Classify(e, operation, key, _options.Bucket);
                if (ReferenceEquals(mapped, e)) throw;
                throw mapped;
            }
        }, cancellationToken);

    /// <inheritdoc />
    public async Task VerifyAccessAsync(CancellationToken cancellationToken)
    {
        // a one-key listing proves both the credentials and the bucket, and needs only read access
        await _dates.LearnAsync().ConfigureAwait(false);
        await RunAsync(RequestKind.Metadata, "open bucket", null, ct => _client.ListObjectsV2Async(
            new ListObjectsV2Request { BucketName = _options.Bucket, MaxKeys = 1 }, ct), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<ListingPage> ListAsync(ListRequest request, CancellationToken cancellationToken)
    {
        await _dates.LearnAsync().ConfigureAwait(false);
        var response = await RunAsync(RequestKind.Metadata, "list", null, ct => _client.ListObjectsV2Async(new ListObjectsV2Request
        {
            BucketName = _options.Bucket,
            Prefix = request.Prefix,
            Delimiter = request.Delimiter,
            ContinuationToken = request.ContinuationToken,
            StartAfter = request.ContinuationToken is null ? request.StartAfter : null,
            MaxKeys = request.MaxKeys,
        }, ct), cancellationToken).ConfigureAwait(false);

        // SDK v4 leaves empty collections null
        var objects = (response.S3Objects ?? []).Select(o => new ObjectInfo(o.Key, o.Size ?? 0, ETags.Normalize(o.ETag), _dates.Of(o.LastModified),
            null, ObjectInfo.NoMetadata)
        {
            IsSegmented = o.ETag?.Contains('-') == true,
        }).ToList();
        var prefixes = response.CommonPrefixes ?? [];
        var next = response.IsTruncated == true ? response.NextContinuationToken : null;
        return request.EndBefore is { } end ? EndedBefore(end, objects, prefixes, next) : new ListingPage(objects, prefixes, next);
    }

    /// <summary>
    /// S3 has no end for a listing: the rows from <paramref name="end"/> on are dropped here, and
    /// the listing stops at the first page that reaches it (its rest would be dropped too).
    /// </summary>
    private static ListingPage EndedBefore(string end, List<ObjectInfo> objects, List<string> prefixes, string? next)
    {
        bool Before(string key) => Utf8Order.Instance.Compare(key, end) < 0;
        var kept = objects.Where(o => Before(o.Key)).ToList();
        var keptPrefixes = prefixes.Where(Before).ToList();
        var reached = kept.Count < objects.Count || keptPrefixes.Count < prefixes.Count;
        return new ListingPage(kept, keptPrefixes, reached ? null : next);
    }

    /// <inheritdoc />
    public async Task<ObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken)
    {
        Limits.ValidateKey("HEAD", key);
        await _dates.LearnAsync().ConfigureAwait(false);
        try
        {
            var response = await RunAsync(RequestKind.Metadata, "HEAD", key, async ct =>
            {
                try
                {
                    return await _client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = _options.Bucket, Key = key }, ct).ConfigureAwait(false);
                }
                catch (Exception e) when (S3Errors.IsNotFound(e))
                {
                    return null;
                }
            }, cancellationToken).ConfigureAwait(false);
            return response is null ? null : ToInfo(key, response.ContentLength, response.ETag, response.LastModified,
                response.Headers.ContentType, response.Metadata);
        }
        catch (ObjectNotFoundException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public Task<ObjectContent> GetAsync(string key, Core.Storage.ByteRange? range, CancellationToken cancellationToken) =>
        GetAsync(key, range, null, cancellationToken);

    /// <inheritdoc />
    public async Task<ObjectContent> GetAsync(string key, Core.Storage.ByteRange? range, string? ifMatch, CancellationToken cancellationToken)
    {
        Limits.ValidateKey("GET", key);
        var condition = _ifMatchRefused ? null : ifMatch;
        var refused = false;
        var response = await RunAsync(RequestKind.Data, "GET", key, async ct =>
        {
            try
            {
                return await _client.GetObjectAsync(new GetObjectRequest
                {
                    BucketName = _options.Bucket,
                    Key = key,
                    ByteRange = range is { } r ? new Amazon.S3.Model.ByteRange(r.Offset, r.LastInclusive) : null,
                    EtagToMatch = condition is null ? null : $"\"{ETags.Normalize(condition)}\"",
                }, ct).ConfigureAwait(false);
            }
            catch (AmazonS3Exception e) when (e.ErrorCode == "InvalidRange" || (int)e.StatusCode == 416)
            {
                return null; // starts at or past the end
            }
            catch (AmazonS3Exception e) when (condition is not null && (int)e.StatusCode == 412)
            {
                refused = true;
                return null;
            }
        }, cancellationToken).ConfigureAwait(false);

        if (refused)
        {
            await VersionChecks.ConfirmUnchangedAfterRefusalAsync(this, key, condition!, cancellationToken).ConfigureAwait(false);
            _ifMatchRefused = true;
            _logger.LogInformation("{Store}: the server refuses If-Match for '{Key}', which has not changed; " +
                                   "reads are kept to one version by checking each answer's ETag instead", Description, key);
            return await GetAsync(key, range, ifMatch, cancellationToken).ConfigureAwait(false);
        }

        if (response is null)
        {
            var info = await HeadAsync(key, cancellationToken).ConfigureAwait(false) ?? throw new ObjectNotFoundException("GET", key);
            return ObjectContent.Empty(info, range?.Offset ?? 0);
        }

        var (offset, total) = ParseContentRange(response.ContentRange, response.ContentLength);
        var whole = ToInfo(key, total, response.ETag, response.LastModified, response.Headers.ContentType, response.Metadata);
        return new ObjectContent(response.ResponseStream, whole, offset, response.ContentLength, response);
    }

    private static (long Offset, long Total) ParseContentRange(string? contentRange, long contentLength)
    {
        // "bytes 100-199/5000"
        if (contentRange is null) return (0, contentLength);
        var space = contentRange.IndexOf(' ');
        var dash = contentRange.IndexOf('-');
        var slash = contentRange.IndexOf('/');
        if (space < 0 || dash < space || slash < dash) return (0, contentLength);
        var offset = long.Parse(contentRange.AsSpan(space + 1, dash - space - 1), CultureInfo.InvariantCulture);
        var total = long.TryParse(contentRange.AsSpan(slash + 1), CultureInfo.InvariantCulture, out var t) ? t : offset + contentLength;
        return (offset, total);
    }

    internal ObjectInfo ToInfo(string key, long size, string? etag, DateTime? lastModified, string? contentType, MetadataCollection metadata)
    {
        var meta = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in metadata.Keys)
        {
            var shortName = name.StartsWith(MetaPrefix, StringComparison.OrdinalIgnoreCase) ? name[MetaPrefix.Length..] : name;
            meta[shortName.ToLowerInvariant()] = metadata[name];
        }
        var modified = _dates.Of(lastModified);
        return new ObjectInfo(key, size, ETags.Normalize(etag), modified, contentType, meta) { IsSegmented = etag?.Contains('-') == true };
    }

    internal static void AddMetadata(MetadataCollection target, IReadOnlyDictionary<string, string> metadata)
    {
        foreach (var (name, value) in metadata) target.Add(name, value);
    }

    /// <inheritdoc />
    public async Task<ObjectInfo> PutAsync(string key, Stream content, ObjectWriteOptions options, CancellationToken cancellationToken)
    {
        Limits.ValidateKey("PUT", key);
        if (!content.CanSeek)
        {
            // S3 needs the length and the MD5 before the first byte; spool to a temporary file
            await using var spool = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None,
                1 << 16, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
            await content.CopyToAsync(spool, cancellationToken).ConfigureAwait(false);
            spool.Position = 0;
            return await PutAsync(key, spool, options, cancellationToken).ConfigureAwait(false);
        }

        var start = content.Position;
        var md5 = await Md5OfRestAsync(content, cancellationToken).ConfigureAwait(false);
        var length = content.Length - start;
        var sent = Convert.ToHexStringLower(md5);
        var (ifNoneMatch, ifMatch) = await WriteConditionsAsync("PUT", key, options, cancellationToken).ConfigureAwait(false);
        var conflict = false;
        var response = await RunAsync(RequestKind.Data, "PUT", key, async ct =>
        {
            content.Position = start;
            var request = new PutObjectRequest
            {
                BucketName = _options.Bucket,
                Key = key,
                InputStream = content,
                AutoCloseStream = false,
                AutoResetStreamPosition = false,
                UseChunkEncoding = false, // aws-chunked uploads get 501 from many S3-compatible servers
                MD5Digest = Convert.ToBase64String(md5),
                ContentType = options.ContentType,
            };
            AddMetadata(request.Metadata, options.Metadata);
            if (ifNoneMatch) request.IfNoneMatch = "*";
            if (ifMatch is not null) request.IfMatch = ifMatch;
            try
            {
                return await _client.PutObjectAsync(request, ct).ConfigureAwait(false);
            }
            catch (AmazonS3Exception e) when ((ifNoneMatch || ifMatch is not null) && IsConditionFailure(e))
            {
                conflict = true;
                return null!;
            }
        }, cancellationToken).ConfigureAwait(false);
        if (conflict)
            return await VersionChecks.OwnWriteOrConflictAsync(this, "PUT", key, options, sent, cancellationToken).ConfigureAwait(false);

        var stored = ETags.Normalize(response.ETag);
        if (stored != sent && !stored.Contains('-'))
            throw new IntegrityException("PUT", key, $"the server stored ETag {stored} but we sent MD5 {sent}");
        return new ObjectInfo(key, length, sent, DateTimeOffset.UtcNow, options.ContentType, options.Metadata);
    }

    /// <summary>412, or 409 (AWS answers a conditional write that raced another so): the condition did not hold.</summary>
    internal static bool IsConditionFailure(AmazonS3Exception e) => (int)e.StatusCode is 412 or 409 && e.ErrorCode != "BucketNotEmpty";

    /// <summary>
    /// The conditions to put on a write's request: those the server honours. The others are
    /// checked here with a HEAD just before the write (a <see cref="WriteConflictException"/> when
    /// they do not hold), which leaves the short window until the write lands.
    /// </summary>
    internal async Task<(bool IfNoneMatch, string? IfMatch)> WriteConditionsAsync(string operation, string key, ObjectWriteOptions options, CancellationToken cancellationToken)
    {
        var onRequest = await RequestConditionsAsync(options, cancellationToken).ConfigureAwait(false);
        if (options.IsConditional && onRequest is (false, null))
            await VersionChecks.CheckBeforeWriteAsync(this, operation, key, options, cancellationToken).ConfigureAwait(false);
        return onRequest;
    }

    /// <summary>The part of <paramref name="options"/>' condition this server honours on a request (If-Match already in the form it compares).</summary>
    internal async Task<(bool IfNoneMatch, string? IfMatch)> RequestConditionsAsync(ObjectWriteOptions options, CancellationToken cancellationToken)
    {
        if (!options.IsConditional) return (false, null);
        var support = await _conditions.GetAsync(cancellationToken).ConfigureAwait(false);
        if (options.ExpectNoObject) return (support.IfNoneMatch, null);
        return (false, support.IfMatch ? support.IfMatchValue(ETags.Normalize(options.ExpectETag)) : null);
    }

    private static async Task<byte[]> Md5OfRestAsync(Stream content, CancellationToken ct)
    {
        var start = content.Position;
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            int n;
            while ((n = await content.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0) md5.AppendData(buffer, 0, n);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
        content.Position = start;
        return md5.GetHashAndReset();
    }

    /// <inheritdoc />
    public async Task<ObjectInfo> CopyAsync(string sourceKey, string destinationKey, IReadOnlyDictionary<string, string>? replaceMetadata, CancellationToken cancellationToken)
    {
        Limits.ValidateKey("copy", sourceKey);
        Limits.ValidateKey("copy", destinationKey);
        var source = await HeadAsync(sourceKey, cancellationToken).ConfigureAwait(false) ?? throw new ObjectNotFoundException("copy", sourceKey);
        if (source.Size > _options.MultipartCopyThreshold)
        {
            await new S3MultipartCopy(this, _options.MultipartCopyPartSize).RunAsync(source, destinationKey, replaceMetadata ?? source.Metadata, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await RunAsync(RequestKind.Data, "copy", destinationKey, ct =>
            {
                var request = new CopyObjectRequest
                {
                    SourceBucket = _options.Bucket,
                    SourceKey = sourceKey,
                    DestinationBucket = _options.Bucket,
                    DestinationKey = destinationKey,
                    MetadataDirective = replaceMetadata is null ? S3MetadataDirective.COPY : S3MetadataDirective.REPLACE,
                };
                if (replaceMetadata is not null)
                {
                    request.ContentType = source.ContentType; // REPLACE would otherwise reset it
                    AddMetadata(request.Metadata, replaceMetadata);
                }
                return _client.CopyObjectAsync(request, ct);
            }, cancellationToken).ConfigureAwait(false);
        }
        return await HeadAsync(destinationKey, cancellationToken).ConfigureAwait(false)
            ?? throw new IntegrityException("copy", destinationKey, "the copy was accepted but the object is not there");
    }

    /// <inheritdoc />
    public Task<ObjectInfo> RenameAsync(string sourceKey, string destinationKey, IReadOnlyCollection<string>? destinationVersions, CancellationToken cancellationToken) =>
        RenameAsync(sourceKey, destinationKey, cancellationToken); // without looking: a HEAD per rename would cost every save a round trip

    /// <inheritdoc />
    public Task<ObjectInfo> RenameAsync(string sourceKey, string destinationKey, CancellationToken cancellationToken) =>
        CopyThenDelete.RenameAsync(this, sourceKey, destinationKey, cancellationToken);

    /// <inheritdoc />
    public Task DeleteAsync(string key, IReadOnlyCollection<string>? versions, CancellationToken cancellationToken) =>
        DeleteAsync(key, cancellationToken); // S3 deletes without looking; a HEAD per delete would cost every rm a round trip

    /// <inheritdoc />
    public async Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        Limits.ValidateKey("DELETE", key);
        // single deletes: multi-delete needs Content-MD5, which SDK v4 does not send by default
        await RunAsync(RequestKind.Metadata, "DELETE", key, async ct =>
        {
            try
            {
                return await _client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = _options.Bucket, Key = key }, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (S3Errors.IsNotFound(e) && e is not AmazonS3Exception { ErrorCode: "NoSuchBucket" })
            {
                return null; // already gone
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<ISegmentedUpload> BeginSegmentedUploadAsync(string key, ObjectWriteOptions options, CancellationToken cancellationToken)
    {
        Limits.ValidateKey("begin upload", key);
        var response = await RunAsync(RequestKind.Metadata, "begin upload", key, ct =>
        {
            var request = new InitiateMultipartUploadRequest { BucketName = _options.Bucket, Key = key, ContentType = options.ContentType };
            AddMetadata(request.Metadata, options.Metadata);
            return _client.InitiateMultipartUploadAsync(request, ct);
        }, cancellationToken).ConfigureAwait(false);
        return new S3SegmentedUpload(this, key, response.UploadId, options);
    }

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();
}
