using Amazon.S3;
using Amazon.S3.Model;
using MountStore.Resilience;
using MountStore.Core.Storage;

namespace MountStore.S3;

/// <summary>
/// An S3 multipart upload. Each part goes with its Content-MD5 (the server refuses a part that
/// arrived damaged) and its returned ETag is compared with our MD5; completion is checked
/// against the multipart ETag the parts imply.
/// </summary>
internal sealed class S3SegmentedUpload(S3ObjectStore store, string key, string uploadId, ObjectWriteOptions options) : ISegmentedUpload
{
    public string Key => key;

    /// <summary>The server's id for this upload.</summary>
    public string UploadId => uploadId;

    public async Task<UploadedPart> UploadPartAsync(int partNumber, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partNumber, 1);
        if (partNumber > store.Limits.MaxParts)
            throw new ObjectStoreException($"upload part {partNumber}", key, null, $"S3 takes at most {store.Limits.MaxParts} parts per object");
        var md5 = System.Security.Cryptography.MD5.HashData(data.Span);
        // The part is sent from where it lies (a native buffer): pinned once, read by a fresh
        // stream per attempt, never copied into a managed array.
        using var pinned = data.Pin();
        var response = await store.RunAsync(RequestKind.Data, $"upload part {partNumber}", key, ct => store.Client.UploadPartAsync(new UploadPartRequest
        {
            BucketName = store.Bucket,
            Key = key,
            UploadId = uploadId,
            PartNumber = partNumber,
            InputStream = PinnedStream(pinned, data.Length),
            PartSize = data.Length,
            MD5Digest = Convert.ToBase64String(md5),
            UseChunkEncoding = false,
        }, ct), cancellationToken).ConfigureAwait(false);
        var sent = Convert.ToHexStringLower(md5);
        var stored = ETags.Normalize(response.ETag);
        if (stored != sent)
            throw new IntegrityException($"upload part {partNumber}", key, $"part stored with ETag {stored}, we sent MD5 {sent}");
        return new UploadedPart(partNumber, data.Length, sent);
    }

    /// <summary>A read-only stream over pinned memory.</summary>
    internal static unsafe Stream PinnedStream(System.Buffers.MemoryHandle pinned, int length) =>
        new UnmanagedMemoryStream((byte*)pinned.Pointer, length);

    public async Task<ObjectInfo> CompleteAsync(IReadOnlyList<UploadedPart> parts, CancellationToken cancellationToken)
    {
        if (parts.Count == 0) throw new ObjectStoreException("complete upload", key, null, "no parts were uploaded");
        var ordered = parts.OrderBy(p => p.PartNumber).ToList();
        var expected = ETags.MultipartS3(ordered.Select(p => p.ETag));
        // One HEAD per large object checks the condition whatever the server does with it on
        // complete (support for conditional completes came later than for PUT); the request
        // carries it too where the server honours it on PUT, which closes the window. A conflict
        // leaves the upload open: its parts are not aborted, the caller decides.
        await VersionChecks.CheckBeforeWriteAsync(store, "complete upload", key, options, cancellationToken).ConfigureAwait(false);
        var (ifNoneMatch, ifMatch) = await store.RequestConditionsAsync(options, cancellationToken).ConfigureAwait(false);
        var conflict = false;
        var response = await store.RunAsync(RequestKind.Metadata, "complete upload", key, async ct =>
        {
            var request = new CompleteMultipartUploadRequest
            {
                BucketName = store.Bucket,
                Key = key,
                UploadId = uploadId,
                PartETags = ordered.Select(p => new PartETag(p.PartNumber, p.ETag)).ToList(),
            };
            if (ifNoneMatch) request.IfNoneMatch = "*";
            if (ifMatch is not null) request.IfMatch = ifMatch;
            try
            {
                return await store.Client.CompleteMultipartUploadAsync(request, ct).ConfigureAwait(false);
            }
            catch (AmazonS3Exception e) when ((ifNoneMatch || ifMatch is not null) && S3ObjectStore.IsConditionFailure(e))
            {
                conflict = true;
                return null!;
            }
        }, cancellationToken).ConfigureAwait(false);
        if (conflict)
            return await VersionChecks.OwnWriteOrConflictAsync(store, "complete upload", key, options, expected, cancellationToken).ConfigureAwait(false);

        var stored = ETags.Normalize(response.ETag);
        if (stored.Contains('-') && stored != expected)
            throw new IntegrityException("complete upload", key, $"the object's ETag is {stored}, the parts we sent make {expected}");
        var info = await store.HeadAsync(key, cancellationToken).ConfigureAwait(false)
            ?? throw new IntegrityException("complete upload", key, "the upload completed but the object is not there");
        var total = ordered.Sum(p => p.Size);
        if (info.Size != total)
            throw new IntegrityException("complete upload", key, $"the object is {info.Size} bytes, the parts add up to {total}");
        return info;
    }

    /// <summary>A multipart upload completes only under the key it began with.</summary>
    public bool CanCompleteUnderAnotherKey => false;

    public Task<ObjectInfo> CompleteUnderAsync(string key, IReadOnlyList<UploadedPart> parts, CancellationToken cancellationToken) =>
        throw new NotSupportedException("an S3 multipart upload completes only under its own key");

    public async Task AbortAsync(CancellationToken cancellationToken)
    {
        await store.RunAsync(RequestKind.Metadata, "abort upload", key, async ct =>
        {
            try
            {
                return await store.Client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest
                {
                    BucketName = store.Bucket,
                    Key = key,
                    UploadId = uploadId,
                }, ct).ConfigureAwait(false);
            }
            catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchUpload")
            {
                return null; // already aborted or completed
            }
        }, cancellationToken).ConfigureAwait(false);
    }
}
