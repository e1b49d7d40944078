using Microsoft.Extensions.Caching.Memory;
using MountStore.Core.FileSystem;
using MountStore.Core.Model;

namespace MountStore.Core.Metadata;

/// <summary>
/// Attributes, complete directory listings and "no such file" answers, each trusted for a TTL.
/// Freshness is judged by the injected clock, so TTL tests never sleep; the MemoryCache under it
/// bounds the total by entry count (a listing of N entries counts N + 1) and evicts the oldest.
/// </summary>
public sealed class MetadataCache : IDisposable
{
    private readonly MemoryCache _cache;
    private readonly TimeProvider _clock;
    private readonly TimeSpan _ttl;
    private readonly TimeSpan _negativeTtl;
    private long _hits, _misses;

    /// <summary>A cache of at most <paramref name="maxEntries"/> entries.</summary>
    public MetadataCache(int maxEntries, TimeSpan ttl, TimeSpan negativeTtl, TimeProvider clock)
    {
        _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = maxEntries, CompactionPercentage = 0.25 });
        _clock = clock;
        _ttl = ttl;
        _negativeTtl = negativeTtl;
        MaxEntries = maxEntries;
    }

    /// <summary>The bound given at construction.</summary>
    public int MaxEntries { get; }

    /// <summary>Entries held now (listings count once here, by their size in the bound).</summary>
    public long Count => _cache.Count;

    /// <summary>Lookups answered from the cache.</summary>
    public long Hits => Interlocked.Read(ref _hits);

    /// <summary>Lookups that had to go to the store.</summary>
    public long Misses => Interlocked.Read(ref _misses);

    /// <summary>A fresh answer for <paramref name="path"/>: attributes, or null attributes for "known absent".</summary>
    public bool TryGetAttributes(string path, out NodeAttributes? attributes, out DateTimeOffset fetchedAt)
    {
        if (_cache.TryGetValue(AttributesKey(path), out CachedAttributes? cached) && cached is not null
            && IsFresh(cached.FetchedAt, cached.Value is null ? _negativeTtl : _ttl))
        {
            attributes = cached.Value;
            fetchedAt = cached.FetchedAt;
            Interlocked.Increment(ref _hits);
            return true;
        }
        attributes = null;
        fetchedAt = default;
        Interlocked.Increment(ref _misses);
        return false;
    }

    /// <summary>
    /// The full attributes (object metadata loaded) last known for version <paramref name="etag"/>
    /// of <paramref name="path"/>, however old: a listing fetched after the TTL carries no metadata,
    /// and an object keeps its metadata as long as it keeps its ETag (a change elsewhere by Swift
    /// POST is the exception, seen at the next open, which asks the store again).
    /// </summary>
    public bool TryGetMetadataOf(string path, string? etag, out NodeAttributes attributes)
    {
        if (etag is not null && _cache.TryGetValue(AttributesKey(path), out CachedAttributes? cached)
            && cached?.Value is { MetadataLoaded: true } known && known.IsVersion(etag))
        {
            attributes = known;
            return true;
        }
        attributes = null!;
        return false;
    }

    /// <summary>
    /// The attributes last loaded from the folder <paramref name="path"/>'s own marker object
    /// (mode, owner and times other tools or this mount stored there), however old: a folder's
    /// marker changes rarely, and its parent's next listing loads it again.
    /// </summary>
    public bool TryGetLoadedDirectory(string path, out NodeAttributes attributes)
    {
        if (_cache.TryGetValue(AttributesKey(path), out CachedAttributes? cached) && cached?.Value is { IsDirectory: true, MetadataLoaded: true } known)
        {
            attributes = known;
            return true;
        }
        attributes = null!;
        return false;
    }

    /// <summary>Remembers what the store said about <paramref name="path"/> at <paramref name="fetchedAt"/>.</summary>
    public void SetAttributes(string path, NodeAttributes attributes, DateTimeOffset fetchedAt)
    {
        // An answer that was asked for before the cached one was learned is older news: a HEAD
        // still in flight must not undo a change this mount has just made (touch after write).
        if (IsNewerThan(path, fetchedAt))
            return;
        Set(AttributesKey(path), new CachedAttributes(attributes, fetchedAt), 1, _ttl);
    }

    /// <summary>Remembers that <paramref name="path"/> does not exist.</summary>
    public void SetAbsent(string path, DateTimeOffset fetchedAt)
    {
        if (IsNewerThan(path, fetchedAt))
            return; // a file created since this "absent" was asked for
        Set(AttributesKey(path), new CachedAttributes(null, fetchedAt), 1, _negativeTtl);
    }

    private bool IsNewerThan(string path, DateTimeOffset fetchedAt) =>
        _cache.TryGetValue(AttributesKey(path), out CachedAttributes? cached) && cached is not null && cached.FetchedAt > fetchedAt;

    /// <summary>A fresh complete listing of the directory at <paramref name="path"/>.</summary>
    public bool TryGetListing(string path, out DirectoryListing listing)
    {
        var found = FreshListing(path);
        Interlocked.Increment(ref found is null ? ref _misses : ref _hits);
        listing = found!;
        return found is not null;
    }

    /// <summary>
    /// True when a fresh listing of <paramref name="path"/> is cached. Not counted as a hit or a
    /// miss: the walk's look-ahead asks this of up to 128 folders a step, and would drown the
    /// lookups the statistics are about.
    /// </summary>
    public bool HasListing(string path) => FreshListing(path) is not null;

    private DirectoryListing? FreshListing(string path) =>
        _cache.TryGetValue(ListingKey(path), out DirectoryListing? cached) && cached is not null && IsFresh(cached.FetchedAt, _ttl) ? cached : null;

    /// <summary>The listing of <paramref name="path"/> last fetched, however old (not counted as a hit or miss).</summary>
    public bool TryGetAnyListing(string path, out DirectoryListing listing)
    {
        if (_cache.TryGetValue(ListingKey(path), out DirectoryListing? cached) && cached is not null)
        {
            listing = cached;
            return true;
        }
        listing = null!;
        return false;
    }

    /// <summary>Remembers a complete listing. One larger than the whole cache is not kept.</summary>
    public void SetListing(string path, DirectoryListing listing) =>
        Set(ListingKey(path), listing, listing.Entries.Count + 1, _ttl);

    /// <summary>
    /// How many changes made through the mount have touched what is cached (files created or
    /// replaced, removals, renames). A fetch notes it when it begins, and
    /// <see cref="SetFetchedListing"/> brings the listing up to date with the changes after.
    /// </summary>
    public long Changes => Interlocked.Read(ref _changes);

    private long _changes;
    private readonly RecentListingChanges _recent = new();

    /// <summary>
    /// Remembers a complete listing fetched from the store, with every change made through the
    /// mount to that folder since <see cref="Changes"/> was <paramref name="changesSeen"/> (when
    /// the fetch began) applied to it, and returns it so. Null when the listing cannot be
    /// brought up to date (the folder was forgotten meanwhile, or more changes came than are
    /// remembered): then it is not kept. Done under the lock changes are applied under, so a
    /// change is either replayed here or applied to the kept listing afterwards.
    /// </summary>
    public DirectoryListing? SetFetchedListing(string path, DirectoryListing listing, long changesSeen)
    {
        lock (_listingUpdates)
        {
            var current = _recent.Replay(path, changesSeen, listing);
            if (current is not null)
                SetListing(path, current);
            return current;
        }
    }

    /// <summary>
    /// Applies a change made through the mount to the cached listing of <paramref name="path"/>,
    /// if one is cached (its age is kept, so the store is still asked again after the TTL), and
    /// to any listing of it being fetched now.
    /// </summary>
    public void UpdateListing(string path, Func<DirectoryListing, DirectoryListing> change)
    {
        lock (_listingUpdates)
        {
            _recent.Changed(Interlocked.Increment(ref _changes), path, change);
            if (_cache.TryGetValue(ListingKey(path), out DirectoryListing? cached) && cached is not null)
                SetListing(path, change(cached));
        }
    }

    /// <summary>Counts a change that forgets listings: any fetch of them under way is not kept.</summary>
    private void Dropped(string folder, string? alsoFolder = null, bool wholeTree = false)
    {
        lock (_listingUpdates)
        {
            var stamp = Interlocked.Increment(ref _changes);
            _recent.Dropped(stamp, folder, wholeTree);
            if (alsoFolder is not null)
                _recent.Dropped(stamp, alsoFolder);
        }
    }

    private readonly Lock _listingUpdates = new();

    /// <summary>
    /// Remembers the metadata this mount just wrote on the marker of folder <paramref name="path"/>,
    /// so the next change of its mode, owner or times (tar sets all three, one call each) can
    /// rewrite it without first asking the store what it holds. Trusted for the TTL, as attributes are.
    /// </summary>
    public void SetMarkerMetadata(string path, IReadOnlyDictionary<string, string> metadata) =>
        Set(MarkerKey(path), new CachedMarker(metadata, _clock.GetUtcNow()), 1, _ttl);

    /// <summary>The metadata last written here on the marker of <paramref name="path"/>, while fresh.</summary>
    public bool TryGetMarkerMetadata(string path, out IReadOnlyDictionary<string, string> metadata)
    {
        if (_cache.TryGetValue(MarkerKey(path), out CachedMarker? cached) && cached is not null && IsFresh(cached.WrittenAt, _ttl))
        {
            metadata = cached.Metadata;
            return true;
        }
        metadata = null!;
        return false;
    }

    private sealed record CachedMarker(IReadOnlyDictionary<string, string> Metadata, DateTimeOffset WrittenAt);

    /// <summary>Forgets the attributes and listing of <paramref name="path"/> alone.</summary>
    public void Forget(string path)
    {
        Dropped(path); // before: a listing kept after this point is removed below
        _cache.Remove(AttributesKey(path));
        _cache.Remove(ListingKey(path));
        _cache.Remove(MarkerKey(path));
    }

    /// <summary>Forgets everything known at or below <paramref name="path"/> (a renamed or removed directory).</summary>
    public void InvalidateTree(string path)
    {
        Dropped(path, wholeTree: true);
        foreach (var key in _cache.Keys.OfType<string>().ToList())
        {
            var cachedPath = key[2..];
            if (cachedPath == path || cachedPath.StartsWith(path + "/", StringComparison.Ordinal))
                _cache.Remove(key);
        }
    }

    /// <summary>Forgets what is known about <paramref name="path"/> and about the listing of its parent.</summary>
    public void Invalidate(string path, string parent)
    {
        Dropped(path, parent);
        _cache.Remove(AttributesKey(path));
        _cache.Remove(ListingKey(path));
        _cache.Remove(MarkerKey(path));
        _cache.Remove(ListingKey(parent));
    }

    private void Set(string key, object value, long size, TimeSpan ttl)
    {
        if (size > MaxEntries)
            return;
        // The MemoryCache's own expiry only reclaims memory; freshness is decided by our clock.
        _cache.Set(key, value, new MemoryCacheEntryOptions { Size = size, AbsoluteExpirationRelativeToNow = ttl + ttl + TimeSpan.FromMinutes(1) });
    }

    private bool IsFresh(DateTimeOffset fetchedAt, TimeSpan ttl) => _clock.GetUtcNow() - fetchedAt < ttl;

    private static string AttributesKey(string path) => "a/" + path;

    private static string ListingKey(string path) => "l/" + path;

    private static string MarkerKey(string path) => "m/" + path;

    /// <inheritdoc />
    public void Dispose() => _cache.Dispose();

    private sealed record CachedAttributes(NodeAttributes? Value, DateTimeOffset FetchedAt);
}
