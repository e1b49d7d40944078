using Microsoft.Extensions.Logging;
using MountStore.Core.Storage;

namespace MountStore.Core.Prefetch;

/// <summary>
/// Fills a buffer with one byte range of an object. The store's retry pipeline covers a request
/// up to its headers; a body that breaks midway is resumed here from the first missing byte, so
/// a reset connection costs the rest of one range, not the whole read. With a version (ETag),
/// every GET, resumes included, is of that version only: the request is conditional on it and
/// the answer's ETag is checked, so a handle never mixes bytes of two versions. Bytes a lookup
/// just fetched of that version (<see cref="FirstBytes"/>) are taken from there.
/// </summary>
internal sealed class RangeFetcher(IObjectStore store, int maxResumes, ILogger logger, FirstBytes? firstBytes = null)
{
    /// <summary>How often a body that broke midway is resumed before the read fails.</summary>
    public int MaxResumes => maxResumes;

    public async Task FetchAsync(string key, string? version, long start, Memory<byte> destination, CancellationToken cancellationToken)
    {
        var filled = firstBytes?.CopyTo(key, version, start, destination.Span) ?? 0;
        if (filled == destination.Length)
            return;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await using var content = await OpenAsync(key, version, start + filled, destination.Length - filled, cancellationToken).ConfigureAwait(false);
                while (filled < destination.Length)
                {
                    var read = await content.Stream.ReadAsync(destination[filled..], cancellationToken).ConfigureAwait(false);
                    if (read == 0)
                        throw EndedEarly(key, start + filled, start + destination.Length);
                    filled += read;
                }
                return;
            }
            catch (IOException e) when (attempt < maxResumes && !cancellationToken.IsCancellationRequested)
            {
                NoteResume(key, start + filled, e);
            }
        }
    }

    /// <summary>A GET of [start, start+length) of that version only, its body not read yet.</summary>
    public async Task<ObjectContent> OpenAsync(string key, string? version, long start, long length, CancellationToken cancellationToken)
    {
        var content = await store.GetAsync(key, new ByteRange(start, length), version, cancellationToken).ConfigureAwait(false);
        try
        {
            VersionChecks.EnsureVersion(content, key, version);
            return content;
        }
        catch
        {
            await content.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public static IntegrityException EndedEarly(string key, long at, long promised) =>
        new("GET", key, $"the object ended at byte {at}, before the {promised} its size promised; it changed while being read. Reopen the file.");

    public void NoteResume(string key, long at, IOException e) =>
        logger.LogDebug("Reading '{Key}' broke at byte {Offset} ({Reason}); resuming", key, at, e.Message);
}
