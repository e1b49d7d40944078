using MountStore.Testing;

namespace MountStore.WinFsp.Tests;

/// <summary>
/// The mountstore CLI published for win-x64 as a folder (`make windows-test-build`, which
/// `make test` runs first), run under wine64. Published again here when it is missing or older
/// than the last build of the sources, so a plain `dotnet test` does not check a stale exe.
/// It runs in a wine prefix of its own: the binding's tests record a stand-in WinFsp in theirs,
/// and this program must find no WinFsp at all.
/// </summary>
public sealed class WindowsExe : IAsyncLifetime
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    /// <summary>The published program.</summary>
    public static string Program { get; } = Path.Combine(RepoPaths.Root, "build", "windows-test", "mountstore", "mountstore.exe");

    private static readonly IReadOnlyDictionary<string, string> WineVariables = new Dictionary<string, string>(Wine.Variables)
    {
        ["WINEPREFIX"] = Path.Combine(Path.GetTempPath(), $"mountstore-wine-exe-{Environment.UserName}"),
    };

    public async Task InitializeAsync()
    {
        if (!IsStale())
            return;
        (await ProcessRunner.RunAsync("bash", [Path.Combine(RepoPaths.Root, "scripts", "publish-windows.sh"), "folder"],
                new Dictionary<string, string> { ["CONFIG"] = Configuration }, TimeSpan.FromMinutes(10)))
            .EnsureSuccess("publishing mountstore for win-x64 (scripts/publish-windows.sh folder)");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    // Older than any assembly the sources were last built into (dotnet build runs before the tests).
    private static bool IsStale()
    {
        var published = Path.Combine(Path.GetDirectoryName(Program)!, "mountstore.dll");
        if (!File.Exists(Program) || !File.Exists(published))
            return true;
        var built = Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "src"), "*.dll", SearchOption.AllDirectories)
            .Where(path => path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}{Configuration}{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(path => Path.GetFileName(path).StartsWith("MountStore", StringComparison.Ordinal) || Path.GetFileName(path) == "mountstore.dll")
            .Select(File.GetLastWriteTimeUtc)
            .DefaultIfEmpty(DateTime.MinValue)
            .Max();
        return File.GetLastWriteTimeUtc(published) < built;
    }

    /// <summary>Runs the program under wine with <paramref name="args"/> and, on top of the test's own, <paramref name="environment"/>.</summary>
    public async Task<Run> RunAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var variables = new Dictionary<string, string>(WineVariables);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            variables[name] = value;
        var result = await ProcessRunner.RunAsync(Wine.Program, [Program, .. args], variables, TimeSpan.FromMinutes(3));
        return new Run(result.ExitCode, Lines(result.StdOut), Lines(result.StdErr));
    }

    // A Windows program ends its lines with CR LF; wine's own notices (a prefix being made) start with "wine:".
    private static string[] Lines(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => !line.StartsWith("wine:", StringComparison.Ordinal))
            .ToArray();

    /// <summary>Wine shows the Linux root as drive Z:.</summary>
    public static string WindowsPath(string path) => "Z:" + path.Replace('/', '\\');

    /// <summary>One run: the exit code and the program's lines.</summary>
    public sealed record Run(int ExitCode, string[] StdOut, string[] StdErr)
    {
        public override string ToString() => $"exit {ExitCode}\nstdout:\n{string.Join('\n', StdOut)}\nstderr:\n{string.Join('\n', StdErr)}";
    }
}
