using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using MountStore.Core.Storage;
using MountStore.Swift.Auth;
using MountStore.Testing;

namespace MountStore.Store.Tests.Auth;

/// <summary>Keystone v3 request building, catalog parsing and token life, against a scripted Keystone.</summary>
public sealed class KeystoneV3Tests
{
    private static readonly Uri AuthUrl = new("https://keystone.example:5000/v3");

    private static KeystoneCredentials Password(Action<KeystoneCredentials>? _ = null) => new()
    {
        AuthUrl = AuthUrl,
        UserName = "alice",
        Password = "s3cret",
        UserDomainName = "Default",
        ProjectName = "research",
        ProjectDomainName = "Default",
    };

    private const string Catalog = """
        [
          {"type": "identity", "endpoints": [{"interface": "public", "region_id": "RegionOne", "url": "https://keystone.example:5000"}]},
          {"type": "object-store", "name": "swift", "endpoints": [
            {"interface": "public",   "region_id": "RegionOne", "region": "RegionOne", "url": "https://swift.one/v1/AUTH_p1"},
            {"interface": "internal", "region_id": "RegionOne", "region": "RegionOne", "url": "http://10.0.0.1:8080/v1/AUTH_p1"},
            {"interface": "public",   "region_id": "RegionTwo", "region": "RegionTwo", "url": "https://swift.two/v1/AUTH_p1/"}
          ]}
        ]
        """;

    [Fact]
    public void Password_auth_scopes_to_the_project_by_name_with_domains()
    {
        var body = KeystoneV3Authenticator.BuildRequestBody(Password());

        var identity = body["auth"]!["identity"]!;
        Assert.Equal("password", (string?)identity["methods"]![0]);
        Assert.Equal("alice", (string?)identity["password"]!["user"]!["name"]);
        Assert.Equal("Default", (string?)identity["password"]!["user"]!["domain"]!["name"]);
        Assert.Equal("s3cret", (string?)identity["password"]!["user"]!["password"]);
        Assert.Equal("research", (string?)body["auth"]!["scope"]!["project"]!["name"]);
        Assert.Equal("Default", (string?)body["auth"]!["scope"]!["project"]!["domain"]!["name"]);
    }

    [Fact]
    public void A_project_id_scopes_by_id_and_missing_domains_default_to_the_default_domain()
    {
        var body = KeystoneV3Authenticator.BuildRequestBody(Password() with { ProjectName = null, ProjectId = "abc123", UserDomainName = null, ProjectDomainName = null });

        Assert.Equal("abc123", (string?)body["auth"]!["scope"]!["project"]!["id"]);
        Assert.Equal("default", (string?)body["auth"]!["identity"]!["password"]!["user"]!["domain"]!["id"]);
    }

    [Fact]
    public void Application_credentials_send_id_and_secret_and_no_scope()
    {
        var body = KeystoneV3Authenticator.BuildRequestBody(new KeystoneCredentials
        {
            AuthUrl = AuthUrl,
            ApplicationCredentialId = "ac-id",
            ApplicationCredentialSecret = "ac-secret",
        });

        var identity = body["auth"]!["identity"]!;
        Assert.Equal("application_credential", (string?)identity["methods"]![0]);
        Assert.Equal("ac-id", (string?)identity["application_credential"]!["id"]);
        Assert.Equal("ac-secret", (string?)identity["application_credential"]!["secret"]);
        Assert.Null(body["auth"]!["scope"]);
    }

    [Fact]
    public void Missing_project_is_refused_before_anything_is_sent()
    {
        var e = Assert.Throws<ArgumentException>(() => KeystoneV3Authenticator.BuildRequestBody(Password() with { ProjectName = null }));
        Assert.Contains("OS_PROJECT_NAME", e.Message);
    }

    [Theory]
    [InlineData("https://keystone.example:5000/v3", "https://keystone.example:5000/v3/auth/tokens")]
    [InlineData("https://keystone.example:5000/v3/", "https://keystone.example:5000/v3/auth/tokens")]
    [InlineData("https://keystone.example:5000", "https://keystone.example:5000/v3/auth/tokens")]
    [InlineData("https://cloud.example/identity/v3", "https://cloud.example/identity/v3/auth/tokens")]
    public void The_tokens_url_is_built_whether_or_not_the_auth_url_ends_in_v3(string authUrl, string expected) =>
        Assert.Equal(expected, KeystoneV3Authenticator.TokensUrl(new Uri(authUrl)).ToString());

    [Theory]
    [InlineData("RegionOne", "public", "https://swift.one/v1/AUTH_p1")]
    [InlineData("RegionOne", "internal", "http://10.0.0.1:8080/v1/AUTH_p1")]
    [InlineData("RegionOne", "publicURL", "https://swift.one/v1/AUTH_p1")]
    [InlineData("RegionTwo", "public", "https://swift.two/v1/AUTH_p1")]
    [InlineData(null, "internal", "http://10.0.0.1:8080/v1/AUTH_p1")]
    public void The_object_store_endpoint_is_chosen_by_region_and_interface(string? region, string @interface, string expected) =>
        Assert.Equal(expected, KeystoneV3Authenticator.SelectObjectStoreEndpoint(JsonNode.Parse(Catalog), region, @interface).ToString());

    [Fact]
    public void Several_regions_without_OS_REGION_NAME_is_an_error_listing_them()
    {
        var e = Assert.Throws<ArgumentException>(() => KeystoneV3Authenticator.SelectObjectStoreEndpoint(JsonNode.Parse(Catalog), null, "public"));
        Assert.Contains("RegionOne", e.Message);
        Assert.Contains("RegionTwo", e.Message);
        Assert.Contains("OS_REGION_NAME", e.Message);
    }

    [Fact]
    public void No_matching_endpoint_is_an_error_that_lists_what_the_catalog_offers()
    {
        var e = Assert.Throws<ArgumentException>(() => KeystoneV3Authenticator.SelectObjectStoreEndpoint(JsonNode.Parse(Catalog), "RegionThree", "public"));
        Assert.Contains("RegionThree", e.Message);
        Assert.Contains("RegionTwo/public", e.Message);
    }

    [Fact]
    public void A_catalog_without_object_store_says_so()
    {
        var e = Assert.Throws<ArgumentException>(() => KeystoneV3Authenticator.SelectObjectStoreEndpoint(JsonNode.Parse("""[{"type":"identity","endpoints":[]}]"""), null, "public"));
        Assert.Contains("no object-store", e.Message);
    }

    private static HttpResponseMessage TokenResponse(string token, DateTimeOffset expires) =>
        ScriptedHttpHandler.Json(HttpStatusCode.Created,
            $$$"""{"token": {"expires_at": "{{{expires.UtcDateTime:yyyy-MM-ddTHH:mm:ss.ffffffZ}}}", "catalog": {{{Catalog}}} }}""",
            ("X-Subject-Token", token));

    [Fact]
    public async Task A_token_is_taken_from_the_header_with_its_expiry_and_endpoint()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
        var handler = new ScriptedHttpHandler((_, _) => TokenResponse("tok-1", clock.GetUtcNow().AddHours(1)));
        var auth = new KeystoneV3Authenticator(Password() with { RegionName = "RegionOne" }, clock);

        var token = await auth.AuthenticateAsync(new HttpClient(handler), CancellationToken.None);

        Assert.Equal("tok-1", token.Token);
        Assert.Equal("https://swift.one/v1/AUTH_p1", token.StorageUrl.ToString());
        Assert.Equal(clock.GetUtcNow().AddHours(1), token.ExpiresAt);
        Assert.DoesNotContain("tok-1", token.ToString());
        var (request, body) = Assert.Single(handler.Received);
        Assert.Equal("https://keystone.example:5000/v3/auth/tokens", request.RequestUri!.ToString());
        Assert.Contains("\"research\"", body);
    }

    [Fact]
    public async Task The_session_renews_shortly_before_expiry_and_not_before()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
        var issued = 0;
        var handler = new ScriptedHttpHandler((_, _) => TokenResponse($"tok-{++issued}", clock.GetUtcNow().AddSeconds(60)));
        var http = new HttpClient(handler);
        var session = new SwiftAuthSession(new KeystoneV3Authenticator(Password() with { RegionName = "RegionOne" }, clock), http, NullLogger.Instance, clock);

        Assert.Equal("tok-1", (await session.GetTokenAsync(CancellationToken.None)).Token);
        clock.Advance(TimeSpan.FromSeconds(47)); // 60 s life: renew in the last fifth (12 s)
        Assert.Equal("tok-1", (await session.GetTokenAsync(CancellationToken.None)).Token);
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal("tok-2", (await session.GetTokenAsync(CancellationToken.None)).Token);
        Assert.Equal(2, session.LoginCount);
    }

    [Fact]
    public async Task A_rejected_token_is_replaced_once_for_all_who_saw_it()
    {
        var clock = new ManualClock(DateTimeOffset.UnixEpoch);
        var issued = 0;
        var handler = new ScriptedHttpHandler((_, _) => TokenResponse($"tok-{Interlocked.Increment(ref issued)}", clock.GetUtcNow().AddHours(1)));
        var session = new SwiftAuthSession(new KeystoneV3Authenticator(Password() with { RegionName = "RegionOne" }, clock), new HttpClient(handler), NullLogger.Instance, clock);
        var first = await session.GetTokenAsync(CancellationToken.None);

        var replaced = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => session.ReplaceRejectedAsync(first, CancellationToken.None)));

        Assert.All(replaced, t => Assert.Equal("tok-2", t.Token));
        Assert.Equal(2, session.LoginCount);
    }

    [Theory]
    [InlineData(false, "user name or password refused")]
    [InlineData(true, "application credential was refused")]
    public async Task A_401_from_keystone_is_an_authentication_error_naming_the_cause_without_the_secret(bool appCred, string expected)
    {
        var handler = new ScriptedHttpHandler((_, _) => ScriptedHttpHandler.Json(HttpStatusCode.Unauthorized,
            """{"error": {"code": 401, "title": "Unauthorized", "message": "The request you have made requires authentication."}}"""));
        var credentials = appCred
            ? new KeystoneCredentials { AuthUrl = AuthUrl, ApplicationCredentialId = "ac-id", ApplicationCredentialSecret = "ac-secret" }
            : Password();

        var e = await Assert.ThrowsAsync<AuthenticationFailedException>(() =>
            new KeystoneV3Authenticator(credentials).AuthenticateAsync(new HttpClient(handler), CancellationToken.None));

        Assert.Contains(expected, e.Message);
        Assert.Contains("requires authentication", e.Message);
        Assert.DoesNotContain("s3cret", e.Message);
        Assert.DoesNotContain("ac-secret", e.Message);
    }
}
