using MountStore.Core.Storage;

namespace MountStore.Core.WriteBack;

/// <summary>
/// The store as the mount sees it with write-back: each request made outside the background
/// uploads is counted in <see cref="ForegroundRequests"/> while it is in flight (a GET until its
/// answer begins, not while its body streams). Segmented uploads pass through uncounted: a large
/// file written in the foreground is long work of its own, not a request to make way for.
/// </summary>
public sealed class ForegroundCountingStore(IObjectStore inner, ForegroundRequests requests) : IObjectStore
{
    /// <inheritdoc />
    public string Description => inner.Description;

    /// <inheritdoc />
    public StoreLimits Limits => inner.Limits;

    /// <inheritdoc />
    public async Task VerifyAccessAsync(CancellationToken cancellationToken)
    {
        using var _ = requests.Enter();
        await inner.VerifyAccessAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<ListingPage> ListAsync(ListRequest request, CancellationToken cancellationToken)
    {
        using var _ = requests.Enter();
        return await inner.ListAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<ObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken)
    {
        using var _ = requests.Enter();
        return await inner.HeadAsync(key, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<ObjectContent> GetAsync(string key, ByteRange? range, CancellationToken cancellationToken) => GetAsync(key, range, null, cancellationToken);

    /// <inheritdoc />
    public async Task<ObjectContent> GetAsync(string key, ByteRange? range, string? ifMatch, CancellationToken cancellationToken)
    {
        using var _ = requests.Enter();
        return await inner.GetAsync(key, range, ifMatch, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<ObjectInfo> PutAsync(string key, Stream content, ObjectWriteOptions options, CancellationToken cancellationToken)
    {
        using var _ = requests.Enter();
        return await inner.PutAsync(key, content, options, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<ObjectInfo> CopyAsync(string sourceKey, string destinationKey, IReadOnlyDictionary<string, string>? replaceMetadata, CancellationToken cancellationToken)
    {
        using var _ = requests.Enter();
        return await inner.CopyAsync(sourceKey, destinationKey, replaceMetadata, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<ObjectInfo> RenameAsync(string sourceKey, string destinationKey, CancellationToken cancellationToken) =>
        RenameAsync(sourceKey, destinationKey, null, cancellationToken);

    /// <inheritdoc />
    public async Task<ObjectInfo> RenameAsync(string sourceKey, string destinationKey, IReadOnlyCollection<string>? destinationVersions, CancellationToken cancellationToken)
    {
        using var _ = requests.Enter();
        return await inner.RenameAsync(sourceKey, destinationKey, destinationVersions, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task DeleteAsync(string key, CancellationToken cancellationToken) => DeleteAsync(key, null, cancellationToken);

    /// <inheritdoc />
    public async Task DeleteAsync(string key, IReadOnlyCollection<string>? versions, CancellationToken cancellationToken)
    {
        using var _ = requests.Enter();
        await inner.DeleteAsync(key, versions, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public bool InspectsBeforeDelete => inner.InspectsBeforeDelete;

    /// <inheritdoc />
    public async Task DeleteAsync(string key, IReadOnlyCollection<string>? versions, ObjectInfo inspected, CancellationToken cancellationToken)
    {
        using var _ = requests.Enter();
        await inner.DeleteAsync(key, versions, inspected, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<ISegmentedUpload> BeginSegmentedUploadAsync(string key, ObjectWriteOptions options, CancellationToken cancellationToken) =>
        inner.BeginSegmentedUploadAsync(key, options, cancellationToken);
}
