using Microsoft.Extensions.Logging;
using MountStore.Core.Storage;

namespace MountStore.Core.Prefetch;

/// <summary>
/// Fills a buffer with one byte range of an object. The store's retry pipeline covers a request
/// up to its headers; a body that breaks midway is resumed here from the first missing byte, so
/// a reset connection costs the rest of one range, not the whole read. With a version (ETag),
/// every GET, resumes included, is of that version only: the request is conditional on it and
/// the answer's ETag is checked, so a handle never mixes bytes of two versions.
/// </summary>
internal sealed class RangeFetcher(IObjectStore store, int maxResumes, ILogger logger)
{
    public async Task FetchAsync(string key, string? version, long start, Memory<byte> destination, CancellationToken cancellationToken)
    {
        var filled = 0;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await using var content = await store.GetAsync(key, new ByteRange(start + filled, destination.Length - filled), version, cancellationToken).ConfigureAwait(false);
                VersionChecks.EnsureVersion(content, key, version);
                while (filled < destination.Length)
                {
                    var read = await content.Stream.ReadAsync(destination[filled..], cancellationToken).ConfigureAwait(false);
                    if (read == 0)
                        throw new IntegrityException("GET", key,
                            $"the object ended at byte {start + filled}, before the {start + destination.Length} its size promised; it changed while being read. Reopen the file.");
                    filled += read;
                }
                return;
            }
            catch (IOException e) when (attempt < maxResumes && !cancellationToken.IsCancellationRequested)
            {
                logger.LogDebug("Reading '{Key}' broke at byte {Offset} ({Reason}); resuming", key, start + filled, e.Message);
            }
        }
    }
}
