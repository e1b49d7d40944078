using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MountStore.Resilience;
using MountStore.S3;
using MountStore.Swift;
using MountStore.Swift.Auth;

namespace MountStore.Testing;

/// <summary>
/// The local Keystone v3 of servers/keystone/start.sh and the Swift proxy on :8090 that trusts it
/// (same store as the tempauth proxy on :8080). The identities it made are read from
/// keystone.env, as a user would read them from their openrc file.
/// </summary>
public sealed class LocalKeystone
{
    /// <summary>Where the start script writes keystone.env and the openrc files.</summary>
    public static readonly string Base = Environment.GetEnvironmentVariable("KEYSTONE_BASE") ?? "/tmp/mountstore-keystone";

    /// <summary>The token life the script configures (TOKEN_EXPIRATION): short, so tests see expiry.</summary>
    public static readonly TimeSpan TokenLife = TimeSpan.FromSeconds(20);

    private static readonly ScriptedServer Server = new("Keystone and its Swift proxy", "servers/keystone/start.sh",
        new Uri("http://127.0.0.1:5000/v3"), new Uri("http://127.0.0.1:8090/healthcheck"));

    private readonly IReadOnlyDictionary<string, string> _values;

    private LocalKeystone(IReadOnlyDictionary<string, string> values) => _values = values;

    /// <summary>Starts Keystone and its proxy unless they answer, then reads what the script created.</summary>
    public static async Task<LocalKeystone> EnsureRunningAsync()
    {
        await LocalSwiftServer.EnsureRunningAsync().ConfigureAwait(false);
        await Server.EnsureRunningAsync().ConfigureAwait(false);
        var values = (await File.ReadAllLinesAsync(Path.Combine(Base, "keystone.env")).ConfigureAwait(false))
            .Select(line => line.Split('=', 2))
            .Where(parts => parts.Length == 2)
            .ToDictionary(parts => parts[0], parts => parts[1]);
        return new LocalKeystone(values);
    }

    /// <summary>A value from keystone.env (DEMO_PROJECT_ID, APPCRED_ID, EC2_ACCESS, ...).</summary>
    public string this[string name] => _values[name];

    /// <summary>OS_AUTH_URL.</summary>
    public Uri AuthUrl => new(this["KEYSTONE_AUTH_URL"]);

    /// <summary>The demo project's storage URL on the Keystone proxy.</summary>
    public Uri DemoStorageUrl => new(this["DEMO_STORAGE_URL"]);

    /// <summary>What sourcing demo-openrc.sh exports: password auth, project by name.</summary>
    public Dictionary<string, string?> PasswordEnvironment(string? password = null, string? project = null) => new()
    {
        ["OS_AUTH_URL"] = this["KEYSTONE_AUTH_URL"],
        ["OS_IDENTITY_API_VERSION"] = "3",
        ["OS_REGION_NAME"] = "RegionOne",
        ["OS_INTERFACE"] = "public",
        ["OS_USERNAME"] = this["DEMO_USER"],
        ["OS_PASSWORD"] = password ?? this["DEMO_PASSWORD"],
        ["OS_PROJECT_NAME"] = project ?? this["DEMO_PROJECT"],
        ["OS_USER_DOMAIN_NAME"] = "Default",
        ["OS_PROJECT_DOMAIN_NAME"] = "Default",
    };

    /// <summary>What sourcing appcred-openrc.sh exports: an application credential.</summary>
    public Dictionary<string, string?> ApplicationCredentialEnvironment(string? id = null, string? secret = null) => new()
    {
        ["OS_AUTH_URL"] = this["KEYSTONE_AUTH_URL"],
        ["OS_IDENTITY_API_VERSION"] = "3",
        ["OS_REGION_NAME"] = "RegionOne",
        ["OS_INTERFACE"] = "public",
        ["OS_AUTH_TYPE"] = "v3applicationcredential",
        ["OS_APPLICATION_CREDENTIAL_ID"] = id ?? this["APPCRED_ID"],
        ["OS_APPLICATION_CREDENTIAL_SECRET"] = secret ?? this["APPCRED_SECRET"],
    };

    /// <summary>A Swift store reached through Keystone; creates the container first.</summary>
    public async Task<SwiftObjectStore> SwiftStoreAsync(string container, ISwiftAuthenticator? authenticator = null,
        HttpMessageHandler? handler = null, TimeProvider? time = null, RetryOptions? retry = null)
    {
        var store = new SwiftObjectStore(new SwiftStoreOptions
        {
            Container = container,
            Authenticator = authenticator ?? SwiftAuthFromEnvironment.Create(PasswordEnvironment()),
            Handler = handler,
            Time = time,
            Retry = retry ?? LocalSwiftServer.TestRetry,
        });
        await CreateContainerAsync(container).ConfigureAwait(false);
        return store;
    }

    /// <summary>
    /// The demo project's container through the tempauth proxy (same backends, same account),
    /// logged in as tempauth's reseller admin: for filling large kept sets. Thousands of parallel
    /// requests through the Keystone proxy make it validate each new token many times at once
    /// against this single-threaded Keystone, which then falls behind its own 20-second tokens.
    /// </summary>
    public async Task<SwiftObjectStore> BulkSwiftStoreAsync(string container)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, LocalSwiftServer.AuthUrl);
        request.Headers.Add("X-Auth-User", "admin:admin");
        request.Headers.Add("X-Auth-Key", "admin");
        using var response = await http.SendAsync(request).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        var token = response.Headers.GetValues("X-Auth-Token").First();
        await CreateContainerAsync(container).ConfigureAwait(false);
        return new SwiftObjectStore(new SwiftStoreOptions
        {
            Container = container,
            Authenticator = new PreAuthenticatedToken(new Uri($"{LocalSwiftServer.Endpoint}v1/AUTH_{this["DEMO_PROJECT_ID"]}"), token),
            Retry = LocalSwiftServer.TestRetry,
        });
    }

    /// <summary>An S3 store on the Keystone proxy, signed with the demo user's EC2 credential.</summary>
    public S3ObjectStore S3Store(string bucket, string? secret = null) => new(new S3StoreOptions
    {
        Bucket = bucket,
        Endpoint = new Uri(this["S3_ENDPOINT"]),
        Region = "us-east-1",
        AccessKey = this["EC2_ACCESS"],
        SecretKey = secret ?? this["EC2_SECRET"],
        Retry = LocalSwiftServer.TestRetry,
    });

    /// <summary>A project-scoped token of the demo user, for raw requests.</summary>
    public async Task<string> DemoTokenAsync(HttpClient http)
    {
        var body = KeystoneV3Authenticator.BuildRequestBody(new KeystoneCredentials
        {
            AuthUrl = AuthUrl,
            UserName = this["DEMO_USER"],
            Password = this["DEMO_PASSWORD"],
            ProjectId = this["DEMO_PROJECT_ID"],
        });
        using var response = await http.PostAsync(KeystoneV3Authenticator.TokensUrl(AuthUrl), KeystoneV3Authenticator.RequestContent(body)).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        return response.Headers.GetValues("X-Subject-Token").First();
    }

    /// <summary>
    /// Creates a container in the demo project (idempotent). On a loaded machine the proxy can
    /// refuse a token Keystone has just issued (it cannot validate it in time): asked again with a
    /// new token after a pause, as the stores themselves do, up to five times.
    /// </summary>
    public async Task CreateContainerAsync(string container)
    {
        using var http = new HttpClient();
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, $"{DemoStorageUrl}/{Uri.EscapeDataString(container)}");
            request.Headers.Add("X-Auth-Token", await DemoTokenAsync(http).ConfigureAwait(false));
            using var response = await http.SendAsync(request).ConfigureAwait(false);
            var refused = (int)response.StatusCode is 401 or >= 500;
            if (!refused || attempt == 5)
            {
                response.EnsureSuccessStatusCode();
                return;
            }
            await Task.Delay(TimeSpan.FromSeconds(attempt)).ConfigureAwait(false);
        }
    }

    /// <summary>Creates an application credential of the demo user; returns its id and secret.</summary>
    public async Task<(string Id, string Secret)> CreateApplicationCredentialAsync(string name)
    {
        using var http = new HttpClient();
        var token = await DemoTokenAsync(http).ConfigureAwait(false);
        var secret = Convert.ToHexString(Guid.NewGuid().ToByteArray());
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{AuthUrl}/users/{this["DEMO_USER_ID"]}/application_credentials")
        {
            Content = KeystoneV3Authenticator.RequestContent(new JsonObject { ["application_credential"] = new JsonObject { ["name"] = name, ["secret"] = secret } }),
        };
        request.Headers.Add("X-Auth-Token", token);
        using var response = await http.SendAsync(request).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        var json = await response.Content.ReadFromJsonAsync<JsonNode>().ConfigureAwait(false);
        return ((string)json!["application_credential"]!["id"]!, secret);
    }

    /// <summary>Deletes one of the demo user's application credentials.</summary>
    public async Task DeleteApplicationCredentialAsync(string id)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Delete, $"{AuthUrl}/users/{this["DEMO_USER_ID"]}/application_credentials/{id}");
        request.Headers.Add("X-Auth-Token", await DemoTokenAsync(http).ConfigureAwait(false));
        using var response = await http.SendAsync(request).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
    }
}
