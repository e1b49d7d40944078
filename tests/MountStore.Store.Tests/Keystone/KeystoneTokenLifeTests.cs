using MountStore.Core.Storage;
using MountStore.Swift;
using MountStore.Testing;

namespace MountStore.Store.Tests.Keystone;

/// <summary>
/// Work that outlives a Keystone token (the local Keystone issues 20-second tokens). Each test is
/// its own class so they wait side by side instead of one after the other.
/// </summary>
public static class TokenLife
{
    /// <summary>The life of the tokens this Keystone issues, read from a fresh token.</summary>
    public static async Task<TimeSpan> OfAsync(SwiftObjectStore store)
    {
        var token = await store.Session.GetTokenAsync(CancellationToken.None);
        var life = token.ExpiresAt!.Value - token.IssuedAt;
        Assert.True(life <= TimeSpan.FromSeconds(60),
            $"these tests wait for a token to expire: start Keystone with a short [token] expiration (servers/keystone/start.sh uses 20 s; this one gives {life})");
        return life;
    }
}

/// <summary>Slows chosen requests down and counts the 401s the server answers, and the distinct tokens it refused.</summary>
public sealed class SlowRequestsHandler(Func<HttpRequestMessage, TimeSpan> delayFor) : DelegatingHandler(new SocketsHttpHandler())
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _refusedTokens = new();
    private int _unauthorized;

    public int UnauthorizedCount => Volatile.Read(ref _unauthorized);

    /// <summary>Tokens answered 401, or 400 for a manifest whose segments were refused (Swift's SLO answer to an expired token).</summary>
    public int RefusedTokenCount => _refusedTokens.Count;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var delay = delayFor(request);
        if (delay > TimeSpan.Zero) await Task.Delay(delay, cancellationToken);
        var response = await base.SendAsync(request, cancellationToken);
        var refused = (int)response.StatusCode == 401;
        if (refused) Interlocked.Increment(ref _unauthorized);
        if ((int)response.StatusCode == 400 && request.RequestUri!.Query.Contains("multipart-manifest=put", StringComparison.Ordinal))
        {
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            refused = (await response.Content.ReadAsStringAsync(cancellationToken)).Contains("401 Unauthorized", StringComparison.Ordinal);
        }
        if (refused && request.Headers.TryGetValues("X-Auth-Token", out var token)) _refusedTokens.TryAdd(token.First(), true);
        return response;
    }
}

public sealed class KeystoneLongListingTests
{
    private const string Container = "mountstore-keystone-listing";
    private const int Objects = 20_000, PageSize = 1_000;

    private static string KeyOf(int n) => $"obj-{n:D6}";

    /// <summary>
    /// The 20,000 objects, created once and kept between runs like the contract's paging set,
    /// in the same account but not through Keystone (see <see cref="LocalKeystone.BulkSwiftStoreAsync"/>).
    /// </summary>
    private static async Task EnsureObjectsAsync(LocalKeystone keystone)
    {
        using var store = await keystone.BulkSwiftStoreAsync(Container);
        await KeptObjectSet.EnsureAsync(store, "obj-", Enumerable.Range(0, Objects).Select(KeyOf), _ => [1]);
    }

    [Fact]
    public async Task A_listing_of_20000_objects_that_outlives_its_token_renews_it_in_time_and_sees_every_object_once()
    {
        var keystone = await LocalKeystone.EnsureRunningAsync();
        await EnsureObjectsAsync(keystone);
        var delay = TimeSpan.Zero;
        using var handler = new SlowRequestsHandler(r => r.Method == HttpMethod.Get && r.RequestUri!.Query.Contains("marker", StringComparison.Ordinal) ? delay : TimeSpan.Zero);
        using var store = await keystone.SwiftStoreAsync(Container, handler: handler);
        var life = await TokenLife.OfAsync(store);
        // spread the pages over one and a half token lives
        delay = life * 1.5 / (Objects / PageSize);

        var keys = new List<string>();
        string? next = null;
        do
        {
            var page = await store.ListAsync(new ListRequest("obj-", null, next, PageSize), CancellationToken.None);
            keys.AddRange(page.Objects.Select(o => o.Key));
            next = page.ContinuationToken;
        }
        while (next is not null);

        Assert.Equal(Enumerable.Range(0, Objects).Select(KeyOf), keys);
        Assert.True(store.Session.LoginCount >= 2, $"the listing outlived its token but logged in {store.Session.LoginCount} time(s)");
        Assert.Equal(0, handler.UnauthorizedCount); // renewed before expires_at, never refused
    }
}

