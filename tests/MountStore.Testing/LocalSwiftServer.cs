using MountStore.Resilience;
using MountStore.S3;
using MountStore.Swift;
using MountStore.Swift.Auth;

namespace MountStore.Testing;

/// <summary>
/// The local Swift (+ s3api) server of servers/swift/start.sh. Tests call <see cref="EnsureRunningAsync"/>,
/// which starts it (installing packages on a fresh machine) when it is not answering.
/// </summary>
public static class LocalSwiftServer
{
    /// <summary>The proxy's address.</summary>
    public static readonly Uri Endpoint = new("http://127.0.0.1:8080");

    /// <summary>v1 auth URL of tempauth.</summary>
    public static readonly Uri AuthUrl = new("http://127.0.0.1:8080/auth/v1.0");

    /// <summary>The tempauth user (also the S3 access key) and key (the S3 secret).</summary>
    public const string User = "test:tester", Key = "testing";

    private static readonly ScriptedServer Server = new("the local Swift server", "servers/swift/start.sh", new Uri(Endpoint, "/healthcheck"));

    /// <summary>Starts the server unless it answers already.</summary>
    public static Task EnsureRunningAsync() => Server.EnsureRunningAsync();

    /// <summary>Retry settings for tests: quick backoff so fault tests finish fast.</summary>
    public static RetryOptions TestRetry { get; } = new() { MaxRetries = 4, BaseDelay = TimeSpan.FromMilliseconds(20), MaxDelay = TimeSpan.FromMilliseconds(200) };

    /// <summary>A Swift store on the local server with tempauth credentials.</summary>
    public static SwiftObjectStore SwiftStore(string container, HttpMessageHandler? handler = null, string? key = null, RetryOptions? retry = null) => new(new SwiftStoreOptions
    {
        Container = container,
        Authenticator = new V1Authenticator(AuthUrl, User, key ?? Key),
        Retry = retry ?? TestRetry,
        Handler = handler,
    });

    /// <summary>An S3 store on the local server's s3api.</summary>
    public static S3ObjectStore S3Store(string bucket, HttpMessageHandler? handler = null, string? secret = null, RetryOptions? retry = null) => new(new S3StoreOptions
    {
        Bucket = bucket,
        Endpoint = Endpoint,
        Region = "us-east-1",
        AccessKey = User,
        SecretKey = secret ?? Key,
        Retry = retry ?? TestRetry,
        Handler = handler,
    });

    /// <summary>Creates a container (idempotent) through the Swift API.</summary>
    public static async Task CreateContainerAsync(string container)
    {
        await EnsureRunningAsync().ConfigureAwait(false);
        using var http = new HttpClient();
        var (url, token) = await LoginAsync(http).ConfigureAwait(false);
        using var request = new HttpRequestMessage(HttpMethod.Put, $"{url}/{Uri.EscapeDataString(container)}");
        request.Headers.Add("X-Auth-Token", token);
        using var response = await http.SendAsync(request).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>
    /// Removes a container a test created, with every object in it, and its segment container
    /// (<c>&lt;container&gt;_segments</c>, where large uploads put their parts); no error for one that
    /// does not exist. Manifests go before the segments they name.
    /// </summary>
    public static async Task DeleteContainerAsync(string container)
    {
        using var http = new HttpClient();
        var (url, token) = await LoginAsync(http).ConfigureAwait(false);
        foreach (var name in new[] { container, container + "_segments" })
        {
            var containerUrl = $"{url}/{Uri.EscapeDataString(name)}";
            while (true)
            {
                using var list = new HttpRequestMessage(HttpMethod.Get, containerUrl + "?format=plain");
                list.Headers.Add("X-Auth-Token", token);
                using var listed = await http.SendAsync(list).ConfigureAwait(false);
                if (listed.StatusCode == System.Net.HttpStatusCode.NotFound)
                    break;
                listed.EnsureSuccessStatusCode();
                var keys = (await listed.Content.ReadAsStringAsync().ConfigureAwait(false)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
                if (keys.Length == 0)
                    break;
                foreach (var key in keys)
                    await DeleteAsync(http, token, $"{containerUrl}/{string.Join('/', key.Split('/').Select(Uri.EscapeDataString))}").ConfigureAwait(false);
            }
            await DeleteAsync(http, token, containerUrl).ConfigureAwait(false);
        }
    }

    private static async Task DeleteAsync(HttpClient http, string token, string url)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, url);
        request.Headers.Add("X-Auth-Token", token);
        using var response = await http.SendAsync(request).ConfigureAwait(false);
        if (response.StatusCode != System.Net.HttpStatusCode.NotFound)
            response.EnsureSuccessStatusCode();
    }

    /// <summary>A v1 login: storage URL and token, for raw requests in tests.</summary>
    public static async Task<(string StorageUrl, string Token)> LoginAsync(HttpClient http)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, AuthUrl);
        request.Headers.Add("X-Auth-User", User);
        request.Headers.Add("X-Auth-Key", Key);
        using var response = await http.SendAsync(request).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        return (response.Headers.GetValues("X-Storage-Url").First(), response.Headers.GetValues("X-Auth-Token").First());
    }

    /// <summary>Environment for python-swiftclient's `swift` command against this server.</summary>
    public static IReadOnlyDictionary<string, string> SwiftClientEnvironment { get; } = new Dictionary<string, string>
    {
        ["ST_AUTH"] = AuthUrl.ToString(),
        ["ST_USER"] = User,
        ["ST_KEY"] = Key,
    };

    /// <summary>
    /// Uploads <paramref name="file"/> as <paramref name="objectName"/> with python-swiftclient
    /// (`swift upload`, with <paramref name="options"/> such as --use-slo), as users fill containers.
    /// </summary>
    public static async Task UploadWithSwiftClientAsync(string container, string file, string objectName, TimeSpan? timeout = null, params string[] options) =>
        (await ProcessRunner.RunAsync("swift", ["upload", .. options, "--object-name", objectName, container, file], SwiftClientEnvironment, timeout))
            .EnsureSuccess($"swift upload {objectName}");
}
