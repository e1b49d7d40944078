using MountStore.Testing;

namespace MountStore.Mount.Tests;

/// <summary>The fixture container mounted read-only over Swift, driven by System.IO and real tools.</summary>
[Collection(MountCollection.Name)]
public class ReadOnlyMountTests(SharedMount shared)
{
    private string Root => shared.Root;

    private string At(string relative) => Path.Combine(Root, relative);

    [Fact]
    public async Task Ls_lR_shows_the_whole_tree_with_unicode_names_and_sizes()
    {
        var listing = await Tools.RunAsync("ls", "-lR", Root);
        Assert.Contains("readme.txt", listing);
        Assert.Contains("日本語 ファイル.txt", listing);
        Assert.Contains("emoji 🎉 party.txt", listing);
        Assert.Contains("f09999", listing);
        Assert.Contains(E2ETree.SloSize.ToString(System.Globalization.CultureInfo.InvariantCulture), listing);
    }

    [Fact]
    public async Task Find_and_du_walk_every_file_and_skip_keys_that_cannot_be_paths()
    {
        var files = (await Tools.RunAsync("find", Root, "-type", "f")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        // small files + meta + many + two large + the fixture marker; "clash" (a file hidden by
        // the folder) and "bad//name" (empty component) are not among them
        Assert.Equal(E2ETree.SmallFiles.Count + 1 + E2ETree.ManyCount + 2 + 1, files.Length);
        Assert.DoesNotContain(files, f => f.EndsWith("/name", StringComparison.Ordinal));
        var bytes = long.Parse((await Tools.RunAsync("du", "-sb", Root)).Split('\t')[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(bytes >= E2ETree.SloSize + E2ETree.MultipartSize, $"du says {bytes}");
    }

    [Fact]
    public async Task Small_files_read_back_exactly_through_System_IO_and_cat()
    {
        foreach (var (key, text) in E2ETree.SmallFiles)
        {
            Assert.Equal(text, await File.ReadAllTextAsync(At(key)));
            Assert.Equal(text, await Tools.RunAsync("cat", At(key)));
            Assert.Equal(System.Text.Encoding.UTF8.GetByteCount(text), new FileInfo(At(key)).Length);
        }
    }

    [Fact]
    public async Task Sha256sum_of_the_1_GiB_SLO_matches_what_was_uploaded()
    {
        Assert.Equal(await ExpectedShaAsync("big/slo.bin"), await Tools.Sha256SumAsync(At("big/slo.bin")));
    }

    [Fact]
    public async Task Parallel_readers_of_one_file_each_get_their_own_bytes()
    {
        const int readers = 8, length = 16 << 20;
        await Task.WhenAll(Enumerable.Range(0, readers).Select(async k =>
        {
            var offset = k * (E2ETree.SloSize / readers) + 12345;
            var bytes = new byte[length];
            await using var stream = new FileStream(At("big/slo.bin"), FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous);
            stream.Position = offset;
            await stream.ReadExactlyAsync(bytes);
            Assert.True(PositionPattern.Bytes(offset, length, seed: 1).AsSpan().SequenceEqual(bytes), $"reader {k} at {offset} got wrong bytes");
        }));
    }

    [Fact]
    public async Task Tar_of_the_tree_holds_every_file()
    {
        var archive = Path.Combine(Path.GetTempPath(), $"e2e-{Guid.NewGuid():N}.tar");
        try
        {
            // GNU tar fails with "file changed as we read it" if a file's ctime or size moves while
            // it reads; meta/ holds a file whose mtime comes from its metadata once opened
            await Tools.RunAsync("tar", "-cf", archive, "-C", Root, "docs", "unicode", "data", "meta", "empty-marker");
            var entries = await Tools.RunAsync("tar", "-tf", archive);
            foreach (var key in E2ETree.SmallFiles.Keys.Where(k => !k.StartsWith("clash", StringComparison.Ordinal)))
                Assert.Contains(key, entries);
            Assert.Contains("empty-marker/", entries);
        }
        finally
        {
            File.Delete(archive);
        }
    }

    [Fact]
    public async Task Python_reads_the_csv_and_memory_maps_it()
    {
        var script = """
            import csv, mmap, sys
            path = sys.argv[1]
            with open(path, newline="") as f:
                total = sum(int(row["value"]) for row in csv.DictReader(f))
            with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as m:
                lines = m[:].count(b"\n")
                last = m[m.rfind(b"\n", 0, len(m) - 1) + 1:].strip().decode()
            print(total, lines, last)
            """;
        var output = await Tools.RunAsync(Tools.Python, "-c", script, At("data/table.csv"));
        Assert.Equal($"{E2ETree.CsvValueSum} 1001 999,2997", output.Trim());
    }

    [Fact]
    public void Marker_only_folders_exist_and_are_empty_in_both_conventions()
    {
        Assert.True(Directory.Exists(At("empty-marker")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(At("empty-marker")));
        Assert.True(Directory.Exists(At("empty-swift")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(At("empty-swift")));
    }

    [Fact]
    public void A_folder_wins_over_a_file_of_the_same_name()
    {
        Assert.True(Directory.Exists(At("clash")));
        Assert.False(File.Exists(At("clash")));
        Assert.Equal("inner\n", File.ReadAllText(At("clash/inner.txt")));
    }

    [Fact]
    public void A_folder_of_10000_files_lists_completely_and_in_order()
    {
        var names = Directory.EnumerateFiles(At("many")).Select(Path.GetFileName).ToList();
        Assert.Equal(E2ETree.ManyCount, names.Count);
        Assert.Equal(Enumerable.Range(0, E2ETree.ManyCount).Select(i => $"f{i:D5}"), names.Order(StringComparer.Ordinal));
        Assert.Equal("4242\n", File.ReadAllText(At("many/f04242")));
    }

    [Fact]
    public void The_object_own_mtime_and_mode_show_once_the_file_is_opened()
    {
        Assert.Equal("metadata\n", File.ReadAllText(At("meta/with-mtime.txt")));
        var info = new FileInfo(At("meta/with-mtime.txt"));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1500000000).UtcDateTime, info.LastWriteTimeUtc);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, info.UnixFileMode);
    }

    [Fact]
    public async Task Every_write_is_refused_as_read_only()
    {
        var touch = await ProcessRunner.RunAsync("touch", [At("new-file")]);
        Assert.NotEqual(0, touch.ExitCode);
        Assert.Contains("Read-only file system", touch.StdErr);
        var mkdir = await ProcessRunner.RunAsync("mkdir", [At("new-folder")]);
        Assert.Contains("Read-only file system", mkdir.StdErr);
        var remove = await ProcessRunner.RunAsync("rm", [At("docs/readme.txt")]);
        Assert.Contains("Read-only file system", remove.StdErr);
        Assert.ThrowsAny<IOException>(() => File.AppendAllText(At("docs/readme.txt"), "more"));
        Assert.True(File.Exists(At("docs/readme.txt")));
    }

    [Fact]
    public async Task Statfs_reports_a_large_empty_filesystem()
    {
        var output = await Tools.RunAsync("stat", "-f", "-c", "%b %a %l", Root);
        var parts = output.Trim().Split(' ').Select(ulong.Parse).ToArray();
        Assert.True(parts[0] > 1UL << 30 && parts[1] > 1UL << 30 && parts[2] == 255, output);
    }

    internal static async Task<string> ExpectedShaAsync(string key)
    {
        using var swift = LocalSwiftServer.SwiftStore(E2ETree.Container);
        var info = await swift.HeadAsync(key, CancellationToken.None) ?? throw new InvalidOperationException($"{key} is missing");
        return info.Metadata["sha256"];
    }
}
