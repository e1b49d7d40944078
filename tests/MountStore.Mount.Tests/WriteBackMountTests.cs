using System.Security.Cryptography;
using MountStore.Fuse;
using MountStore.Testing;

namespace MountStore.Mount.Tests;

/// <summary>
/// `--write-back` on real mounts of the local Swift server, driven by cp, python and the shell:
/// a tree copied then unmounted is in the store byte for byte; a mount killed with SIGKILL in
/// the middle of a copy loses no file whose close() returned; renames, rewrites and deletes
/// right after a close end as the user left them; an upload the store refuses is kept and
/// reported, then done by the next mount.
/// </summary>
[Collection(MountCollection.Name)]
public sealed class WriteBackMountTests : IAsyncLifetime
{
    private readonly string _container = "mountstore-e2e-writeback-" + Guid.NewGuid().ToString("N")[..6];
    private readonly string _work = Path.Combine(Path.GetTempPath(), "mountstore-writeback-e2e-" + Guid.NewGuid().ToString("N")[..8]);

    private string CacheDir => Path.Combine(_work, "cache");

    public async Task InitializeAsync()
    {
        await LocalSwiftServer.CreateContainerAsync(_container);
        Directory.CreateDirectory(_work);
    }

    public async Task DisposeAsync()
    {
        await SwiftAsync("delete", _container);
        Directory.Delete(_work, recursive: true);
    }

    private static async Task<string> SwiftAsync(params string[] args) =>
        (await ProcessRunner.RunAsync("swift", args, LocalSwiftServer.SwiftClientEnvironment)).StdOut;

    private Task<MountProcess> MountAsync(params string[] options) =>
        MountProcess.StartAsync($"swift://{_container}", MountProcess.SwiftEnvironment, ["--write-back", "--cache-dir", CacheDir, .. options]);

    private static async Task UnmountAsync(MountProcess mount)
    {
        (await ProcessRunner.RunAsync(MountProcess.Binary, ["unmount", mount.Directory], timeout: TimeSpan.FromMinutes(5))).EnsureSuccess("mountstore unmount");
        Assert.Equal(0, await mount.WaitForExitAsync(TimeSpan.FromMinutes(2)));
        await mount.DisposeAsync();
    }

    private async Task<byte[]?> StoredAsync(string key)
    {
        using var store = LocalSwiftServer.SwiftStore(_container);
        return await store.HeadAsync(key, CancellationToken.None) is null ? null : await store.ReadAllBytesAsync(key);
    }

    /// <summary>A source tree: 300 small files in 3 folders and one 20 MiB file (a segmented upload).</summary>
    private string MakeTree()
    {
        var source = Path.Combine(_work, "tree");
        var random = new Random(5);
        for (var i = 0; i < 300; i++)
        {
            var folder = Path.Combine(source, $"d{i % 3}");
            Directory.CreateDirectory(folder);
            var bytes = new byte[random.Next(1, 8192)];
            random.NextBytes(bytes);
            File.WriteAllBytes(Path.Combine(folder, $"f{i:D3}.dat"), bytes);
        }
        var big = new byte[20 << 20];
        random.NextBytes(big);
        File.WriteAllBytes(Path.Combine(source, "big.bin"), big);
        return source;
    }

    private async Task AssertTreeStoredAsync(string source, string prefix)
    {
        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            var key = prefix + Path.GetRelativePath(source, file);
            var expected = SHA256.HashData(await File.ReadAllBytesAsync(file));
            var stored = await StoredAsync(key);
            Assert.True(stored is not null, $"{key} is not in the store");
            Assert.True(SHA256.HashData(stored).AsSpan().SequenceEqual(expected), $"{key} differs in the store");
        }
    }

    [Fact]
    public async Task A_tree_copied_with_cp_is_in_the_store_byte_for_byte_once_unmount_returns()
    {
        var source = MakeTree();
        await using var mount = await MountAsync();
        await Tools.RunAsync("cp", "-r", source, Path.Combine(mount.Directory, "copy"));
        // at once, from the cache: the copy lists and reads the same while it uploads
        Assert.Equal(await Tools.Sha256SumAsync(Path.Combine(source, "big.bin")), await Tools.Sha256SumAsync(Path.Combine(mount.Directory, "copy", "big.bin")));
        Assert.Equal(301, Directory.GetFiles(Path.Combine(mount.Directory, "copy"), "*", SearchOption.AllDirectories).Length);
        // private to the mounting user: folders 0700, files 0600 (those not uploaded and gone yet)
        const UnixFileMode folderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        Assert.Equal(folderMode, File.GetUnixFileMode(CacheDir));
        Assert.Equal(folderMode, File.GetUnixFileMode(Path.Combine(CacheDir, "pending")));
        foreach (var file in Directory.GetFiles(Path.Combine(CacheDir, "pending")))
        {
            try
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            }
            catch (FileNotFoundException)
            {
                // uploaded since it was listed
            }
        }

        await UnmountAsync(mount);
        await AssertTreeStoredAsync(source, "copy/");
        Assert.Empty(Directory.GetFiles(Path.Combine(CacheDir, "pending")));
    }

    [Fact]
    public async Task A_mount_killed_in_the_middle_of_a_copy_loses_no_file_whose_close_returned()
    {
        var source = MakeTree();
        await using var mount = await MountAsync();
        // a copier that says which files it has closed, one line each, as it goes
        var copier = new System.Diagnostics.ProcessStartInfo(Tools.Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        copier.ArgumentList.Add("-c");
        copier.ArgumentList.Add("""
            import os, shutil, sys
            src, dst = sys.argv[1], sys.argv[2]
            for root, dirs, files in os.walk(src):
                for name in sorted(files):
                    rel = os.path.relpath(os.path.join(root, name), src)
                    os.makedirs(os.path.dirname(os.path.join(dst, rel)), exist_ok=True)
                    shutil.copyfile(os.path.join(root, name), os.path.join(dst, rel))
                    print(rel, flush=True)
            """);
        copier.ArgumentList.Add(source);
        copier.ArgumentList.Add(Path.Combine(mount.Directory, "copy"));
        using var python = System.Diagnostics.Process.Start(copier)!;
        var closed = new List<string>();
        while (closed.Count < 120 && await python.StandardOutput.ReadLineAsync() is { } line)
            closed.Add(line);
        await mount.SignalAsync(9);
        await mount.WaitForExitAsync(TimeSpan.FromSeconds(20));
        while (await python.StandardOutput.ReadLineAsync() is { } line)
            closed.Add(line); // a close that returned just before the kill counts too
        await python.WaitForExitAsync();
        await mount.DisposeAsync(); // clears the dead mount
        Assert.InRange(closed.Count, 120, 301);
        var recorded = new MountStore.Core.Writing.PendingJournal(CacheDir).RecordedIds().Count;

        await using var again = await MountAsync();
        await UnmountAsync(again);
        foreach (var rel in closed)
        {
            var stored = await StoredAsync("copy/" + rel);
            Assert.True(stored is not null, $"copy/{rel} was closed before the kill and is not in the store");
            Assert.Equal(SHA256.HashData(await File.ReadAllBytesAsync(Path.Combine(source, rel))), SHA256.HashData(stored));
        }
        // the files the killed mount had not uploaded were the next mount's to finish
        if (recorded > 0)
            Assert.Contains($"{recorded} files closed before the last mount stopped", again.Output);
        Console.WriteLine($"kill -9 after {closed.Count} closes left {recorded} recorded uploads");
    }

    [Fact]
    public async Task Renames_rewrites_and_deletes_right_after_a_close_end_as_the_user_left_them()
    {
        await using var mount = await MountAsync();
        var script = """
            set -e
            cd "$1"
            mkdir work
            for i in $(seq 1 40); do
              printf 'draft %s\n' $i > work/.note$i.tmp
              mv work/.note$i.tmp work/note$i.txt
            done
            for i in $(seq 1 40 | awk '$1 % 2 == 0'); do printf 'final %s\n' $i > work/note$i.txt; done
            for i in $(seq 1 40 | awk '$1 % 5 == 0'); do rm work/note$i.txt; done
            printf 'scratch' > work/scratch && rm work/scratch
            """;
        await Tools.RunAsync("bash", "-c", script, "_", mount.Directory);
        await UnmountAsync(mount);

        for (var i = 1; i <= 40; i++)
        {
            var stored = await StoredAsync($"work/note{i}.txt");
            if (i % 5 == 0)
                Assert.Null(stored);
            else
                Assert.Equal(i % 2 == 0 ? $"final {i}\n" : $"draft {i}\n", System.Text.Encoding.UTF8.GetString(stored!));
            Assert.Null(await StoredAsync($"work/.note{i}.tmp"));
        }
        Assert.Null(await StoredAsync("work/scratch"));
    }

    [Fact]
    public async Task An_upload_the_store_refuses_is_kept_and_reported_and_the_next_mount_uploads_it()
    {
        // a container quota refuses the upload (413) after close() has returned
        await SwiftAsync("post", "-H", "X-Container-Meta-Quota-Bytes: 1000", _container);
        await using var mount = await MountAsync();
        var bytes = RandomNumberGenerator.GetBytes(50_000);
        await File.WriteAllBytesAsync(Path.Combine(mount.Directory, "results.bin"), bytes);
        System.Text.Json.JsonElement writeBack = default;
        for (var i = 0; i < 200; i++)
        {
            writeBack = (await mount.StatusJsonAsync()).GetProperty("writeBack");
            if (writeBack.GetProperty("failed").GetArrayLength() == 1)
                break;
            await Task.Delay(100);
        }
        var failed = Assert.Single(writeBack.GetProperty("failed").EnumerateArray());
        Assert.Equal("results.bin", failed.GetProperty("key").GetString());
        Assert.Contains("too large", failed.GetProperty("error").GetString());
        Assert.Contains("REFUSED results.bin", (await ProcessRunner.RunAsync(MountProcess.Binary, ["status", mount.Directory])).StdOut);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(Path.Combine(mount.Directory, "results.bin"))); // still readable here
        await UnmountAsync(mount); // a refused file does not hold the unmount
        Assert.Contains("results.bin", mount.Output);
        Assert.Null(await StoredAsync("results.bin"));

        await SwiftAsync("post", "-H", "X-Remove-Container-Meta-Quota-Bytes: x", _container);
        await using var again = await MountAsync();
        await UnmountAsync(again);
        Assert.Equal(bytes, await StoredAsync("results.bin"));
    }

    [Fact]
    public async Task Temporary_files_unlinked_while_open_never_reach_the_store_and_the_unmount_does_not_wait_for_them()
    {
        await using var mount = await MountAsync();
        // bash's `exec 7>f` closes a dup of the new file first (its close seals it), then the file
        // is removed while fd 7 still writes to it; Python's TemporaryFile unlinks before writing
        (await ProcessRunner.RunAsync("bash", ["-c", "exec 7>\"$1/shell.tmp\"; rm \"$1/shell.tmp\"; echo data >&7; exec 7>&-", "_", mount.Directory])).EnsureSuccess("bash");
        (await ProcessRunner.RunAsync("python3", ["-c", """
            import sys, tempfile
            with tempfile.TemporaryFile(dir=sys.argv[1]) as f:
                f.write(b"x" * 100000); f.flush(); f.seek(0)
                assert f.read() == b"x" * 100000
            """, mount.Directory])).EnsureSuccess("python3 TemporaryFile");
        await mount.WaitUntilNoFileIsOpenAsync();
        Assert.Equal(0, (await mount.StatusJsonAsync()).GetProperty("writeBack").GetProperty("pending").GetInt32());

        await UnmountAsync(mount);
        Assert.Null(await StoredAsync("shell.tmp"));
        Assert.DoesNotContain("tmp", await SwiftAsync("list", _container));
    }

    [Fact]
    public async Task A_folders_mode_set_through_the_mount_is_stored_within_seconds_and_status_counts_it_until_then()
    {
        await using var mount = await MountAsync();
        var folder = Path.Combine(mount.Directory, "proj");
        Directory.CreateDirectory(folder);
        (await ProcessRunner.RunAsync("chmod", ["700", folder])).EnsureSuccess("chmod");
        // written about a second after the folder's last change: status shows it waiting, or already written
        Assert.InRange((await mount.StatusJsonAsync()).GetProperty("writeBack").GetProperty("folderChanges").GetInt32(), 0, 1);
        for (var i = 0; i < 100 && (await mount.StatusJsonAsync()).GetProperty("writeBack").GetProperty("folderChanges").GetInt32() > 0; i++)
            await Task.Delay(100);
        Assert.Equal(0, (await mount.StatusJsonAsync()).GetProperty("writeBack").GetProperty("folderChanges").GetInt32());

        using var store = LocalSwiftServer.SwiftStore(_container);
        var marker = await store.HeadAsync("proj/", CancellationToken.None);
        Assert.NotNull(marker);
        Assert.Equal(Convert.ToUInt32("700", 8), MountStore.Core.Model.FileMetadata.Read(marker.Metadata, null).Mode!.Value & 0xFFF);
        await UnmountAsync(mount);
    }

    [Fact]
    public async Task Unmount_lazy_leaves_pending_uploads_for_the_next_mount_and_says_so()
    {
        await SwiftAsync("post", "-H", "X-Container-Meta-Quota-Bytes: 1", _container); // nothing can upload for now
        await using var mount = await MountAsync("--uploads", "1");
        await File.WriteAllTextAsync(Path.Combine(mount.Directory, "later.txt"), "kept for the next mount\n");
        var lazy = (await ProcessRunner.RunAsync(MountProcess.Binary, ["unmount", "--lazy", mount.Directory])).EnsureSuccess("unmount --lazy");
        Assert.Equal(0, await mount.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        await mount.DisposeAsync();
        await SwiftAsync("post", "-H", "X-Remove-Container-Meta-Quota-Bytes: x", _container);
        Assert.Contains("1 closed files", lazy.StdErr);
        Assert.Contains("next mount", lazy.StdErr);
        Assert.Null(await StoredAsync("later.txt"));

        await using var again = await MountAsync();
        await UnmountAsync(again);
        Assert.Equal("kept for the next mount\n", System.Text.Encoding.UTF8.GetString((await StoredAsync("later.txt"))!));
    }
}
