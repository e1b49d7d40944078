using System.Globalization;
using MountStore.Testing;

namespace MountStore.WinFsp.Tests;

/// <summary>
/// Builds native/winfsp_layout.c with the mingw-w64 cross compiler and runs it under wine64,
/// once per test run: its lines are the Windows x64 compiler's view of WinFsp's structures.
/// </summary>
internal static class WindowsLayoutProgram
{
    private static readonly Lazy<Task<IReadOnlyDictionary<string, long>>> Output = new(BuildAndRunAsync);

    /// <summary>The program's "name=value" lines.</summary>
    public static Task<IReadOnlyDictionary<string, long>> LinesAsync() => Output.Value;

    private static async Task<IReadOnlyDictionary<string, long>> BuildAndRunAsync()
    {
        var source = Path.Combine(RepoPaths.Root, "native", "winfsp_layout.c");
        var program = Path.Combine(Path.GetTempPath(), $"winfsp_layout_{Environment.ProcessId}.exe");
        (await ProcessRunner.RunAsync("x86_64-w64-mingw32-gcc", ["-std=c11", "-Wall", "-Wextra", "-Werror", "-o", program, source]))
            .EnsureSuccess("compiling native/winfsp_layout.c for Windows x64 (make windows-deps installs gcc-mingw-w64-x86-64)");
        try
        {
            var output = (await ProcessRunner.RunAsync(Wine.Program, [program], Wine.Variables, TimeSpan.FromMinutes(3)))
                .EnsureSuccess("running winfsp_layout.exe under wine64 (make windows-deps installs wine64)").StdOut;
            // A Windows program's text output ends its lines with CR LF.
            return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(line => line.Split('=', 2))
                .ToDictionary(p => p[0], p => long.Parse(p[1], CultureInfo.InvariantCulture));
        }
        finally
        {
            File.Delete(program);
        }
    }
}
