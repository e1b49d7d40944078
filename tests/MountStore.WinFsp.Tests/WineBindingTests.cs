namespace MountStore.WinFsp.Tests;

/// <summary>
/// The binding end to end under the Windows x64 ABI: the probe, a win-x64 .NET program, runs
/// under wine64, finds WinFsp through the registry, binds the stand-in DLL's exports and serves a
/// toy file system whose Read, Write and ReadDirectory complete from tasks. The stand-in's script
/// checks structures, strings, calling convention and the pending-then-response path; it stands
/// in for WinFsp's transport, not for what Windows does with the answers.
/// </summary>
public sealed class WineBindingTests(WineProbe probe) : IClassFixture<WineProbe>
{
    private static readonly string[] StandInChecks =
    [
        "device", "volume-params", "volume-flags", "interface", "mount-point", "thread-count", "user-context",
        "volume-info", "open-missing", "open", "read-pending", "read-bytes", "write-pending", "write-file-info",
        "write-to-end-pending", "read-back-pending", "read-back-bytes", "open-root", "read-directory-pending",
        "read-directory-entries", "result",
    ];

    [Fact]
    public async Task The_binding_serves_a_stand_in_WinFsp_under_wine_and_every_check_of_its_script_passes()
    {
        await probe.InstallAsync();
        try
        {
            var run = await probe.RunAsync();
            var lines = run.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var context = $"exit {run.ExitCode}\n{run.StdOut}\n{run.StdErr}";
            Assert.True(run.ExitCode == 0, context);
            Assert.All(StandInChecks, check => Assert.True(lines.Contains($"standin: {check}=ok"), $"{check} did not pass:\n{context}"));
            Assert.DoesNotContain(lines, line => line.Contains("FAILED", StringComparison.Ordinal));
            Assert.Contains("probe: dispatcher stopped normally=1", lines);
            Assert.Equal("probe: done", lines[^1]);
        }
        finally
        {
            await probe.UninstallAsync();
        }
    }

    [Fact]
    public async Task Without_WinFsp_in_the_registry_the_program_says_so_in_one_line_and_exits_1()
    {
        await probe.UninstallAsync();
        var run = await probe.RunAsync();
        Assert.Equal(1, run.ExitCode);
        // Wine's own notices (a prefix being created or updated) start with "wine:"; the rest is the program's.
        var lines = run.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => !line.StartsWith("wine:", StringComparison.Ordinal));
        Assert.Equal(
            @"WinFsp is not installed (no InstallDir under HKLM\SOFTWARE\WOW6432Node\WinFsp): install it from https://winfsp.dev",
            Assert.Single(lines));
    }
}
