using MountStore.Core.Storage;
using MountStore.Testing;

namespace MountStore.WinFsp.Tests;

/// <summary>
/// The Windows door end to end under the Windows x64 ABI: the probe, a win-x64 .NET program, runs
/// under wine64, finds WinFsp through the registry, binds the stand-in DLL's exports and serves a
/// Swift container on the local server through our own table (WinFspEntries, the adapter, Core,
/// the Swift client). The stand-in's script lists a folder put there by the test, creates under a
/// mapped name, writes, flushes, reads back (a write, reads and that listing going pending and
/// answered through FspFileSystemSendResponse), renames over a file, lists by pages and deletes on
/// close, checking every answer; then the test checks the container through the Swift API. The stand-in takes the place of WinFsp's transport, not of what Windows does
/// with the answers.
/// </summary>
public sealed class WineBindingTests(WineProbe probe) : IClassFixture<WineProbe>
{
    private const int BigSize = 12 << 20;

    // Every check of native/winfsp_standin.c, in the order it makes them.
    private static readonly string[] StandInChecks =
    [
        "device", "volume-params", "volume-flags", "interface", "mount-point", "thread-count", "user-context",
        "volume-info", "create-folder", "read-directory-pending", "list-foreign", "create-mapped-name", "write-pending", "write", "write-to-end", "flush",
        "file-info", "security-by-name", "open", "read-pending", "read", "read-back", "read-end-of-file",
        "write-summary", "write-final", "rename-no-replace", "rename-replace", "renamed-away", "renamed-bytes",
        "write-scratch", "list-paged", "dir-info-by-name", "dir-info-by-name-missing", "can-delete-full-folder",
        "can-delete", "delete-on-close", "responses", "result",
    ];

    /// <summary>What the script writes into q1:draft.txt: the stand-in's pattern_at(), then its tail.</summary>
    private static byte[] BigFileContent()
    {
        var bytes = new byte[BigSize];
        for (var offset = 0u; offset < BigSize; offset++)
            bytes[offset] = (byte)(unchecked(offset * 2654435761u) >> 24);
        return [.. bytes, .. "the end\n"u8];
    }

    [Fact]
    public async Task The_door_serves_a_Swift_container_to_a_stand_in_WinFsp_under_wine_and_the_container_holds_what_its_script_did()
    {
        var container = "winfsp-wine-" + Guid.NewGuid().ToString("N")[..8];
        await LocalSwiftServer.CreateContainerAsync(container);
        using var store = LocalSwiftServer.SwiftStore(container);
        try
        {
            // As another tool puts it: a folder the mount has not listed, a name Windows cannot show.
            await store.PutTextAsync("inbox/from-linux?.txt", "put by the test\n");
            await probe.InstallAsync();
            var run = await probe.RunAsync([container], LocalSwiftServer.SwiftClientEnvironment);
            var lines = run.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var context = $"exit {run.ExitCode}\n{run.StdOut}\n{run.StdErr}";
            Assert.True(run.ExitCode == 0, context);
            Assert.All(StandInChecks, check => Assert.True(lines.Contains($"standin: {check}=ok"), $"{check} did not pass:\n{context}"));
            Assert.DoesNotContain(lines, line => line.Contains("FAILED", StringComparison.Ordinal));
            Assert.Equal(["probe: done", "probe: open files left 0"], lines[^2..]);

            // In the store, under the original keys: the mapped name's ':' back, the replaced file
            // holding the bytes of the one renamed over it, the renamed and the deleted one gone.
            var keys = new List<string>();
            await foreach (var page in store.ListAllAsync("", delimiter: null))
                keys.AddRange(page.Objects.Select(o => o.Key));
            Assert.Equal(["inbox/from-linux?.txt", "reports/", "reports/q1:draft.txt", "reports/summary.txt"], keys.Order(StringComparer.Ordinal));
            Assert.Equal(BigFileContent(), await store.ReadAllBytesAsync("reports/q1:draft.txt"));
            Assert.Equal("final numbers\n", await store.ReadTextAsync("reports/summary.txt"));
            Assert.Null(await store.HeadAsync("reports/final.txt", CancellationToken.None));
            Assert.Null(await store.HeadAsync("reports/scratch.tmp", CancellationToken.None));
            Assert.Equal("put by the test\n", await store.ReadTextAsync("inbox/from-linux?.txt"));
        }
        finally
        {
            await probe.UninstallAsync();
            await LocalSwiftServer.DeleteContainerAsync(container);
        }
    }

    [Fact]
    public async Task Without_WinFsp_in_the_registry_the_program_says_so_in_one_line_and_exits_1()
    {
        await probe.UninstallAsync();
        var run = await probe.RunAsync(["no-container-needed"]);
        Assert.Equal(1, run.ExitCode);
        // Wine's own notices (a prefix being created or updated) start with "wine:"; the rest is the program's.
        var lines = run.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => !line.StartsWith("wine:", StringComparison.Ordinal));
        Assert.Equal(
            @"WinFsp is not installed (no InstallDir under HKLM\SOFTWARE\WOW6432Node\WinFsp): install it from https://winfsp.dev",
            Assert.Single(lines));
    }
}
