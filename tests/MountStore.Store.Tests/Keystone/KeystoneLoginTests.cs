using System.Text;
using MountStore.Core.Storage;
using MountStore.Swift;
using MountStore.Testing;

namespace MountStore.Store.Tests.Keystone;

/// <summary>
/// Logging in to the real local Keystone v3 the ways OpenStack users do, and the one-line errors
/// they get when something is wrong. Each store talks to the Keystone-facing Swift proxy.
/// </summary>
public sealed class KeystoneLoginTests : IAsyncLifetime
{
    private const string Container = "mountstore-keystone";
    private LocalKeystone _keystone = null!;

    public async Task InitializeAsync() => _keystone = await LocalKeystone.EnsureRunningAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task RoundTripAsync(IReadOnlyDictionary<string, string?> env, string name)
    {
        using var store = await _keystone.SwiftStoreAsync(Container, SwiftAuthFromEnvironment.Create(env));
        await store.VerifyAccessAsync(CancellationToken.None);
        var key = $"login/{name}-{Guid.NewGuid():N}";
        using (var body = new MemoryStream(Encoding.UTF8.GetBytes(name))) await store.PutAsync(key, body, ObjectWriteOptions.Default, CancellationToken.None);
        Assert.Equal(name, await store.ReadTextAsync(key));
        var page = await store.ListAsync(new ListRequest("login/", null, null, 1000), CancellationToken.None);
        Assert.Contains(page.Objects, o => o.Key == key);
        await store.DeleteAsync(key, CancellationToken.None);

        var token = await store.Session.GetTokenAsync(CancellationToken.None);
        Assert.Equal(_keystone.DemoStorageUrl, token.StorageUrl);
        Assert.NotNull(token.ExpiresAt);
    }

    [Fact]
    public Task Password_login_from_openrc_variables_reads_and_writes_the_project_account() =>
        RoundTripAsync(_keystone.PasswordEnvironment(), "password");

    [Fact]
    public Task Application_credential_login_reads_and_writes_the_same_account() =>
        RoundTripAsync(_keystone.ApplicationCredentialEnvironment(), "appcred");

    [Fact]
    public async Task The_endpoint_comes_from_the_catalog_by_region_and_interface()
    {
        async Task<Uri> StorageUrlAsync(string? region, string @interface)
        {
            var env = _keystone.PasswordEnvironment();
            env["OS_REGION_NAME"] = region;
            env["OS_INTERFACE"] = @interface;
            using var http = new HttpClient();
            var token = await SwiftAuthFromEnvironment.Create(env).AuthenticateAsync(http, CancellationToken.None);
            return token.StorageUrl;
        }

        var project = _keystone["DEMO_PROJECT_ID"];
        Assert.Equal(new Uri($"http://127.0.0.1:8090/v1/AUTH_{project}"), await StorageUrlAsync("RegionOne", "public"));
        Assert.Equal(new Uri($"http://localhost:8090/v1/AUTH_{project}"), await StorageUrlAsync("RegionOne", "internal"));
        Assert.Equal(new Uri($"http://127.0.0.2:8090/v1/AUTH_{project}"), await StorageUrlAsync("RegionTwo", "publicURL"));

        var none = await Assert.ThrowsAsync<AuthenticationFailedException>(() => StorageUrlAsync("RegionNine", "public"));
        Assert.Contains("no object-store endpoint for region 'RegionNine' and interface 'public'", none.Message);
        Assert.Contains("RegionOne/public", none.Message); // what the catalog does offer
        var ambiguous = await Assert.ThrowsAsync<AuthenticationFailedException>(() => StorageUrlAsync(null, "public"));
        Assert.Contains("several regions (RegionOne, RegionTwo); set OS_REGION_NAME", ambiguous.Message);
    }

    private static void AssertOneLine(Exception e) => Assert.DoesNotContain('\n', e.Message);

    [Fact]
    public async Task A_wrong_password_is_one_line_naming_the_user_and_the_cause_without_the_password()
    {
        using var store = await _keystone.SwiftStoreAsync(Container, SwiftAuthFromEnvironment.Create(_keystone.PasswordEnvironment(password: "not-the-password")));

        var e = await Assert.ThrowsAsync<AuthenticationFailedException>(() => store.VerifyAccessAsync(CancellationToken.None));

        Assert.Contains("user demo in project demo", e.Message);
        Assert.Contains("user name or password refused", e.Message);
        Assert.DoesNotContain("not-the-password", e.Message);
        AssertOneLine(e);
    }

    [Fact]
    public async Task A_deleted_application_credential_is_one_line_naming_the_credential()
    {
        var (id, secret) = await _keystone.CreateApplicationCredentialAsync($"deleted-{Guid.NewGuid():N}");
        using (var before = await _keystone.SwiftStoreAsync(Container, SwiftAuthFromEnvironment.Create(_keystone.ApplicationCredentialEnvironment(id, secret))))
        {
            await before.VerifyAccessAsync(CancellationToken.None); // it worked while it existed
        }
        await _keystone.DeleteApplicationCredentialAsync(id);
        using var store = await _keystone.SwiftStoreAsync(Container, SwiftAuthFromEnvironment.Create(_keystone.ApplicationCredentialEnvironment(id, secret)));

        var e = await Assert.ThrowsAsync<AuthenticationFailedException>(() => store.VerifyAccessAsync(CancellationToken.None));

        Assert.Contains($"application credential {id}", e.Message);
        Assert.Contains("does not exist (deleted, or a wrong OS_APPLICATION_CREDENTIAL_ID)", e.Message);
        Assert.DoesNotContain(secret, e.Message);
        AssertOneLine(e);
    }

    [Fact]
    public async Task A_project_without_the_operator_role_is_one_line_saying_which_role_is_missing()
    {
        var env = _keystone.PasswordEnvironment(project: _keystone["NOOP_PROJECT"]);
        using var store = new SwiftObjectStore(new SwiftStoreOptions { Container = Container, Authenticator = SwiftAuthFromEnvironment.Create(env) });

        var e = await Assert.ThrowsAsync<AccessDeniedException>(() => store.VerifyAccessAsync(CancellationToken.None));

        Assert.Contains("operator role (e.g. swiftoperator)", e.Message);
        AssertOneLine(e);
    }
}
