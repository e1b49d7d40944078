using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using MountStore.Core.Storage;

namespace MountStore.Swift.Auth;

/// <summary>
/// Keystone v3: password or application credential, scoped to a project; the object-store
/// endpoint comes from the token's catalog, chosen by region and interface.
/// </summary>
public sealed class KeystoneV3Authenticator(KeystoneCredentials credentials, TimeProvider? time = null) : ISwiftAuthenticator
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <inheritdoc />
    public string Description => $"Keystone v3, {credentials}";

    /// <inheritdoc />
    public bool CanRenew => true;

    /// <summary><c>{OS_AUTH_URL}/v3/auth/tokens</c>, whether or not OS_AUTH_URL already ends in /v3.</summary>
    public static Uri TokensUrl(Uri authUrl)
    {
        var text = authUrl.ToString().TrimEnd('/');
        if (!text.EndsWith("/v3", StringComparison.Ordinal)) text += "/v3";
        return new Uri(text + "/auth/tokens");
    }

    /// <summary>The JSON body of POST /v3/auth/tokens for these credentials.</summary>
    public static JsonObject BuildRequestBody(KeystoneCredentials c)
    {
        JsonObject identity;
        JsonObject? scope = null;
        if (c.IsApplicationCredential)
        {
            if (c.ApplicationCredentialSecret is null)
                throw new ArgumentException("OS_APPLICATION_CREDENTIAL_SECRET is not set");
            var appCred = new JsonObject { ["secret"] = c.ApplicationCredentialSecret };
            if (c.ApplicationCredentialId is not null)
            {
                appCred["id"] = c.ApplicationCredentialId;
            }
            else
            {
                appCred["name"] = c.ApplicationCredentialName;
                appCred["user"] = User(c);
            }
            // an application credential carries its own project: a scope is not allowed
            identity = new JsonObject
            {
                ["methods"] = new JsonArray("application_credential"),
                ["application_credential"] = appCred,
            };
        }
        else
        {
            if (c.Password is null) throw new ArgumentException("OS_PASSWORD is not set");
            if (c.UserName is null && c.UserId is null) throw new ArgumentException("OS_USERNAME (or OS_USER_ID) is not set");
            var user = User(c);
            user["password"] = c.Password;
            identity = new JsonObject
            {
                ["methods"] = new JsonArray("password"),
                ["password"] = new JsonObject { ["user"] = user },
            };
            if (c.ProjectId is not null)
            {
                scope = new JsonObject { ["project"] = new JsonObject { ["id"] = c.ProjectId } };
            }
            else if (c.ProjectName is not null)
            {
                scope = new JsonObject
                {
                    ["project"] = new JsonObject
                    {
                        ["name"] = c.ProjectName,
                        ["domain"] = Domain(c.ProjectDomainName ?? c.UserDomainName, c.ProjectDomainId ?? c.UserDomainId),
                    },
                };
            }
            else
            {
                throw new ArgumentException("OS_PROJECT_NAME or OS_PROJECT_ID is not set: Swift needs a project-scoped token");
            }
        }

        var auth = new JsonObject { ["identity"] = identity };
        if (scope is not null) auth["scope"] = scope;
        return new JsonObject { ["auth"] = auth };
    }

    /// <summary>
    /// The body with its length up front. JsonContent would stream it chunked, and Keystone behind
    /// uwsgi's http-socket (and some mod_wsgi set-ups) then reads an empty body: "Expecting to find
    /// auth in request body".
    /// </summary>
    public static HttpContent RequestContent(JsonObject body) =>
        new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json");

    private static JsonObject User(KeystoneCredentials c)
    {
        if (c.UserId is not null) return new JsonObject { ["id"] = c.UserId };
        return new JsonObject
        {
            ["name"] = c.UserName,
            ["domain"] = Domain(c.UserDomainName, c.UserDomainId),
        };
    }

    private static JsonObject Domain(string? name, string? id) =>
        id is not null ? new JsonObject { ["id"] = id }
        : name is not null ? new JsonObject { ["name"] = name }
        : new JsonObject { ["id"] = "default" };

    /// <summary>
    /// Picks the object-store endpoint from a token's catalog by interface and region. With no
    /// region given, a catalog that offers exactly one region is fine; several is an error that
    /// lists them, since guessing would send data to the wrong place.
    /// </summary>
    public static Uri SelectObjectStoreEndpoint(JsonNode? catalog, string? region, string @interface)
    {
        var wantInterface = NormalizeInterface(@interface);
        var candidates = new List<(string Region, string Interface, string Url)>();
        foreach (var service in catalog?.AsArray() ?? [])
        {
            if ((string?)service?["type"] != "object-store") continue;
            foreach (var endpoint in service["endpoints"]?.AsArray() ?? [])
            {
                var url = (string?)endpoint?["url"];
                if (url is null) continue;
                var r = (string?)endpoint!["region_id"] ?? (string?)endpoint["region"] ?? "";
                candidates.Add((r, (string?)endpoint["interface"] ?? "", url));
            }
        }

        if (candidates.Count == 0)
            throw new ArgumentException("the Keystone catalog has no object-store service: this cloud offers no Swift, or this project cannot see it");

        var matching = candidates
            .Where(e => e.Interface == wantInterface && (region is null || e.Region == region))
            .ToList();
        var regions = matching.Select(e => e.Region).Distinct().ToList();
        if (matching.Count == 0 || regions.Count > 1)
        {
            var offered = string.Join(", ", candidates.Select(e => $"{e.Region}/{e.Interface}").Distinct());
            var why = matching.Count == 0
                ? $"no object-store endpoint for region '{region ?? "(any)"}' and interface '{wantInterface}'"
                : $"object-store endpoints in several regions ({string.Join(", ", regions)}); set OS_REGION_NAME";
            throw new ArgumentException($"{why}; the catalog offers: {offered}");
        }
        return new Uri(matching[0].Url.TrimEnd('/'));
    }

    private static string NormalizeInterface(string value)
    {
        var v = value.Trim().ToLowerInvariant();
        return v.EndsWith("url", StringComparison.Ordinal) ? v[..^3] : v; // publicURL -> public
    }

    /// <inheritdoc />
    public async Task<SwiftToken> AuthenticateAsync(HttpClient http, CancellationToken cancellationToken)
    {
        JsonObject body;
        try
        {
            body = BuildRequestBody(credentials);
        }
        catch (ArgumentException e)
        {
            throw new AuthenticationFailedException("log in", null, null, $"{Description}: {e.Message}");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, TokensUrl(credentials.AuthUrl))
        {
            Content = RequestContent(body),
        };
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var status = (int)response.StatusCode;
        SwiftHttp.ThrowIfTransient(response);
        if (!response.IsSuccessStatusCode)
        {
            var message = await KeystoneErrorMessage(response, cancellationToken).ConfigureAwait(false);
            var hint = status switch
            {
                401 => credentials.IsApplicationCredential
                    ? "the application credential was refused (wrong secret, expired or deleted)"
                    : "user name or password refused",
                // Keystone answers 404, not 401, for an application credential id it does not know
                404 when credentials.IsApplicationCredential => "the application credential does not exist (deleted, or a wrong OS_APPLICATION_CREDENTIAL_ID)",
                404 => "not found: check OS_AUTH_URL, the project and the domain names",
                _ => "Keystone refused to issue a token",
            };
            throw new AuthenticationFailedException("log in", null, status, $"{Description}: {hint} ({message})");
        }

        var token = SwiftHttp.Header(response, "X-Subject-Token")
            ?? throw new AuthenticationFailedException("log in", null, status, $"{Description}: Keystone's answer has no X-Subject-Token");
        var json = await response.Content.ReadFromJsonAsync<JsonNode>(cancellationToken).ConfigureAwait(false);
        var tokenNode = json?["token"];
        Uri endpoint;
        try
        {
            endpoint = SelectObjectStoreEndpoint(tokenNode?["catalog"], credentials.RegionName, credentials.Interface);
        }
        catch (ArgumentException e)
        {
            throw new AuthenticationFailedException("log in", null, status, $"{Description}: {e.Message}");
        }

        DateTimeOffset? expires = DateTimeOffset.TryParse((string?)tokenNode?["expires_at"], System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal, out var at) ? at : null;
        return new SwiftToken(endpoint, token, _time.GetUtcNow(), expires);
    }

    private static async Task<string> KeystoneErrorMessage(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            var json = await response.Content.ReadFromJsonAsync<JsonNode>(ct).ConfigureAwait(false);
            return (string?)json?["error"]?["message"] ?? response.ReasonPhrase ?? "no reason given";
        }
        catch (JsonException)
        {
            return response.ReasonPhrase ?? "no reason given";
        }
    }
}
