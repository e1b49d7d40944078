using System.Buffers;
using MountStore.Core.Storage;

namespace MountStore.Core.Prefetch;

/// <summary>
/// The first bytes of files just looked up, kept for the read that usually follows. When a
/// lookup must ask the store about a file (a listing row has no mtime or mode), it asks with a
/// GET of the first <see cref="Length"/> bytes instead of a HEAD: the answer's headers say all a
/// HEAD's do, and the open and first read that follow (`head`, `file`, `cat`, pandas sniffing a
/// CSV) find their bytes here instead of waiting for a second round trip. Measured against the
/// local Swift before the change: a fresh `head -c 1` took the lookup's round trip and then the
/// GET's. Bounded: a few entries, each dropped after a few seconds or when newer ones push it
/// out; the bytes are tied to the version (ETag) the answer showed.
/// </summary>
public sealed class FirstBytes(int maxEntries, TimeSpan keepFor, TimeProvider clock)
{
    /// <summary>128 KiB: the kernel's first read of a file (its read-ahead) fits in it.</summary>
    public const int Length = 128 << 10;

    private readonly Lock _lock = new();
    private readonly LinkedList<Entry> _entries = new(); // oldest first

    private sealed record Entry(string Key, string ETag, byte[] Bytes, int Length, DateTimeOffset KeptAt);

    /// <summary>Entries kept now (for tests).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
                return _entries.Count;
        }
    }

    /// <summary>
    /// What a HEAD of <paramref name="key"/> would say, asked with a GET of its first bytes, which
    /// are kept; null when there is no such object. A store that cannot give the bytes (a large
    /// object missing a segment) is asked with a HEAD, so the file can still be looked at.
    /// </summary>
    public async Task<ObjectInfo?> HeadAsync(IObjectStore store, string key, CancellationToken cancellationToken)
    {
        ObjectContent content;
        try
        {
            content = await store.GetAsync(key, new ByteRange(0, Length), cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectNotFoundException)
        {
            return null;
        }
        catch (ObjectStoreException) when (!cancellationToken.IsCancellationRequested)
        {
            return await store.HeadAsync(key, cancellationToken).ConfigureAwait(false);
        }
        await using (content.ConfigureAwait(false))
        {
            // a server that ignored the range sends the whole object: its headers are enough
            if (content.Offset == 0 && content.Length is > 0 and <= Length && !string.IsNullOrEmpty(content.Info.ETag))
                await KeepBodyAsync(key, content, cancellationToken).ConfigureAwait(false);
        }
        return content.Info;
    }

    private async Task KeepBodyAsync(string key, ObjectContent content, CancellationToken cancellationToken)
    {
        var length = (int)content.Length;
        var bytes = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var filled = 0;
            while (filled < length)
            {
                var read = await content.Stream.ReadAsync(bytes.AsMemory(filled, length - filled), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                    break;
                filled += read;
            }
            if (filled == length)
            {
                Keep(new Entry(key, ETags.Normalize(content.Info.ETag), bytes, length, clock.GetUtcNow()));
                bytes = null;
            }
        }
        catch (IOException)
        {
            // the headers arrived and stand as the answer; the bytes are fetched when read
        }
        finally
        {
            if (bytes is not null)
                ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    private void Keep(Entry entry)
    {
        lock (_lock)
        {
            DropExpired();
            for (var node = _entries.First; node is not null; node = node.Next)
            {
                if (node.Value.Key == entry.Key)
                {
                    Drop(node);
                    break;
                }
            }
            _entries.AddLast(entry);
            while (_entries.Count > maxEntries)
                Drop(_entries.First!);
        }
    }

    /// <summary>
    /// Copies the kept bytes of version <paramref name="version"/> of <paramref name="key"/> at
    /// <paramref name="start"/> into the front of <paramref name="destination"/>; returns how many
    /// (0 when none are kept for that version and place).
    /// </summary>
    public int CopyTo(string key, string? version, long start, Span<byte> destination)
    {
        if (string.IsNullOrEmpty(version) || start >= Length)
            return 0;
        var wanted = ETags.Normalize(version);
        lock (_lock)
        {
            DropExpired();
            for (var node = _entries.First; node is not null; node = node.Next)
            {
                var entry = node.Value;
                if (entry.Key != key || entry.ETag != wanted || start >= entry.Length)
                    continue;
                var count = (int)Math.Min(destination.Length, entry.Length - start);
                entry.Bytes.AsSpan((int)start, count).CopyTo(destination);
                return count;
            }
        }
        return 0;
    }

    private void DropExpired()
    {
        var now = clock.GetUtcNow();
        while (_entries.First is { } oldest && now - oldest.Value.KeptAt > keepFor)
            Drop(oldest);
    }

    private void Drop(LinkedListNode<Entry> node)
    {
        _entries.Remove(node);
        ArrayPool<byte>.Shared.Return(node.Value.Bytes);
    }
}
