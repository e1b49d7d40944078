using MountStore.Testing;

namespace MountStore.WinFsp.Tests;

/// <summary>
/// The Windows side of the binding's end-to-end check, built once per test class: the stand-in
/// winfsp-x64.dll (native/winfsp_standin.c, mingw-w64) in a folder laid out as WinFsp installs
/// itself (bin\winfsp-x64.dll), and tests/MountStore.WinFsp.WineProbe published self-contained
/// for win-x64 as a folder (wine runs that form; a single-file bundle fails to start CoreCLR).
/// </summary>
public sealed class WineProbe : IAsyncLifetime
{
    private const string RegistryKey = @"HKLM\SOFTWARE\WOW6432Node\WinFsp";

#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    private readonly string _root = Directory.CreateTempSubdirectory("mountstore-wineprobe-").FullName;

    private string InstallDir => Path.Combine(_root, "WinFsp");

    private string Program => Path.Combine(_root, "probe", "MountStore.WinFsp.WineProbe.exe");

    /// <summary>Builds the stand-in and publishes the probe.</summary>
    public async Task InitializeAsync()
    {
        var bin = Directory.CreateDirectory(Path.Combine(InstallDir, "bin")).FullName;
        (await ProcessRunner.RunAsync("x86_64-w64-mingw32-gcc",
                ["-std=c11", "-Wall", "-Wextra", "-Werror", "-shared", "-o", Path.Combine(bin, "winfsp-x64.dll"),
                 Path.Combine(RepoPaths.Root, "native", "winfsp_standin.c")]))
            .EnsureSuccess("building native/winfsp_standin.c (make windows-deps installs gcc-mingw-w64-x86-64)");
        // No build servers or MSBuild nodes left behind: the machine is shared and the run is one-off.
        (await ProcessRunner.RunAsync("dotnet",
                ["publish", Path.Combine(RepoPaths.Root, "tests", "MountStore.WinFsp.WineProbe"), "-c", Configuration,
                 "-r", "win-x64", "--self-contained", "-o", Path.GetDirectoryName(Program)!,
                 "-nodeReuse:false", "-p:UseSharedCompilation=false"],
                timeout: TimeSpan.FromMinutes(5)))
            .EnsureSuccess("publishing the WineProbe for win-x64");
    }

    /// <summary>Removes the built files and the registry entry.</summary>
    public async Task DisposeAsync()
    {
        await UninstallAsync();
        Directory.Delete(_root, recursive: true);
    }

    /// <summary>Records the stand-in as WinFsp's install folder in the wine prefix's registry, as WinFsp's installer does.</summary>
    public async Task InstallAsync() =>
        (await RunWineAsync("reg", ["add", RegistryKey, "/v", "InstallDir", "/t", "REG_SZ", "/d", WindowsPath(InstallDir), "/f"]))
            .EnsureSuccess("recording the stand-in's folder in wine's registry");

    /// <summary>Removes the registry entry (no error when there is none).</summary>
    public async Task UninstallAsync() => await RunWineAsync("reg", ["delete", RegistryKey, "/f"]);

    /// <summary>
    /// Runs the probe under wine64 with <paramref name="args"/> (the container) and
    /// <paramref name="environment"/> added to wine's (the store's credentials: wine hands the
    /// Linux environment to the Windows program).
    /// </summary>
    public Task<ProcessRunner.Result> RunAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null) =>
        RunWineAsync(Program, args, environment);

    private static Task<ProcessRunner.Result> RunWineAsync(string program, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var variables = new Dictionary<string, string>(Wine.Variables);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            variables[name] = value;
        return ProcessRunner.RunAsync(Wine.Program, [program, .. args], variables, TimeSpan.FromMinutes(3));
    }

    // Wine shows the Linux root as drive Z:.
    private static string WindowsPath(string path) => "Z:" + path.Replace('/', '\\');
}
