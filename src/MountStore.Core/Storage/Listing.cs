namespace MountStore.Core.Storage;

/// <summary>What to list: keys under <see cref="Prefix"/>, rolled up at <see cref="Delimiter"/> when set.</summary>
public sealed record ListRequest(string Prefix, string? Delimiter = "/", string? ContinuationToken = null, int MaxKeys = 1000);

/// <summary>
/// One page of a listing. <see cref="ContinuationToken"/> is opaque and null on the last page;
/// <see cref="CommonPrefixes"/> end with the delimiter (<c>photos/2024/</c>).
/// </summary>
public sealed record ListingPage(
    IReadOnlyList<ObjectInfo> Objects,
    IReadOnlyList<string> CommonPrefixes,
    string? ContinuationToken);

/// <summary>Listing helpers every caller needs.</summary>
public static class ObjectStoreListing
{
    /// <summary>All pages of a listing, fetched one after another as the caller consumes them.</summary>
    public static async IAsyncEnumerable<ListingPage> ListAllAsync(
        this IObjectStore store, string prefix, string? delimiter,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? token = null;
        do
        {
            var page = await store.ListAsync(new ListRequest(prefix, delimiter, token), cancellationToken).ConfigureAwait(false);
            yield return page;
            token = page.ContinuationToken;
        }
        while (token is not null);
    }
}
