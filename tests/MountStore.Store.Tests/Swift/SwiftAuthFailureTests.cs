using System.Net;
using MountStore.Core.Storage;
using MountStore.Swift;
using MountStore.Swift.Auth;
using MountStore.Testing;

namespace MountStore.Store.Tests.Swift;

/// <summary>Bad credentials, missing containers and refused tokens against the real server: each a typed, readable error.</summary>
public sealed class SwiftAuthFailureTests() : ContainerTestBase("mountstore-auth"), IAsyncLifetime
{


    [Fact]
    public async Task A_wrong_key_is_an_authentication_error_that_names_the_user_and_not_the_key()
    {
        using var store = LocalSwiftServer.SwiftStore(Container, key: "not-the-key");

        var e = await Assert.ThrowsAsync<AuthenticationFailedException>(() => store.VerifyAccessAsync(CancellationToken.None));

        Assert.Contains("test:tester", e.Message);
        Assert.Contains("ST_KEY", e.Message);
        Assert.DoesNotContain("not-the-key", e.Message);
    }

    [Fact]
    public async Task An_unknown_container_is_a_container_not_found_error()
    {
        using var store = LocalSwiftServer.SwiftStore("no-such-container-" + Guid.NewGuid().ToString("N")[..6]);

        var e = await Assert.ThrowsAsync<ContainerNotFoundException>(() => store.VerifyAccessAsync(CancellationToken.None));
        Assert.Contains("no such container", e.Message);
        await Assert.ThrowsAsync<ContainerNotFoundException>(() => store.ListAsync(new ListRequest(""), CancellationToken.None));
        await Assert.ThrowsAsync<ContainerNotFoundException>(() => store.PutAsync("x", new MemoryStream([1]), ObjectWriteOptions.Default, CancellationToken.None));
    }

    [Fact]
    public async Task An_expired_preauthenticated_token_is_an_error_that_says_how_to_get_a_new_one()
    {
        using var http = new HttpClient();
        var (storageUrl, _) = await LocalSwiftServer.LoginAsync(http);
        using var store = new SwiftObjectStore(new SwiftStoreOptions
        {
            Container = Container,
            Authenticator = new PreAuthenticatedToken(new Uri(storageUrl), "AUTH_tk00000000000000000000000000000000"),
            Retry = LocalSwiftServer.TestRetry,
        });

        var e = await Assert.ThrowsAsync<AuthenticationFailedException>(() => store.VerifyAccessAsync(CancellationToken.None));

        Assert.Equal(401, e.StatusCode);
        Assert.Contains("swift auth", e.Message);
    }

    [Fact]
    public async Task A_401_logs_in_again_once_and_the_request_succeeds()
    {
        using var faults = new FaultInjectingHandler();
        using var store = LocalSwiftServer.SwiftStore(Container, faults);
        await store.VerifyAccessAsync(CancellationToken.None);
        Assert.Equal(1, store.Session.LoginCount);

        faults.FailNext(r => r.Method == HttpMethod.Head && r.RequestUri!.AbsolutePath.EndsWith("/probe"), 1, HttpStatusCode.Unauthorized);
        Assert.Null(await store.HeadAsync("probe", CancellationToken.None));

        Assert.Equal(2, store.Session.LoginCount);
    }

    [Fact]
    public async Task Fresh_tokens_refused_again_and_again_end_in_an_authentication_error_after_the_retries()
    {
        using var faults = new FaultInjectingHandler();
        using var store = LocalSwiftServer.SwiftStore(Container, faults);
        await store.VerifyAccessAsync(CancellationToken.None);

        // Every attempt (TestRetry: 5) sends the request, is refused, logs in, is refused again.
        faults.FailNext(r => r.RequestUri!.AbsolutePath.EndsWith("/probe"), 100, HttpStatusCode.Unauthorized);
        var e = await Assert.ThrowsAsync<AuthenticationFailedException>(() => store.HeadAsync("probe", CancellationToken.None));

        Assert.Equal(1 + 5, store.Session.LoginCount);
        Assert.Equal(2 * 5, faults.InjectedCount);
        Assert.Equal(401, e.StatusCode);
        Assert.Contains("refused even with a fresh token", e.Message);
        Assert.Contains("5 times over 5 attempts", e.Message);
    }

    [Fact]
    public async Task A_server_that_refuses_fresh_tokens_for_a_while_is_waited_out()
    {
        // Swift refuses every token while its memcached is error-limited (up to a minute), and
        // Keystone-backed proxies while Keystone cannot answer: the request waits it out.
        using var faults = new FaultInjectingHandler();
        using var store = LocalSwiftServer.SwiftStore(Container, faults);
        await store.VerifyAccessAsync(CancellationToken.None);

        faults.FailNext(r => r.RequestUri!.AbsolutePath.EndsWith("/probe"), 5, HttpStatusCode.Unauthorized);
        Assert.Null(await store.HeadAsync("probe", CancellationToken.None));

        Assert.Equal(5, faults.InjectedCount);
        Assert.Equal(1 + 3, store.Session.LoginCount); // a login after the 1st, 3rd and 5th refusal
    }

    [Fact]
    public async Task Concurrent_401s_share_one_new_login()
    {
        using var faults = new FaultInjectingHandler();
        using var store = LocalSwiftServer.SwiftStore(Container, faults);
        await store.VerifyAccessAsync(CancellationToken.None);

        // The server refuses the token of the first login, as it would once that token expired:
        // requests sent before the second login are refused, later ones are not. (Counting the
        // first 8 matches was racy: a fast retry could overtake a slow first attempt and be refused
        // in its place. Tempauth hands out the same token string again, so the header cannot tell
        // the two logins apart; the login count can.)
        faults.FailNext(r => r.RequestUri!.AbsolutePath.Contains("/concurrent-") && store.Session.LoginCount == 1, 8, HttpStatusCode.Unauthorized);
        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => store.HeadAsync($"concurrent-{i}", CancellationToken.None)));

        Assert.Equal(2, store.Session.LoginCount);
    }
}
