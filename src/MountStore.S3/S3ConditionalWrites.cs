using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging;

namespace MountStore.S3;

/// <summary>
/// Whether this server honours If-None-Match: * and If-Match on PUT (AWS since 2024, Ceph RGW;
/// Swift's s3api and older servers ignore or refuse some). Learned once per mount, at the first
/// conditional write, by writing a probe object twice and deleting it: a condition the server
/// silently ignores would otherwise look exactly like one that held. Where it is not honoured,
/// the write is checked by a HEAD just before it instead.
/// </summary>
internal sealed class S3ConditionalWrites(IAmazonS3 client, string bucket, ILogger logger)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Support? _support;

    /// <summary>
    /// What the server honours on PUT. <paramref name="QuoteETags"/>: whether If-Match takes the
    /// ETag quoted, as HTTP spells it (AWS), or bare (Ceph RGW refuses the quoted form even for
    /// the right ETag).
    /// </summary>
    public sealed record Support(bool IfNoneMatch, bool IfMatch, bool QuoteETags = true)
    {
        /// <summary>The If-Match value for <paramref name="etag"/> in the form this server compares.</summary>
        public string IfMatchValue(string etag) => QuoteETags ? $"\"{etag}\"" : etag;
    }

    public async Task<Support> GetAsync(CancellationToken cancellationToken)
    {
        if (_support is { } known) return known;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return _support ??= await ProbeAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<Support> ProbeAsync(CancellationToken cancellationToken)
    {
        var key = $".mountstore-probe-{Guid.NewGuid():N}";
        try
        {
            var (first, etag) = await PutAsync(key, r => r.IfNoneMatch = "*", cancellationToken).ConfigureAwait(false);
            if (first != HttpStatusCode.OK) return Found(new Support(false, false), $"a PUT with If-None-Match: * was answered {(int)first}");
            var noneMatch = (await PutAsync(key, r => r.IfNoneMatch = "*", cancellationToken).ConfigureAwait(false)).Status == HttpStatusCode.PreconditionFailed;
            // If-Match must let the right ETag through and stop a wrong one; which spelling of the
            // right one works is learned here too
            var bare = etag.Trim('"');
            var quoted = (await PutAsync(key, r => r.IfMatch = $"\"{bare}\"", cancellationToken).ConfigureAwait(false)).Status == HttpStatusCode.OK;
            var unquoted = !quoted && (await PutAsync(key, r => r.IfMatch = bare, cancellationToken).ConfigureAwait(false)).Status == HttpStatusCode.OK;
            var wrongStopped = (await PutAsync(key, r => r.IfMatch = "\"00000000000000000000000000000000\"", cancellationToken).ConfigureAwait(false)).Status == HttpStatusCode.PreconditionFailed;
            return Found(new Support(noneMatch, (quoted || unquoted) && wrongStopped, QuoteETags: !unquoted), unquoted ? "probed; If-Match takes the bare ETag" : "probed");
        }
        catch (Exception e) when (e is AmazonServiceException or HttpRequestException or IOException)
        {
            return Found(new Support(false, false), $"the probe failed ({e.Message})");
        }
        finally
        {
            try
            {
                await client.DeleteObjectAsync(bucket, key, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is AmazonServiceException or HttpRequestException or IOException)
            {
                logger.LogWarning("could not delete the probe object '{Key}' in bucket {Bucket}: {Error}; delete it by hand", key, bucket, e.Message);
            }
        }
    }

    private Support Found(Support support, string how)
    {
        logger.LogInformation("S3 bucket {Bucket}: conditional writes: If-None-Match {NoneMatch}, If-Match {Match} ({How}); {Fallback}",
            bucket, support.IfNoneMatch ? "honoured" : "not honoured", support.IfMatch ? "honoured" : "not honoured", how,
            support.IfNoneMatch && support.IfMatch ? "writes are conditional on the request" : "the rest are checked with a HEAD just before the write");
        return support;
    }

    private async Task<(HttpStatusCode Status, string ETag)> PutAsync(string key, Action<PutObjectRequest> condition, CancellationToken cancellationToken)
    {
        var request = new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = "probe", UseChunkEncoding = false };
        condition(request);
        try
        {
            var response = await client.PutObjectAsync(request, cancellationToken).ConfigureAwait(false);
            return (response.HttpStatusCode, response.ETag ?? "");
        }
        catch (AmazonS3Exception e) when (e.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.Conflict or HttpStatusCode.NotImplemented or HttpStatusCode.BadRequest)
        {
            // 409: AWS answers a concurrent conditional write so; 501/400: the header is refused
            return (e.StatusCode, "");
        }
    }
}
