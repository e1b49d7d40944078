namespace MountStore.Core.Storage;

/// <summary>
/// What to list: keys under <see cref="Prefix"/>, rolled up at <see cref="Delimiter"/> when set.
/// <see cref="StartAfter"/> and <see cref="EndBefore"/> narrow it to the keys strictly between
/// the two (Swift's <c>marker</c> and <c>end_marker</c>; S3's <c>start-after</c>, and an end the
/// S3 store applies itself), so one flat listing of a large tree can be split into ranges
/// fetched side by side. The continuation token, when given, takes the place of StartAfter.
/// </summary>
public sealed record ListRequest(string Prefix, string? Delimiter = "/", string? ContinuationToken = null, int MaxKeys = 1000,
    string? StartAfter = null, string? EndBefore = null);

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
    public static IAsyncEnumerable<ListingPage> ListAllAsync(this IObjectStore store, string prefix, string? delimiter, CancellationToken cancellationToken = default) =>
        store.ListAllAsync(new ListRequest(prefix, delimiter), cancellationToken);

    /// <summary>All pages of <paramref name="request"/>, fetched one after another as the caller consumes them.</summary>
    public static async IAsyncEnumerable<ListingPage> ListAllAsync(
        this IObjectStore store, ListRequest request,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? token = null;
        do
        {
            var page = await store.ListAsync(request with { ContinuationToken = token }, cancellationToken).ConfigureAwait(false);
            yield return page;
            token = page.ContinuationToken;
        }
        while (token is not null);
    }
}
