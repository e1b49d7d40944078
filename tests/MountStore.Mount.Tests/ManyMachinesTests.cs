using System.Security.Cryptography;
using System.Text.Json;
using MountStore.Core.Storage;
using MountStore.Testing;

namespace MountStore.Mount.Tests;

/// <summary>
/// Two real mounts of one container, as two machines of a research group: changes are seen
/// close-to-open, a read never mixes two versions, and of two writers of one file the first
/// close wins while the second gets EIO and finds its bytes in a conflict copy. On Swift, on
/// Swift's s3api, and on both APIs of Ceph RGW.
/// </summary>
[Collection(MountCollection.Name)]
public class ManyMachinesTests
{
    public static TheoryData<string> Servers => ["swift", "s3api", "rgw-s3", "rgw-swift"];

    private sealed record Remote(string Url, IReadOnlyDictionary<string, string> Environment, IObjectStore Check) : IDisposable
    {
        public void Dispose() => (Check as IDisposable)?.Dispose();
    }

    private static async Task<Remote> RemoteAsync(string server)
    {
        switch (server)
        {
            case "swift":
                await LocalSwiftServer.CreateContainerAsync("mountstore-e2e-machines");
                return new("swift://mountstore-e2e-machines", MountProcess.SwiftEnvironment, LocalSwiftServer.SwiftStore("mountstore-e2e-machines"));
            case "s3api":
                await LocalSwiftServer.CreateContainerAsync("mountstore-e2e-machines");
                return new("s3://mountstore-e2e-machines", MountProcess.S3Environment, LocalSwiftServer.SwiftStore("mountstore-e2e-machines"));
            case "rgw-s3":
                await LocalRgw.CreateBucketAsync("mountstore-e2e-machines");
                return new("s3://mountstore-e2e-machines", OtherServerMountTests.RgwS3Environment, LocalRgw.S3Store("mountstore-e2e-machines"));
            default:
                await LocalRgw.CreateBucketAsync("mountstore-e2e-machines");
                return new("swift://mountstore-e2e-machines", OtherServerMountTests.RgwSwiftEnvironment, LocalRgw.SwiftStore("mountstore-e2e-machines"));
        }
    }

    private static async Task<JsonElement> TwoMachinesAsync(params string[] args)
    {
        var script = Path.Combine(RepoPaths.Root, "tests", "MountStore.Mount.Tests", "two_machines.py");
        var output = await Tools.RunAsync(Tools.Python, [script, .. args]);
        return JsonDocument.Parse(output).RootElement;
    }

    private static async Task<List<string>> KeysAsync(IObjectStore store, string prefix)
    {
        var keys = new List<string>();
        await foreach (var page in store.ListAllAsync(prefix, null)) keys.AddRange(page.Objects.Select(o => o.Key));
        return keys;
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public async Task Of_two_machines_writing_one_file_the_first_close_wins_and_the_second_gets_eio_and_a_conflict_copy(string server)
    {
        using var remote = await RemoteAsync(server);
        var folder = "conflict-" + Guid.NewGuid().ToString("N")[..8];
        await remote.Check.PutAsync($"{folder}/existing.txt", new MemoryStream("original"u8.ToArray()), ObjectWriteOptions.Default, CancellationToken.None);
        await using var a = await MountProcess.StartAsync(remote.Url, remote.Environment);
        await using var b = await MountProcess.StartAsync(remote.Url, remote.Environment);

        foreach (var (name, kind) in new[] { ("existing.txt", "existing"), ("new.csv", "new") })
        {
            var seen = await TwoMachinesAsync("writers", Path.Combine(a.Directory, folder, name), Path.Combine(b.Directory, folder, name), kind);

            Assert.Equal("ok", seen.GetProperty("first").GetString());
            Assert.Equal("EIO", seen.GetProperty("second").GetString());
            Assert.Equal(new string('A', 1000), await remote.Check.ReadTextAsync($"{folder}/{name}"));
            var stem = Path.GetFileNameWithoutExtension(name);
            var copy = Assert.Single(await KeysAsync(remote.Check, $"{folder}/{stem}.conflict-"));
            Assert.EndsWith(Path.GetExtension(name), copy);
            Assert.Equal(new string('B', 2000), await remote.Check.ReadTextAsync(copy));
            Assert.Contains($"this file's bytes were stored as '{copy}'", b.Output);
        }
        var status = await Tools.RunAsync(MountProcess.Binary, "status", b.Directory);
        Assert.Contains("conflicts (changed elsewhere while open here): 2", status);
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public async Task A_read_of_a_file_the_other_machine_replaces_midway_returns_only_old_bytes_then_estale(string server)
    {
        using var remote = await RemoteAsync(server);
        var name = $"replaced-{Guid.NewGuid():N}.bin";
        const int size = 64 << 20;
        var old = RandomNumberGenerator.GetBytes(size);
        await using var a = await MountProcess.StartAsync(remote.Url, remote.Environment, "--read-ahead", "8");
        await using var b = await MountProcess.StartAsync(remote.Url, remote.Environment);
        await File.WriteAllBytesAsync(Path.Combine(b.Directory, name), old);

        var seen = await TwoMachinesAsync("replaced-read", Path.Combine(a.Directory, name), Path.Combine(b.Directory, name), size.ToString(System.Globalization.CultureInfo.InvariantCulture));

        // never a mix: what was read is a prefix of the old version, and the read stopped with ESTALE
        var read = seen.GetProperty("read").GetInt32();
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(old.AsSpan(0, read))), seen.GetProperty("sha256").GetString());
        Assert.True(read < size, $"all {size} bytes were read: the window (8 MiB read-ahead) should not have held them");
        Assert.True(seen.GetProperty("error").GetString() == "ESTALE", $"the read ended at {read} without ESTALE ({seen}); mount log:\n{Tail(a.Output)}");
        Assert.Contains($"'{name}'", a.Output); // the log names the object
        await remote.Check.DeleteAsync(name, CancellationToken.None);
    }

    [Theory]
    [InlineData("swift")]
    [InlineData("rgw-swift")]
    public async Task Rm_and_mv_onto_a_file_the_other_machine_changed_since_this_one_looked_leave_it_and_fail_with_eio(string server)
    {
        using var remote = await RemoteAsync(server);
        var folder = "stale-" + Guid.NewGuid().ToString("N")[..8];
        foreach (var name in new[] { "notes.txt", "final.txt", "draft.txt" })
            await remote.Check.PutAsync($"{folder}/{name}", new MemoryStream("mine"u8.ToArray()), ObjectWriteOptions.Default, CancellationToken.None);
        await using var a = await MountProcess.StartAsync(remote.Url, remote.Environment);
        await using var b = await MountProcess.StartAsync(remote.Url, remote.Environment);
        string InA(string name) => Path.Combine(a.Directory, folder, name);
        Assert.Equal(4, new FileInfo(InA("notes.txt")).Length); // A looks at them
        Assert.Equal(4, new FileInfo(InA("final.txt")).Length);

        await File.WriteAllTextAsync(Path.Combine(b.Directory, folder, "notes.txt"), "theirs, written later");
        await File.WriteAllTextAsync(Path.Combine(b.Directory, folder, "final.txt"), "their final, written later");

        var rm = await ProcessRunner.RunAsync("rm", [InA("notes.txt")]);
        Assert.True(rm.ExitCode != 0, $"rm of a file changed elsewhere succeeded; mount log:\n{Tail(a.Output)}");
        Assert.Contains("Input/output error", rm.StdErr);
        var mv = await ProcessRunner.RunAsync("mv", [InA("draft.txt"), InA("final.txt")]);
        Assert.True(mv.ExitCode != 0, $"mv onto a file changed elsewhere succeeded; mount log:\n{Tail(a.Output)}");
        Assert.Contains("Input/output error", mv.StdErr);
        Assert.Equal("theirs, written later", await remote.Check.ReadTextAsync($"{folder}/notes.txt"));
        Assert.Equal("their final, written later", await remote.Check.ReadTextAsync($"{folder}/final.txt"));
        Assert.Equal("mine", await remote.Check.ReadTextAsync($"{folder}/draft.txt"));
        Assert.Contains("changed elsewhere since this mount looked at it", a.Output);

        // looked at again, the other versions can be removed and replaced
        Assert.Equal(21, new FileInfo(InA("notes.txt")).Length);
        await Tools.RunAsync("rm", InA("notes.txt"));
        await Tools.RunAsync("mv", InA("draft.txt"), InA("final.txt"));
        Assert.Null(await remote.Check.HeadAsync($"{folder}/notes.txt", CancellationToken.None));
        Assert.Equal("mine", await remote.Check.ReadTextAsync($"{folder}/final.txt"));
    }

    [Fact]
    public async Task A_file_closed_on_one_machine_is_seen_by_the_other_after_the_cache_ttl()
    {
        using var remote = await RemoteAsync("swift");
        var name = $"shared-{Guid.NewGuid():N}.txt";
        await using var a = await MountProcess.StartAsync(remote.Url, remote.Environment);
        await using var b = await MountProcess.StartAsync(remote.Url, remote.Environment, "--cache-ttl", "2");
        Assert.False(File.Exists(Path.Combine(b.Directory, name))); // and B caches that it is absent

        await File.WriteAllTextAsync(Path.Combine(a.Directory, name), "version 1");
        Assert.Equal("version 1", await EventuallyAsync(() => File.ReadAllText(Path.Combine(b.Directory, name)), "version 1"));

        await File.WriteAllTextAsync(Path.Combine(a.Directory, name), "version 2, longer");
        Assert.Equal("version 2, longer", await EventuallyAsync(() => File.ReadAllText(Path.Combine(b.Directory, name)), "version 2, longer"));
        await remote.Check.DeleteAsync(name, CancellationToken.None);
    }

    private static string Tail(string log) => log.Length <= 6000 ? log : log[^6000..];

    /// <summary>
    /// What <paramref name="read"/> returns once it is <paramref name="expected"/>, asked again
    /// for up to 20 s: the negative cache (5 s) and the TTL (2 s) bound when, not this wait.
    /// </summary>
    private static async Task<string> EventuallyAsync(Func<string> read, string expected)
    {
        var last = "";
        for (var i = 0; i < 40; i++)
        {
            try
            {
                last = read();
                if (last == expected) return last;
            }
            catch (FileNotFoundException)
            {
                last = "(absent)";
            }
            await Task.Delay(500);
        }
        return last;
    }
}
