using System.Security.Cryptography;
using System.Text;
using MountStore.Core.Storage;
using MountStore.S3;
using MountStore.Testing;

namespace MountStore.Mount.Tests;

/// <summary>
/// Writes through a real read-write mount of Swift, driven by real tools, each result checked in
/// the store through the other API (S3), so nothing is only "seen through our own cache".
/// </summary>
[Collection(MountCollection.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class WriteMountTests(SwiftWritableMount mount) : IClassFixture<SwiftWritableMount>, IDisposable
{
    private readonly string _folder = "t-" + Guid.NewGuid().ToString("N")[..10];
    private readonly S3ObjectStore _viaS3 = LocalSwiftServer.S3Store(mount.Container);
    private readonly SwiftObjectStoreHolder _viaSwift = new(mount.Container);
    private readonly string _local = Directory.CreateTempSubdirectory("mountstore-write-").FullName;

    private string At(string relative) => Path.Combine(mount.Root, _folder, relative);

    private string Key(string relative) => $"{_folder}/{relative}";

    private async Task<byte[]> StoredBytesAsync(string relative)
    {
        using var content = await _viaS3.GetAsync(Key(relative), null, CancellationToken.None);
        using var copy = new MemoryStream();
        await content.Stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    private async Task<List<string>> StoredKeysAsync(string prefix)
    {
        var keys = new List<string>();
        await foreach (var page in _viaS3.ListAllAsync(prefix, null, CancellationToken.None))
            keys.AddRange(page.Objects.Select(o => o.Key));
        return keys;
    }

    private string LocalFile(string name, int bytes, int seed)
    {
        var path = Path.Combine(_local, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var data = new byte[bytes];
        new Random(seed).NextBytes(data);
        File.WriteAllBytes(path, data);
        return path;
    }

    public void Dispose()
    {
        _viaS3.Dispose();
        _viaSwift.Dispose();
        Directory.Delete(_local, recursive: true);
    }

    [Fact]
    public async Task Cp_of_a_tree_puts_every_file_in_the_store_byte_for_byte()
    {
        for (var i = 0; i < 20; i++)
            LocalFile($"tree/sub{i % 3}/file{i}.bin", 1000 * i + 1, i);
        Directory.CreateDirectory(At(""));
        await Tools.RunAsync("cp", "-r", Path.Combine(_local, "tree"), At("tree"));

        for (var i = 0; i < 20; i++)
        {
            var name = $"tree/sub{i % 3}/file{i}.bin";
            Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(_local, name)), await StoredBytesAsync(name));
        }
        Assert.Equal(20, (await StoredKeysAsync(Key("tree/"))).Count(k => !k.EndsWith('/')));
    }

    [Fact]
    public async Task Tar_x_of_thousands_of_files_stores_them_all_and_tar_c_reads_them_back()
    {
        var source = Path.Combine(_local, "src");
        for (var i = 0; i < 2000; i++)
            LocalFile($"src/d{i % 20}/f{i}.txt", 100 + i % 300, i);
        var tarball = Path.Combine(_local, "t.tar");
        await Tools.RunAsync("tar", "-cf", tarball, "-C", source, ".");
        Directory.CreateDirectory(At("x"));

        await Tools.RunAsync("tar", "-xf", tarball, "-C", At("x"));

        Assert.Equal(2000, (await StoredKeysAsync(Key("x/"))).Count(k => !k.EndsWith('/')));
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(source, "d7/f1207.txt")), await StoredBytesAsync("x/d7/f1207.txt"));
        Assert.Equal(2000, Directory.EnumerateFiles(At("x"), "*", SearchOption.AllDirectories).Count());
        Assert.Equal(await Tools.Sha256SumAsync(Path.Combine(source, "d3/f1983.txt")), await Tools.Sha256SumAsync(At("x/d3/f1983.txt")));
        // tar -d compares contents, sizes and mtimes of the extracted tree with the archive
        var diff = await ProcessRunner.RunAsync("tar", ["-df", tarball, "-C", At("x")], timeout: TimeSpan.FromMinutes(5));
        Assert.True(diff.ExitCode == 0, diff.StdOut + diff.StdErr);
    }

    [Fact]
    public async Task Rsync_a_keeps_times_and_modes_and_a_second_run_transfers_nothing()
    {
        for (var i = 0; i < 30; i++)
            LocalFile($"r/f{i}.dat", 5000 + i, i);
        File.SetUnixFileMode(Path.Combine(_local, "r/f3.dat"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.SetLastWriteTimeUtc(Path.Combine(_local, "r/f4.dat"), new DateTime(2019, 5, 6, 7, 8, 9, DateTimeKind.Utc));
        Directory.CreateDirectory(At(""));

        await Tools.RunAsync("rsync", "-a", Path.Combine(_local, "r") + "/", At("r") + "/");
        var second = await Tools.RunAsync("rsync", "-a", "--stats", Path.Combine(_local, "r") + "/", At("r") + "/");

        Assert.Contains("Number of regular files transferred: 0", second);

        Assert.Equal(new DateTime(2019, 5, 6, 7, 8, 9, DateTimeKind.Utc), File.GetLastWriteTimeUtc(At("r/f4.dat")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(At("r/f3.dat")));
        var head = await _viaS3.HeadAsync(Key("r/f4.dat"), CancellationToken.None);
        Assert.StartsWith("1557126489.", head!.Metadata["mtime"]);
        Assert.DoesNotContain(await StoredKeysAsync(Key("r/")), k => Path.GetFileName(k).StartsWith('.')); // no rsync temp file left
    }

    [Fact]
    public async Task Pandas_reads_and_writes_csv_and_pickle_on_mount_paths_as_a_notebook_does()
    {
        Directory.CreateDirectory(At("pandas"));
        var script = """
            import sys
            import numpy as np
            import pandas as pd
            root = sys.argv[1]
            rng = np.random.default_rng(7)
            df = pd.DataFrame({"station": [f"ST{i % 40:03d}" for i in range(50_000)], "t": rng.normal(12, 5, 50_000).round(2)})
            df.to_csv(f"{root}/observations.csv", index=False)
            means = pd.read_csv(f"{root}/observations.csv").groupby("station")["t"].mean()
            means.to_pickle(f"{root}/means.pkl")
            back = pd.read_pickle(f"{root}/means.pkl")
            print(len(back), round(float(back.sum()), 6) == round(float(means.sum()), 6))
            """;
        var output = await Tools.RunAsync(Tools.Python, "-c", script, At("pandas"));

        Assert.Equal("40 True", output.Trim());
        var csv = Encoding.UTF8.GetString(await StoredBytesAsync("pandas/observations.csv"));
        Assert.StartsWith("station,t\n", csv);
        Assert.Equal(50_001, csv.Count(c => c == '\n'));
        Assert.NotEmpty(await StoredBytesAsync("pandas/means.pkl"));
    }

    [Fact]
    public async Task Python_atomic_save_like_jupyter_replaces_the_target()
    {
        Directory.CreateDirectory(At(""));
        await File.WriteAllTextAsync(At("notebook.ipynb"), "{\"cells\": []}");
        var script = """
            import os, sys
            target = sys.argv[1]
            tmp = os.path.join(os.path.dirname(target), '.~notebook.ipynb')
            with open(tmp, 'w') as f:
                f.write('{"cells": [1, 2, 3]}')
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, target)
            print(open(target).read())
            """;
        var output = await Tools.RunAsync(Tools.Python, "-c", script, At("notebook.ipynb"));

        Assert.Contains("[1, 2, 3]", output);
        Assert.Equal("{\"cells\": [1, 2, 3]}", Encoding.UTF8.GetString(await StoredBytesAsync("notebook.ipynb")));
        Assert.Equal([Key("notebook.ipynb")], (await StoredKeysAsync(Key(""))).Where(k => !k.EndsWith('/')));
    }

    [Fact]
    public async Task Editors_that_rename_a_backup_and_write_anew_and_sed_in_place_both_work()
    {
        Directory.CreateDirectory(At(""));
        await File.WriteAllTextAsync(At("config.txt"), "colour = red\nsize = 1\n");
        // vim's default on save: rename the original to a backup, write the new file, drop the backup
        File.Move(At("config.txt"), At("config.txt~"));
        await File.WriteAllTextAsync(At("config.txt"), "colour = blue\nsize = 1\n");
        File.Delete(At("config.txt~"));
        await Tools.RunAsync("sed", "-i", "s/size = 1/size = 2/", At("config.txt"));

        Assert.Equal("colour = blue\nsize = 2\n", Encoding.UTF8.GetString(await StoredBytesAsync("config.txt")));
        Assert.Equal([Key("config.txt")], (await StoredKeysAsync(Key(""))).Where(k => !k.EndsWith('/')));
    }

    [Fact]
    public async Task Appending_to_a_log_and_truncating_change_the_stored_object()
    {
        Directory.CreateDirectory(At(""));
        for (var i = 0; i < 5; i++)
            await File.AppendAllTextAsync(At("app.log"), $"line {i}\n");
        Assert.Equal("line 0\nline 1\nline 2\nline 3\nline 4\n", Encoding.UTF8.GetString(await StoredBytesAsync("app.log")));

        await Tools.RunAsync("truncate", "-s", "7", At("app.log"));
        Assert.Equal("line 0\n", Encoding.UTF8.GetString(await StoredBytesAsync("app.log")));
        await Tools.RunAsync("truncate", "-s", "10", At("app.log"));
        Assert.Equal("line 0\n\0\0\0"u8.ToArray(), await StoredBytesAsync("app.log"));
        Assert.Equal(10, new FileInfo(At("app.log")).Length);
    }

    [Fact]
    public async Task A_new_file_is_visible_with_its_size_while_still_being_written()
    {
        Directory.CreateDirectory(At(""));
        await using (var stream = new FileStream(At("growing.bin"), FileMode.CreateNew, FileAccess.Write))
        {
            await stream.WriteAsync(new byte[12345]);
            await stream.FlushAsync();
            Assert.Contains("growing.bin", Directory.EnumerateFiles(At("")).Select(Path.GetFileName));
            Assert.Equal(12345, new FileInfo(At("growing.bin")).Length);
            Assert.Null(await _viaS3.HeadAsync(Key("growing.bin"), CancellationToken.None)); // not in the store before close
        }
        Assert.Equal(12345, (await _viaS3.HeadAsync(Key("growing.bin"), CancellationToken.None))!.Size);
    }

    [Fact]
    public async Task A_1_GiB_sequential_write_becomes_an_slo_and_overwriting_it_leaves_no_orphan_segments()
    {
        Directory.CreateDirectory(At(""));
        var script = """
            import hashlib, sys
            block = bytes(range(256)) * 4096 * 4   # 4 MiB
            digest = hashlib.sha256()
            with open(sys.argv[1], 'wb') as f:
                for i in range(256):
                    chunk = block[i % 7:] + block[:i % 7]
                    digest.update(chunk)
                    f.write(chunk)
            print(digest.hexdigest())
            """;
        var written = (await Tools.RunAsync(Tools.Python, "-c", script, At("big.bin"))).Trim();
        var segmentsBefore = await _viaSwift.SegmentCountAsync();

        var head = await _viaSwift.Store.HeadAsync(Key("big.bin"), CancellationToken.None);
        Assert.Equal(1L << 30, head!.Size);
        Assert.True(head.IsSegmented);
        Assert.Equal(written, await Tools.Sha256SumAsync(At("big.bin")));

        await File.WriteAllBytesAsync(At("big.bin"), new byte[3 << 20]);
        Assert.Equal(3 << 20, (await _viaS3.HeadAsync(Key("big.bin"), CancellationToken.None))!.Size);
        Assert.True(await _viaSwift.SegmentCountAsync() <= segmentsBefore - 64, "the overwritten SLO's segments were removed");
        File.Delete(At("big.bin"));
    }

    [Fact]
    public async Task Renaming_files_and_a_folder_of_1000_files_moves_every_key()
    {
        using var store = LocalSwiftServer.SwiftStore(mount.Container);
        await Parallel.ForAsync(0, 1000, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
            await store.PutTextAsync(Key($"from/sub{i % 10}/f{i}.txt"), $"file {i}\n"));
        await File.WriteAllTextAsync(At("single.txt"), "one\n");

        File.Move(At("single.txt"), At("renamed.txt"));
        await File.WriteAllTextAsync(At("other.txt"), "two\n");
        File.Move(At("other.txt"), At("renamed.txt"), overwrite: true);
        Directory.Move(At("from"), At("to"));

        Assert.Equal("two\n", Encoding.UTF8.GetString(await StoredBytesAsync("renamed.txt")));
        Assert.Empty(await StoredKeysAsync(Key("from/")));
        var moved = await StoredKeysAsync(Key("to/"));
        Assert.Equal(1000, moved.Count(k => !k.EndsWith('/')));
        Assert.Equal("file 517\n", Encoding.UTF8.GetString(await StoredBytesAsync("to/sub7/f517.txt")));
        Assert.Equal(1000, Directory.EnumerateFiles(At("to"), "*", SearchOption.AllDirectories).Count());
        Assert.False(Directory.Exists(At("from")));
    }

    [Fact]
    public async Task Rm_r_removes_everything_and_rmdir_refuses_a_folder_with_files()
    {
        for (var i = 0; i < 50; i++)
            LocalFile($"gone/d{i % 5}/f{i}", 10, i);
        Directory.CreateDirectory(At(""));
        await Tools.RunAsync("cp", "-r", Path.Combine(_local, "gone"), At("gone"));

        var rmdir = await ProcessRunner.RunAsync("rmdir", [At("gone/d1")]);
        Assert.Contains("Directory not empty", rmdir.StdErr);
        await Tools.RunAsync("rm", "-r", At("gone"));

        Assert.Empty(await StoredKeysAsync(Key("gone/")));
        Assert.False(Directory.Exists(At("gone")));
    }

    [Fact]
    public async Task Empty_folders_persist_and_a_folder_keeps_existing_when_its_last_file_goes()
    {
        using var store = LocalSwiftServer.SwiftStore(mount.Container);
        await store.PutTextAsync(Key("implicit/only.txt"), "x"); // a folder that exists only through this key
        Directory.CreateDirectory(At("empty/inner"));
        Assert.Equal(["only.txt"], Directory.EnumerateFiles(At("implicit")).Select(Path.GetFileName));
        File.Delete(At("implicit/only.txt"));

        Assert.Contains(Key("empty/inner/"), await StoredKeysAsync(Key("empty/")));
        Assert.Contains(Key("implicit/"), await StoredKeysAsync(Key("implicit/")));
        Assert.True(Directory.Exists(At("implicit")));
        Directory.Delete(At("empty/inner"));
        Assert.DoesNotContain(Key("empty/inner/"), await StoredKeysAsync(Key("empty/")));
    }

    [Fact]
    public async Task Cp_p_touch_chmod_and_chown_persist_in_object_metadata()
    {
        var source = LocalFile("meta.bin", 100, 1);
        File.SetLastWriteTimeUtc(source, new DateTime(2021, 2, 3, 4, 5, 6, 789, DateTimeKind.Utc));
        Directory.CreateDirectory(At(""));
        await Tools.RunAsync("cp", "-p", source, At("meta.bin"));
        Assert.Equal(new DateTime(2021, 2, 3, 4, 5, 6, 789, DateTimeKind.Utc), File.GetLastWriteTimeUtc(At("meta.bin")));

        await Tools.RunAsync("chmod", "640", At("meta.bin"));
        await Tools.RunAsync("chown", "1234:5678", At("meta.bin"));
        await Tools.RunAsync("touch", "-d", "2022-03-04 05:06:07Z", At("meta.bin"));

        var head = (await _viaS3.HeadAsync(Key("meta.bin"), CancellationToken.None))!;
        Assert.Equal("33184", head.Metadata["mode"]); // S_IFREG | 0640, as s3fs writes it
        Assert.Equal("1234", head.Metadata["uid"]);
        Assert.Equal("5678", head.Metadata["gid"]);
        Assert.StartsWith("1646370367.", head.Metadata["mtime"]);
        var stat = (await Tools.RunAsync("stat", "-c", "%a %u %g %Y", At("meta.bin"))).Trim();
        Assert.Equal("640 1234 5678 1646370367", stat);
    }

    [Fact]
    public async Task Symlinks_are_stored_as_s3fs_does_and_read_back_as_symlinks()
    {
        Directory.CreateDirectory(At(""));
        await File.WriteAllTextAsync(At("target.txt"), "pointed at\n");
        File.CreateSymbolicLink(At("link"), "target.txt");

        Assert.Equal("target.txt", (await Tools.RunAsync("readlink", At("link"))).Trim());
        Assert.Equal("pointed at\n", await File.ReadAllTextAsync(At("link")));
        Assert.Equal("target.txt", Encoding.UTF8.GetString(await StoredBytesAsync("link")));
        var head = (await _viaS3.HeadAsync(Key("link"), CancellationToken.None))!;
        Assert.Equal(0xA000u, uint.Parse(head.Metadata["mode"]) & 0xF000u);
    }

    [Fact]
    public async Task Hard_links_device_nodes_and_names_the_store_cannot_hold_get_clear_errors()
    {
        Directory.CreateDirectory(At(""));
        await File.WriteAllTextAsync(At("a.txt"), "a");
        Assert.Contains("Operation not permitted", (await ProcessRunner.RunAsync("ln", [At("a.txt"), At("hard")])).StdErr);
        // fifos and sockets are stored (PosixBehaviourTests); device nodes are refused, see the README
        Assert.Contains("Operation not permitted", (await ProcessRunner.RunAsync("mknod", [At("null"), "c", "1", "3"])).StdErr);
        // five folders of 240 bytes: each name is legal, the key is over Swift's 1024 bytes
        var deep = At(string.Join('/', Enumerable.Range(0, 4).Select(i => new string((char)('a' + i), 240))));
        Directory.CreateDirectory(deep);
        var tooLong = await ProcessRunner.RunAsync("touch", [Path.Combine(deep, new string('e', 240))]);
        Assert.Contains("File name too long", tooLong.StdErr);
        Assert.Contains("File name too long", (await ProcessRunner.RunAsync("touch", [At(new string('x', 256))])).StdErr);
    }

    [Fact]
    public async Task Concurrent_writers_on_different_files_all_land()
    {
        Directory.CreateDirectory(At(""));
        var sums = await Task.WhenAll(Enumerable.Range(0, 8).Select(async i =>
        {
            var data = new byte[(20 << 20) + i * 4097];
            new Random(i).NextBytes(data);
            await File.WriteAllBytesAsync(At($"w{i}.bin"), data);
            return Convert.ToHexStringLower(SHA256.HashData(data));
        }));

        for (var i = 0; i < 8; i++)
            Assert.Equal(sums[i], Convert.ToHexStringLower(SHA256.HashData(await StoredBytesAsync($"w{i}.bin"))));
    }
}

/// <summary>The Swift view of the write container, with its segment container.</summary>
public sealed class SwiftObjectStoreHolder(string container) : IDisposable
{
    public MountStore.Swift.SwiftObjectStore Store { get; } = LocalSwiftServer.SwiftStore(container);

    private readonly MountStore.Swift.SwiftObjectStore _segments = LocalSwiftServer.SwiftStore(container + "_segments");

    public async Task<int> SegmentCountAsync()
    {
        var count = 0;
        try
        {
            await foreach (var page in _segments.ListAllAsync("", null, CancellationToken.None))
                count += page.Objects.Count;
        }
        catch (ContainerNotFoundException)
        {
        }
        return count;
    }

    public void Dispose()
    {
        Store.Dispose();
        _segments.Dispose();
    }
}
