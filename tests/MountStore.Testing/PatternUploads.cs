using MountStore.Core.Storage;

namespace MountStore.Testing;

/// <summary>Large test objects of <see cref="PositionPattern"/> bytes, written as segmented uploads.</summary>
public static class PatternUploads
{
    /// <summary>Uploads <paramref name="size"/> pattern bytes to <paramref name="key"/> in parallel parts, with optional metadata.</summary>
    public static async Task WriteAsync(IObjectStore store, string key, long size, ulong seed, IReadOnlyDictionary<string, string>? metadata = null, int partSize = 64 << 20)
    {
        var upload = await store.BeginSegmentedUploadAsync(key, new ObjectWriteOptions { Metadata = metadata ?? ObjectInfo.NoMetadata }, CancellationToken.None).ConfigureAwait(false);
        var parts = new UploadedPart[(int)((size + partSize - 1) / partSize)];
        await Parallel.ForEachAsync(Enumerable.Range(0, parts.Length), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, ct) =>
        {
            var offset = (long)i * partSize;
            parts[i] = await upload.UploadPartAsync(i + 1, PositionPattern.Bytes(offset, (int)Math.Min(partSize, size - offset), seed), ct).ConfigureAwait(false);
        }).ConfigureAwait(false);
        await upload.CompleteAsync(parts, CancellationToken.None).ConfigureAwait(false);
    }
}
