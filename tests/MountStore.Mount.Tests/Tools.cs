using MountStore.Testing;

namespace MountStore.Mount.Tests;

/// <summary>Runs the real tools a user would point at the mount.</summary>
internal static class Tools
{
    public static async Task<string> RunAsync(string tool, params string[] args) =>
        (await ProcessRunner.RunAsync(tool, args, timeout: TimeSpan.FromMinutes(5))).EnsureSuccess($"{tool} {string.Join(' ', args)}").StdOut;

    public static async Task<string> Sha256SumAsync(string path) => (await RunAsync("sha256sum", path)).Split(' ')[0];

    /// <summary>The pid of the `mountstore mount` process serving <paramref name="directory"/> (found by its command line).</summary>
    public static int MountProcessId(string directory)
    {
        foreach (var process in Directory.GetDirectories("/proc").Where(d => int.TryParse(Path.GetFileName(d), out _)))
        {
            try
            {
                var command = File.ReadAllText(Path.Combine(process, "cmdline")).Split('\0');
                if (command.Contains("mount") && command.Contains(directory))
                    return int.Parse(Path.GetFileName(process), System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                // the process ended while we looked
            }
        }
        throw new InvalidOperationException($"no process serves {directory}");
    }

    /// <summary>The system Python (the one on PATH may be a pyenv without the standard tools we expect).</summary>
    public static string Python => File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
}
