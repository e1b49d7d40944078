using System.Security.Cryptography;
using System.Text;
using MountStore.Fuse;

namespace MountStore.Cli.Service;

/// <summary>
/// The default folder of a remote's data cache: stable across mounts, so a later mount of the
/// same remote finds what an earlier one kept, and distinct per remote and per server, so two
/// servers with a container of the same name never share cached bytes.
/// </summary>
internal static class CacheFolders
{
    /// <summary>
    /// $XDG_CACHE_HOME/mountstore/NAME (~/.cache when unset), /var/cache/mountstore/NAME for root,
    /// where NAME is the remote's readable form and a hash of where it lives. Windows:
    /// %LOCALAPPDATA%\MountStore\cache\NAME.
    /// </summary>
    public static string DefaultFor(RemoteAddress remote, IReadOnlyDictionary<string, string?> environment, string? s3Endpoint)
    {
        var home = environment.GetValueOrDefault("XDG_CACHE_HOME") is { Length: > 0 } xdg ? xdg
            : Path.Combine(environment.GetValueOrDefault("HOME") is { Length: > 0 } h ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        var root = OperatingSystem.IsWindows()
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "MountStore", "cache")
            : CurrentUser.Uid == 0 ? "/var/cache/mountstore" : Path.Combine(home, "mountstore");
        return Path.Combine(root, NameOf(remote, environment, s3Endpoint));
    }

    /// <summary>swift-results-2024-1f3a9c0d2b7e: readable, one path component, unique per server, account and remote.</summary>
    public static string NameOf(RemoteAddress remote, IReadOnlyDictionary<string, string?> environment, string? s3Endpoint)
    {
        // Who and where, without secrets: the account a token stands for is named by the
        // storage or auth URL and the project or user, never by the key or password.
        string[] identity = remote.Kind == StoreKind.Swift
            ? ["OS_STORAGE_URL", "OS_AUTH_URL", "ST_AUTH", "OS_PROJECT_ID", "OS_PROJECT_NAME", "OS_TENANT_NAME", "OS_USERNAME", "ST_USER", "OS_APPLICATION_CREDENTIAL_ID"]
            : ["AWS_ENDPOINT_URL", "AWS_REGION"];
        var where = string.Join("\n", identity.Select(name => $"{name}={environment.GetValueOrDefault(name)}"));
        if (remote.Kind == StoreKind.S3)
            where += $"\nendpoint={s3Endpoint}";
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{remote}\n{where}")))[..12];
        var readable = new StringBuilder();
        foreach (var c in remote.ToString().Replace("://", "-").Replace('/', '-'))
            readable.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_');
        var name = readable.ToString();
        return $"{(name.Length > 100 ? name[..100] : name)}-{hash}";
    }
}
