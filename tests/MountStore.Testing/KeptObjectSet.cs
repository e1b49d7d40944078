using MountStore.Core.Storage;

namespace MountStore.Testing;

/// <summary>
/// A large set of small objects that tests list but never change: created once, kept between
/// runs, and only topped up where a previous run left it incomplete.
/// </summary>
public static class KeptObjectSet
{
    /// <summary>Puts every key below <paramref name="prefix"/> that is not there yet, 32 at a time.</summary>
    public static async Task EnsureAsync(IObjectStore store, string prefix, IEnumerable<string> keys, Func<string, byte[]> contentOf)
    {
        var have = new HashSet<string>();
        await foreach (var page in store.ListAllAsync(prefix, null)) have.UnionWith(page.Objects.Select(o => o.Key));
        var missing = keys.Where(k => !have.Contains(k)).ToList();
        await Parallel.ForEachAsync(missing, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (key, ct) =>
        {
            using var body = new MemoryStream(contentOf(key));
            await store.PutAsync(key, body, ObjectWriteOptions.Default, ct);
        });
    }
}
