using MountStore.Swift;
using MountStore.Swift.Auth;

namespace MountStore.Store.Tests.Auth;

/// <summary>Which login the environment selects, in python-swiftclient's order.</summary>
public sealed class SwiftAuthFromEnvironmentTests
{
    private static ISwiftAuthenticator From(params (string, string)[] vars) =>
        SwiftAuthFromEnvironment.Create(vars.ToDictionary(v => v.Item1, v => (string?)v.Item2));

    [Fact]
    public void An_openrc_selects_keystone_password_auth()
    {
        var auth = From(("OS_AUTH_URL", "https://ks:5000/v3"), ("OS_USERNAME", "alice"), ("OS_PASSWORD", "pw"),
            ("OS_PROJECT_NAME", "p"), ("OS_USER_DOMAIN_NAME", "Default"), ("OS_PROJECT_DOMAIN_NAME", "Default"), ("OS_REGION_NAME", "RegionOne"));

        var keystone = Assert.IsType<KeystoneV3Authenticator>(auth);
        Assert.Contains("alice", keystone.Description);
        Assert.DoesNotContain("pw", keystone.Description.Replace("project", ""));
    }

    [Fact]
    public void An_application_credential_selects_keystone_application_credential_auth()
    {
        var auth = From(("OS_AUTH_TYPE", "v3applicationcredential"), ("OS_AUTH_URL", "https://ks:5000/v3"),
            ("OS_APPLICATION_CREDENTIAL_ID", "id1"), ("OS_APPLICATION_CREDENTIAL_SECRET", "sec"));

        Assert.Contains("application credential id1", Assert.IsType<KeystoneV3Authenticator>(auth).Description);
    }

    [Fact]
    public void A_storage_url_and_token_win_over_everything_else()
    {
        var auth = From(("OS_STORAGE_URL", "https://swift/v1/AUTH_x"), ("OS_AUTH_TOKEN", "tok"), ("OS_AUTH_URL", "https://ks/v3"), ("OS_USERNAME", "a"));

        Assert.False(Assert.IsType<PreAuthenticatedToken>(auth).CanRenew);
    }

    [Fact]
    public void ST_variables_select_v1_auth()
    {
        Assert.IsType<V1Authenticator>(From(("ST_AUTH", "http://127.0.0.1:8080/auth/v1.0"), ("ST_USER", "test:tester"), ("ST_KEY", "testing")));
    }

    [Fact]
    public void Nothing_usable_is_an_error_that_lists_the_ways_to_log_in()
    {
        var e = Assert.Throws<ArgumentException>(() => From(("OS_PASSWORD", "pw")));
        Assert.Contains("openrc", e.Message);
        Assert.Contains("OS_STORAGE_URL", e.Message);
        Assert.Contains("ST_AUTH", e.Message);
    }

    [Fact]
    public void A_keystone_v2_url_is_refused_with_the_reason()
    {
        var e = Assert.Throws<ArgumentException>(() => From(("OS_AUTH_URL", "https://ks:5000/v2.0"), ("OS_USERNAME", "a"), ("OS_PASSWORD", "b")));
        Assert.Contains("v2.0", e.Message);
    }
}
