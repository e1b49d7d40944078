using MountStore.Testing;

namespace MountStore.WinFsp.Tests;

/// <summary>
/// The Windows executable itself, run here under wine64: it starts, parses its options and an
/// env-file, logs in to the local Swift server (127.0.0.1:8080, which must be running) over
/// HTTP, checks the container, and then finds no WinFsp and says so in one line with exit code 1.
/// The store is checked before WinFsp, so both are seen: a missing container is reported as
/// such, an existing one gets as far as the WinFsp check. Nothing here reaches a WinFsp driver.
/// </summary>
public sealed class WindowsExeTests(WindowsExe exe) : IClassFixture<WindowsExe>
{
    private static readonly Dictionary<string, string> SwiftLogin = new()
    {
        ["ST_AUTH"] = LocalSwiftServer.AuthUrl.ToString(),
        ["ST_USER"] = LocalSwiftServer.User,
        ["ST_KEY"] = LocalSwiftServer.Key,
    };

    private const string NotInstalled =
        @"WinFsp is not installed (no InstallDir under HKLM\SOFTWARE\WOW6432Node\WinFsp): install it from https://winfsp.dev";

    [Fact]
    public async Task Help_names_the_commands_Windows_mount_points_and_WinFsps_attribution()
    {
        var root = await exe.RunAsync(["--help"]);
        Assert.True(root.ExitCode == 0, root.ToString());
        Assert.Contains(root.StdOut, line => line.StartsWith("mount <REMOTE> <DIR>", StringComparison.Ordinal));
        Assert.Contains(root.StdOut, line => line.StartsWith("unmount <DIR>", StringComparison.Ordinal));
        Assert.DoesNotContain(root.StdOut, line => line.StartsWith("mount-helper", StringComparison.Ordinal));
        Assert.Contains(root.StdOut, line => line.Contains(WinFspAttribution.Notice, StringComparison.Ordinal));

        var mount = await exe.RunAsync(["mount", "--help"]);
        Assert.True(mount.ExitCode == 0, mount.ToString());
        Assert.Contains("mountstore mount swift://results X:", mount.StdOut);
        Assert.Contains(@"mountstore mount --read-only s3://datasets/climate C:\data\climate", mount.StdOut);
        Assert.Contains(mount.StdOut, line => line.StartsWith("<DIR>", StringComparison.Ordinal) && line.Contains("drive letter (X:)", StringComparison.Ordinal));
        Assert.Contains(mount.StdOut, line => line.StartsWith("--env-file", StringComparison.Ordinal));
        Assert.DoesNotContain(mount.StdOut, line => line.StartsWith("--allow-other", StringComparison.Ordinal) || line.StartsWith("-d, --daemon", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_bad_option_value_is_refused_clearly_with_a_non_zero_exit()
    {
        var unparsable = await exe.RunAsync(["mount", "--cache-ttl", "soon", "swift://results", "X:"]);
        Assert.True(unparsable.ExitCode != 0, unparsable.ToString());
        Assert.Contains(unparsable.StdErr, line => line.Contains("'soon'", StringComparison.Ordinal) && line.Contains("--cache-ttl", StringComparison.Ordinal));

        var level = await exe.RunAsync(["mount", "--log-level", "loud", "swift://results", "X:"]);
        Assert.True(level.ExitCode == 1, level.ToString());
        Assert.Equal(["mountstore: cannot log to stderr: --log-level loud is not one of error, warning, information, debug"], level.StdErr);
    }

    [Fact]
    public async Task Windows_mount_points_are_checked_before_anything_else()
    {
        // Wine maps the Linux root to Z:, so that letter is taken.
        var taken = await exe.RunAsync(["mount", "swift://results", "z:"]);
        Assert.True(taken.ExitCode == 1, taken.ToString());
        Assert.Equal(["mountstore: cannot mount swift://results on z:: drive Z: is in use; choose a free letter, or * for the next free one"], taken.StdErr);

        var orphan = await exe.RunAsync(["mount", "swift://results", @"C:\no-such-parent\climate"]);
        Assert.True(orphan.ExitCode == 1, orphan.ToString());
        Assert.Equal([@"mountstore: cannot mount swift://results on C:\no-such-parent\climate: C:\no-such-parent does not exist; create it first (mkdir ""C:\no-such-parent""), WinFsp then creates climate in it"], orphan.StdErr);

        var unmount = await exe.RunAsync(["unmount", "x:"]);
        Assert.True(unmount.ExitCode == 1, unmount.ToString());
        Assert.Equal(["mountstore: X: is not mounted"], unmount.StdErr);
    }

    [Fact]
    public async Task Credentials_from_an_env_file_log_in_over_HTTP_and_a_missing_container_is_named()
    {
        var folder = Directory.CreateTempSubdirectory("mountstore-exe-");
        try
        {
            var envFile = Path.Combine(folder.FullName, "results.env");
            await File.WriteAllLinesAsync(envFile, ["# the local Swift server", .. SwiftLogin.Select(v => $"export {v.Key}='{v.Value}'")]);
            var container = "winfsp-exe-missing-" + Guid.NewGuid().ToString("N")[..8];

            var run = await exe.RunAsync(["mount", "--env-file", WindowsExe.WindowsPath(envFile), $"swift://{container}", "X:"]);

            Assert.True(run.ExitCode == 1, run.ToString());
            Assert.Equal([$"mountstore: cannot mount swift://{container} on X:: open container '{container}' failed (HTTP 404): no such container or bucket; create it first or check its name and the account/region"], run.StdErr);

            await File.WriteAllLinesAsync(envFile, ["ST_AUTH=http://127.0.0.1:8080/auth/v1.0", "ST_USER=$USER"]);
            var unexpanded = await exe.RunAsync(["mount", "--env-file", WindowsExe.WindowsPath(envFile), $"swift://{container}", "X:"]);
            Assert.True(unexpanded.ExitCode == 1, unexpanded.ToString());
            Assert.Contains(unexpanded.StdErr, line => line.EndsWith("line 2: variables ($NAME) are not expanded; write the value out, in single quotes if it holds a '$'", StringComparison.Ordinal));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task After_a_login_and_a_container_check_the_missing_WinFsp_is_one_line_and_exit_code_1()
    {
        var container = "winfsp-exe-" + Guid.NewGuid().ToString("N")[..8];
        await LocalSwiftServer.CreateContainerAsync(container);

        var run = await exe.RunAsync(["mount", $"swift://{container}", "X:"], SwiftLogin);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal([$"mountstore: cannot mount swift://{container} on X:: {NotInstalled}"], run.StdErr);

        // The same mount with a wrong key stops at the login: the WinFsp check comes after it.
        var refused = await exe.RunAsync(["mount", $"swift://{container}", "X:"], new Dictionary<string, string>(SwiftLogin) { ["ST_KEY"] = "wrong" });
        Assert.True(refused.ExitCode == 1, refused.ToString());
        Assert.DoesNotContain(refused.StdErr, line => line.Contains("WinFsp", StringComparison.Ordinal));
        Assert.Contains(refused.StdErr, line => line.Contains("401", StringComparison.Ordinal) || line.Contains("auth", StringComparison.OrdinalIgnoreCase));
    }
}
