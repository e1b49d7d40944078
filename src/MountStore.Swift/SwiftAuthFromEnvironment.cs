using MountStore.Swift.Auth;

namespace MountStore.Swift;

/// <summary>
/// Picks the way to log in from the environment, in the order python-swiftclient uses:
/// a ready token (OS_STORAGE_URL + OS_AUTH_TOKEN), Keystone v3 (OS_AUTH_URL with an application
/// credential or a password), then v1 (ST_AUTH, ST_USER, ST_KEY).
/// </summary>
public static class SwiftAuthFromEnvironment
{
    /// <summary>The authenticator the variables describe; a clear error when none is complete.</summary>
    public static ISwiftAuthenticator Create(IReadOnlyDictionary<string, string?> env, TimeProvider? time = null)
    {
        string? Get(string name) => env.TryGetValue(name, out var v) && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;

        if (Get("OS_STORAGE_URL") is { } storageUrl && Get("OS_AUTH_TOKEN") is { } token)
            return new PreAuthenticatedToken(new Uri(storageUrl.TrimEnd('/')), token, time);

        var authType = Get("OS_AUTH_TYPE")?.ToLowerInvariant();
        if (Get("OS_AUTH_URL") is { } authUrl && (authType is "v3applicationcredential" || Get("OS_APPLICATION_CREDENTIAL_ID") is not null
            || Get("OS_USERNAME") is not null || Get("OS_USER_ID") is not null))
        {
            if (authUrl.Contains("/v2.0", StringComparison.Ordinal))
                throw new ArgumentException($"OS_AUTH_URL {authUrl} is a Keystone v2.0 URL; MountStore speaks Keystone v3 (use .../v3)");
            return new KeystoneV3Authenticator(new KeystoneCredentials
            {
                AuthUrl = new Uri(authUrl),
                UserName = Get("OS_USERNAME"),
                UserId = Get("OS_USER_ID"),
                Password = Get("OS_PASSWORD"),
                UserDomainName = Get("OS_USER_DOMAIN_NAME"),
                UserDomainId = Get("OS_USER_DOMAIN_ID"),
                ProjectName = Get("OS_PROJECT_NAME") ?? Get("OS_TENANT_NAME"),
                ProjectId = Get("OS_PROJECT_ID") ?? Get("OS_TENANT_ID"),
                ProjectDomainName = Get("OS_PROJECT_DOMAIN_NAME"),
                ProjectDomainId = Get("OS_PROJECT_DOMAIN_ID"),
                ApplicationCredentialId = Get("OS_APPLICATION_CREDENTIAL_ID"),
                ApplicationCredentialName = authType is "v3applicationcredential" ? Get("OS_APPLICATION_CREDENTIAL_NAME") : null,
                ApplicationCredentialSecret = Get("OS_APPLICATION_CREDENTIAL_SECRET"),
                RegionName = Get("OS_REGION_NAME"),
                Interface = Get("OS_INTERFACE") ?? Get("OS_ENDPOINT_TYPE") ?? "public",
            }, time);
        }

        if (Get("ST_AUTH") is { } v1Url && Get("ST_USER") is { } user && Get("ST_KEY") is { } key)
            return new V1Authenticator(new Uri(v1Url), user, key, time);

        throw new ArgumentException(
            "no Swift credentials in the environment: source your openrc file (OS_AUTH_URL, OS_USERNAME, OS_PASSWORD, " +
            "OS_PROJECT_NAME, ...), or set OS_AUTH_TYPE=v3applicationcredential with OS_APPLICATION_CREDENTIAL_ID/SECRET, " +
            "or OS_STORAGE_URL + OS_AUTH_TOKEN, or ST_AUTH/ST_USER/ST_KEY for v1 auth");
    }

    /// <summary>The process environment as the dictionary <see cref="Create"/> takes.</summary>
    public static IReadOnlyDictionary<string, string?> ProcessEnvironment() =>
        Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value);
}
