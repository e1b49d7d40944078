using MountStore.Core.Storage;

namespace MountStore.Core.Activity;

/// <summary>
/// A store that counts what passes through it into <see cref="StoreRequestCounts"/>, for
/// `mountstore status`. An absent object is an answer, not an error, and a cancelled request is
/// neither.
/// </summary>
public sealed class CountingObjectStore(IObjectStore inner, StoreRequestCounts counts) : IObjectStore, IDisposable
{
    /// <inheritdoc />
    public string Description => inner.Description;

    /// <inheritdoc />
    public StoreLimits Limits => inner.Limits;

    /// <inheritdoc />
    public Task VerifyAccessAsync(CancellationToken cancellationToken) => Count("verify", () => inner.VerifyAccessAsync(cancellationToken));

    /// <inheritdoc />
    public Task<ListingPage> ListAsync(ListRequest request, CancellationToken cancellationToken) => Count("list", () => inner.ListAsync(request, cancellationToken));

    /// <inheritdoc />
    public Task<ObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken) => Count("head", () => inner.HeadAsync(key, cancellationToken));

    /// <inheritdoc />
    public Task<ObjectContent> GetAsync(string key, ByteRange? range, CancellationToken cancellationToken) => GetAsync(key, range, null, cancellationToken);

    /// <inheritdoc />
    public Task<ObjectContent> GetAsync(string key, ByteRange? range, string? ifMatch, CancellationToken cancellationToken) =>
        Count("get", () => inner.GetAsync(key, range, ifMatch, cancellationToken));

    /// <inheritdoc />
    public Task<ObjectInfo> PutAsync(string key, Stream content, ObjectWriteOptions options, CancellationToken cancellationToken) =>
        Count("put", () => inner.PutAsync(key, content, options, cancellationToken));

    /// <inheritdoc />
    public Task<ObjectInfo> CopyAsync(string sourceKey, string destinationKey, IReadOnlyDictionary<string, string>? replaceMetadata, CancellationToken cancellationToken) =>
        Count("copy", () => inner.CopyAsync(sourceKey, destinationKey, replaceMetadata, cancellationToken));

    /// <inheritdoc />
    public Task<ObjectInfo> RenameAsync(string sourceKey, string destinationKey, CancellationToken cancellationToken) =>
        RenameAsync(sourceKey, destinationKey, null, cancellationToken);

    /// <inheritdoc />
    public Task<ObjectInfo> RenameAsync(string sourceKey, string destinationKey, IReadOnlyCollection<string>? destinationVersions, CancellationToken cancellationToken) =>
        Count("rename", () => inner.RenameAsync(sourceKey, destinationKey, destinationVersions, cancellationToken));

    /// <inheritdoc />
    public Task DeleteAsync(string key, CancellationToken cancellationToken) => DeleteAsync(key, null, cancellationToken);

    /// <inheritdoc />
    public Task DeleteAsync(string key, IReadOnlyCollection<string>? versions, CancellationToken cancellationToken) =>
        Count("delete", () => inner.DeleteAsync(key, versions, cancellationToken));

    /// <inheritdoc />
    public bool InspectsBeforeDelete => inner.InspectsBeforeDelete;

    /// <inheritdoc />
    public Task DeleteAsync(string key, IReadOnlyCollection<string>? versions, ObjectInfo inspected, CancellationToken cancellationToken) =>
        Count("delete", () => inner.DeleteAsync(key, versions, inspected, cancellationToken));

    /// <inheritdoc />
    public async Task<ISegmentedUpload> BeginSegmentedUploadAsync(string key, ObjectWriteOptions options, CancellationToken cancellationToken) =>
        new CountingUpload(await Count("begin-upload", () => inner.BeginSegmentedUploadAsync(key, options, cancellationToken)).ConfigureAwait(false), this);

    /// <inheritdoc />
    public void Dispose() => (inner as IDisposable)?.Dispose();

    private async Task Count(string operation, Func<Task> call) =>
        await Count(operation, async () =>
        {
            await call().ConfigureAwait(false);
            return true;
        }).ConfigureAwait(false);

    private async Task<T> Count<T>(string operation, Func<Task<T>> call)
    {
        try
        {
            var result = await call().ConfigureAwait(false);
            counts.Succeeded(operation);
            return result;
        }
        catch (ObjectNotFoundException)
        {
            counts.Succeeded(operation);
            throw;
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch
        {
            counts.Failed(operation);
            throw;
        }
    }

    private sealed class CountingUpload(ISegmentedUpload inner, CountingObjectStore store) : ISegmentedUpload
    {
        public string Key => inner.Key;

        public Task<UploadedPart> UploadPartAsync(int partNumber, ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
            store.Count("upload-part", () => inner.UploadPartAsync(partNumber, data, cancellationToken));

        public Task<ObjectInfo> CompleteAsync(IReadOnlyList<UploadedPart> parts, CancellationToken cancellationToken) =>
            store.Count("complete-upload", () => inner.CompleteAsync(parts, cancellationToken));

        public bool CanCompleteUnderAnotherKey => inner.CanCompleteUnderAnotherKey;

        public Task<ObjectInfo> CompleteUnderAsync(string key, IReadOnlyList<UploadedPart> parts, CancellationToken cancellationToken) =>
            store.Count("complete-upload", () => inner.CompleteUnderAsync(key, parts, cancellationToken));

        public Task AbortAsync(CancellationToken cancellationToken) => store.Count("abort-upload", () => inner.AbortAsync(cancellationToken));
    }
}
