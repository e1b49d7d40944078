using Amazon.S3.Model;
using MountStore.Resilience;
using MountStore.Core.Storage;

namespace MountStore.S3;

/// <summary>
/// A server-side copy of an object too large for CopyObject (over 5 GiB on S3): a multipart
/// upload whose parts are UploadPartCopy ranges of the source, four at a time. On failure the
/// upload is aborted, so no partial copy stays behind.
/// </summary>
internal sealed class S3MultipartCopy(S3ObjectStore store, long partSize)
{
    public async Task RunAsync(ObjectInfo source, string destinationKey, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        var upload = (S3SegmentedUpload)await store.BeginSegmentedUploadAsync(destinationKey,
            new ObjectWriteOptions { ContentType = source.ContentType, Metadata = metadata }, cancellationToken).ConfigureAwait(false);
        try
        {
            var count = (int)((source.Size + partSize - 1) / partSize);
            var parts = new UploadedPart[count];
            await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, async (i, ct) =>
            {
                var first = i * partSize;
                var last = Math.Min(source.Size, first + partSize) - 1;
                var response = await store.RunAsync(RequestKind.Data, $"copy part {i + 1}", destinationKey, c => store.Client.CopyPartAsync(new CopyPartRequest
                {
                    SourceBucket = store.Bucket,
                    SourceKey = source.Key,
                    DestinationBucket = store.Bucket,
                    DestinationKey = destinationKey,
                    UploadId = upload.UploadId,
                    PartNumber = i + 1,
                    FirstByte = first,
                    LastByte = last,
                }, c), ct).ConfigureAwait(false);
                parts[i] = new UploadedPart(i + 1, last - first + 1, ETags.Normalize(response.ETag));
            }).ConfigureAwait(false);
            await upload.CompleteAsync(parts, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await upload.AbortAsync(CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }
}
