using System.Security.Cryptography;
using MountStore.Core.Storage;
using MountStore.Core.Model;

namespace MountStore.Testing;

/// <summary>
/// A complete <see cref="IObjectStore"/> in memory, with the same listing order (UTF-8 bytes),
/// paging, range and part rules as the real stores, for fast tests of the layers above.
/// </summary>
public sealed class InMemoryObjectStore : IObjectStore
{
    private readonly object _lock = new();
    private readonly SortedDictionary<string, StoredObject> _objects = new(Utf8Order.Instance);
    private readonly Dictionary<string, InMemoryUpload> _uploads = [];
    private readonly TimeProvider _time;

    /// <summary>An empty store.</summary>
    public InMemoryObjectStore(StoreLimits? limits = null, TimeProvider? time = null)
    {
        Limits = limits ?? new StoreLimits();
        _time = time ?? TimeProvider.System;
    }

    private sealed record StoredObject(byte[] Data, ObjectInfo Info);

    private readonly Dictionary<string, Func<ObjectInfo, ObjectInfo>> _listedAs = new(StringComparer.Ordinal);

    /// <summary>
    /// Makes listings show <paramref name="key"/> otherwise than HEAD does, as real stores do for
    /// some objects: a Swift DLO manifest lists as 0 bytes with the manifest's own ETag, RGW lists
    /// an SLO by its manifest, S3 listings carry no content type.
    /// </summary>
    public void ListAs(string key, Func<ObjectInfo, ObjectInfo> row)
    {
        lock (_lock) _listedAs[key] = row;
    }

    /// <inheritdoc />
    public string Description => "memory://";

    /// <inheritdoc />
    public StoreLimits Limits { get; }

    /// <summary>Uploads begun and neither completed nor aborted.</summary>
    public int PendingUploadCount { get { lock (_lock) return _uploads.Count; } }

    /// <summary>Parts held by unfinished uploads (what would be orphaned segments on Swift).</summary>
    public int PendingPartCount { get { lock (_lock) return _uploads.Values.Sum(u => u.PartCount); } }

    /// <summary>Number of objects stored.</summary>
    public int Count { get { lock (_lock) return _objects.Count; } }

    /// <inheritdoc />
    public Task VerifyAccessAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task<ListingPage> ListAsync(ListRequest request, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var objects = new List<ObjectInfo>();
            var prefixes = new List<string>();
            string? last = null;
            var count = 0;
            foreach (var (key, stored) in _objects)
            {
                if (!key.StartsWith(request.Prefix, StringComparison.Ordinal)) continue;
                if ((request.ContinuationToken ?? request.StartAfter) is { } after && Utf8Order.Instance.Compare(key, after) <= 0) continue;
                if (request.EndBefore is { } end && Utf8Order.Instance.Compare(key, end) >= 0) break;
                string name = key;
                var isPrefix = false;
                if (request.Delimiter is { Length: > 0 } d)
                {
                    var at = key.IndexOf(d, request.Prefix.Length, StringComparison.Ordinal);
                    if (at >= 0)
                    {
                        name = key[..(at + d.Length)];
                        isPrefix = true;
                        if (name == last || name == request.ContinuationToken) continue;
                    }
                }
                if (count == request.MaxKeys) return Task.FromResult(new ListingPage(objects, prefixes, last));
                if (isPrefix) prefixes.Add(name);
                else objects.Add(_listedAs.TryGetValue(key, out var row) ? row(stored.Info with { Metadata = ObjectInfo.NoMetadata }) : stored.Info with { Metadata = ObjectInfo.NoMetadata });
                last = name;
                count++;
                if (isPrefix)
                {
                    // skip the rest of this prefix's keys by continuing from past it
                    request = request with { ContinuationToken = name + char.MaxValue };
                }
            }
            return Task.FromResult(new ListingPage(objects, prefixes, null));
        }
    }

    /// <inheritdoc />
    public Task<ObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken)
    {
        Limits.ValidateKey("HEAD", key);
        lock (_lock) return Task.FromResult(_objects.TryGetValue(key, out var o) ? o.Info : null);
    }

    /// <inheritdoc />
    public Task<ObjectContent> GetAsync(string key, ByteRange? range, CancellationToken cancellationToken) => GetAsync(key, range, null, cancellationToken);

    /// <inheritdoc />
    public Task<ObjectContent> GetAsync(string key, ByteRange? range, string? ifMatch, CancellationToken cancellationToken)
    {
        Limits.ValidateKey("GET", key);
        StoredObject stored;
        lock (_lock)
        {
            _objects.TryGetValue(key, out stored!);
            if (ifMatch is not null && (stored is null || !VersionChecks.Same(stored.Info.ETag, ifMatch)))
                throw new ObjectChangedException("GET", key, ifMatch, stored?.Info.ETag);
            if (stored is null) throw new ObjectNotFoundException("GET", key);
        }
        var offset = range?.Offset ?? 0;
        if (offset >= stored.Data.Length && (range is not null)) return Task.FromResult(ObjectContent.Empty(stored.Info, offset));
        var length = range is { } r ? Math.Min(r.Length, stored.Data.Length - offset) : stored.Data.Length;
        var stream = new MemoryStream(stored.Data, (int)offset, (int)length, writable: false);
        return Task.FromResult(new ObjectContent(stream, stored.Info, offset, length));
    }

    /// <inheritdoc />
    public async Task<ObjectInfo> PutAsync(string key, Stream content, ObjectWriteOptions options, CancellationToken cancellationToken)
    {
        Limits.ValidateKey("PUT", key);
        using var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        return Store(key, buffer.ToArray(), options, ETags.Md5Hex(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)), segmented: false);
    }

    /// <summary>Stores the object, its write condition checked atomically, as S3's conditional writes are.</summary>
    private ObjectInfo Store(string key, byte[] data, ObjectWriteOptions options, string etag, bool segmented)
    {
        var info = new ObjectInfo(key, data.Length, etag, _time.GetUtcNow(), options.ContentType ?? "application/octet-stream",
            new Dictionary<string, string>(options.Metadata, StringComparer.OrdinalIgnoreCase))
        { IsSegmented = segmented };
        lock (_lock)
        {
            VersionChecks.ThrowIfConflict("PUT", key, options, _objects.TryGetValue(key, out var now) ? now.Info : null);
            _objects[key] = new StoredObject(data, info);
        }
        return info;
    }

    /// <inheritdoc />
    public Task<ObjectInfo> CopyAsync(string sourceKey, string destinationKey, IReadOnlyDictionary<string, string>? replaceMetadata, CancellationToken cancellationToken)
    {
        Limits.ValidateKey("copy", sourceKey);
        Limits.ValidateKey("copy", destinationKey);
        StoredObject source;
        lock (_lock)
        {
            if (!_objects.TryGetValue(sourceKey, out source!)) throw new ObjectNotFoundException("copy", sourceKey);
        }
        var options = new ObjectWriteOptions { ContentType = source.Info.ContentType, Metadata = replaceMetadata ?? source.Info.Metadata };
        return Task.FromResult(Store(destinationKey, source.Data, options, source.Info.ETag, source.Info.IsSegmented));
    }

    /// <inheritdoc />
    public Task<ObjectInfo> RenameAsync(string sourceKey, string destinationKey, CancellationToken cancellationToken) =>
        CopyThenDelete.RenameAsync(this, sourceKey, destinationKey, cancellationToken);

    /// <inheritdoc />
    public Task<ObjectInfo> RenameAsync(string sourceKey, string destinationKey, IReadOnlyCollection<string>? destinationVersions, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (sourceKey != destinationKey && _objects.TryGetValue(destinationKey, out var replaced))
                VersionChecks.ThrowUnlessOneOf("rename", destinationKey, destinationVersions, replaced.Info);
        }
        return RenameAsync(sourceKey, destinationKey, cancellationToken);
    }

    /// <inheritdoc />
    public Task DeleteAsync(string key, CancellationToken cancellationToken) => DeleteAsync(key, null, cancellationToken);

    /// <inheritdoc />
    public Task DeleteAsync(string key, IReadOnlyCollection<string>? versions, CancellationToken cancellationToken)
    {
        Limits.ValidateKey("DELETE", key);
        lock (_lock)
        {
            if (_objects.TryGetValue(key, out var now))
                VersionChecks.ThrowUnlessOneOf("DELETE", key, versions, now.Info);
            _objects.Remove(key);
            if (LooksBeforeDelete)
                DeletesThatLooked++;
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// Behaves as Swift does: a delete looks at the object first, unless given what a HEAD
    /// answered moments ago, which it then trusts (<see cref="IObjectStore.InspectsBeforeDelete"/>).
    /// </summary>
    public bool LooksBeforeDelete { get; init; }

    /// <summary>Deletes that looked at the object themselves (with <see cref="LooksBeforeDelete"/>).</summary>
    public int DeletesThatLooked { get; private set; }

    /// <summary>Deletes that took the answer they were given instead of looking (with <see cref="LooksBeforeDelete"/>).</summary>
    public int DeletesGivenAnAnswer { get; private set; }

    /// <inheritdoc />
    public bool InspectsBeforeDelete => LooksBeforeDelete;

    /// <inheritdoc />
    public Task DeleteAsync(string key, IReadOnlyCollection<string>? versions, ObjectInfo inspected, CancellationToken cancellationToken)
    {
        if (!LooksBeforeDelete)
            return DeleteAsync(key, versions, cancellationToken);
        Limits.ValidateKey("DELETE", key);
        VersionChecks.ThrowUnlessOneOf("DELETE", key, versions, inspected); // the answer, not the object: as Swift does
        lock (_lock)
        {
            _objects.Remove(key);
            DeletesGivenAnAnswer++;
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<ISegmentedUpload> BeginSegmentedUploadAsync(string key, ObjectWriteOptions options, CancellationToken cancellationToken)
    {
        Limits.ValidateKey("begin upload", key);
        var upload = new InMemoryUpload(this, key, options, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)));
        lock (_lock) _uploads[upload.Id] = upload;
        return Task.FromResult<ISegmentedUpload>(upload);
    }

    private sealed class InMemoryUpload(InMemoryObjectStore store, string key, ObjectWriteOptions options, string id) : ISegmentedUpload
    {
        private readonly Dictionary<int, byte[]> _parts = [];

        public string Id => id;

        public string Key => key;

        public int PartCount { get { lock (_parts) return _parts.Count; } }

        public Task<UploadedPart> UploadPartAsync(int partNumber, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(partNumber, 1);
            if (partNumber > store.Limits.MaxParts)
                throw new ObjectStoreException($"upload part {partNumber}", key, null, $"at most {store.Limits.MaxParts} parts");
            lock (store._lock)
            {
                if (!store._uploads.ContainsKey(id)) throw new ObjectStoreException($"upload part {partNumber}", key, 404, "no such upload");
            }
            lock (_parts) _parts[partNumber] = data.ToArray();
            return Task.FromResult(new UploadedPart(partNumber, data.Length, ETags.Md5Hex(data.Span)));
        }

        public Task<ObjectInfo> CompleteAsync(IReadOnlyList<UploadedPart> parts, CancellationToken cancellationToken) =>
            Task.FromResult(Complete(key, options, parts));

        public bool CanCompleteUnderAnotherKey => store.Limits.PartsCanMoveToAnotherKey;

        public Task<ObjectInfo> CompleteUnderAsync(string otherKey, IReadOnlyList<UploadedPart> parts, CancellationToken cancellationToken)
        {
            if (!CanCompleteUnderAnotherKey) throw new NotSupportedException("this store's uploads complete only under their own key");
            return Task.FromResult(Complete(otherKey, options.Unconditional, parts));
        }

        private ObjectInfo Complete(string key, ObjectWriteOptions options, IReadOnlyList<UploadedPart> parts)
        {
            var ordered = parts.OrderBy(p => p.PartNumber).ToList();
            using var all = new MemoryStream();
            lock (_parts)
            {
                for (var i = 0; i < ordered.Count; i++)
                {
                    var part = ordered[i];
                    if (!_parts.TryGetValue(part.PartNumber, out var data) || ETags.Md5Hex(data) != part.ETag)
                        throw new IntegrityException("complete upload", key, $"part {part.PartNumber} is not stored as listed");
                    if (i < ordered.Count - 1 && data.Length < store.Limits.MinPartBytes)
                        throw new ObjectStoreException("complete upload", key, 400, $"part {part.PartNumber} is smaller than {store.Limits.MinPartBytes} bytes");
                    all.Write(data);
                }
            }
            var info = store.Store(key, all.ToArray(), options, ETags.MultipartS3(ordered.Select(p => p.ETag)), segmented: true);
            lock (store._lock) store._uploads.Remove(id);
            return info;
        }

        public Task AbortAsync(CancellationToken cancellationToken)
        {
            lock (store._lock) store._uploads.Remove(id);
            lock (_parts) _parts.Clear();
            return Task.CompletedTask;
        }
    }
}
