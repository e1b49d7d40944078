namespace MountStore.Swift;

/// <summary>
/// Builds request URLs. Each path segment is percent-encoded and the URL is sent exactly as
/// built: .NET's default Uri handling would turn <c>a/../b</c> into <c>b</c> and fetch the wrong object.
/// </summary>
internal static class SwiftPaths
{
    private static readonly UriCreationOptions Verbatim = new() { DangerousDisablePathAndQueryCanonicalization = true };

    /// <summary>Percent-encodes a key or container name, keeping its slashes.</summary>
    public static string Escape(string name) => string.Join('/', name.Split('/').Select(Uri.EscapeDataString));

    /// <summary>URL of a container, with an optional query (already encoded).</summary>
    public static Uri Container(Uri storageUrl, string container, string? query = null) =>
        Make($"{storageUrl.AbsoluteUri.TrimEnd('/')}/{Uri.EscapeDataString(container)}", query);

    /// <summary>URL of an object, with an optional query (already encoded).</summary>
    public static Uri Object(Uri storageUrl, string container, string key, string? query = null) =>
        Make($"{storageUrl.AbsoluteUri.TrimEnd('/')}/{Uri.EscapeDataString(container)}/{Escape(key)}", query);

    /// <summary>The value of X-Copy-From and of SLO manifest paths: <c>/container/key</c>, encoded.</summary>
    public static string SourcePath(string container, string key) => $"/{Uri.EscapeDataString(container)}/{Escape(key)}";

    /// <summary>A query string from name/value pairs, skipping null values.</summary>
    public static string Query(params (string Name, string? Value)[] pairs) =>
        string.Join('&', pairs.Where(p => p.Value is not null).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}"));

    private static Uri Make(string url, string? query) =>
        new(string.IsNullOrEmpty(query) ? url : $"{url}?{query}", Verbatim);
}
