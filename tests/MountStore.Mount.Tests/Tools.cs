using MountStore.Testing;

namespace MountStore.Mount.Tests;

/// <summary>Runs the real tools a user would point at the mount.</summary>
internal static class Tools
{
    public static async Task<string> RunAsync(string tool, params string[] args) =>
        (await ProcessRunner.RunAsync(tool, args, timeout: TimeSpan.FromMinutes(5))).EnsureSuccess($"{tool} {string.Join(' ', args)}").StdOut;

    public static async Task<string> Sha256SumAsync(string path) => (await RunAsync("sha256sum", path)).Split(' ')[0];

    /// <summary>The system Python (the one on PATH may be a pyenv without the standard tools we expect).</summary>
    public static string Python => File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
}
