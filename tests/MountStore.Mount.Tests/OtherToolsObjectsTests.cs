using System.Globalization;
using MountStore.Testing;

namespace MountStore.Mount.Tests;

/// <summary>
/// A container filled by python-swiftclient (plain, DLO and SLO uploads), by curl (a DLO by
/// hand), by rclone (Swift and S3 backends) and by s3fs (mode, times, a folder, symlinks), as
/// users' containers are. Mounted fresh over Swift and over S3: every file reads whole on the
/// very first access, whatever reads it; stat, readlink and find show what the tools stored; and
/// the two mounts show one and the same tree.
/// </summary>
[Collection(MountCollection.Name)]
public sealed class OtherToolsObjectsTests(OtherToolsContainer filled)
    : IClassFixture<OtherToolsContainer>
{
    public static TheoryData<string, string> RemotesAndReaders()
    {
        var data = new TheoryData<string, string>();
        foreach (var remote in new[] { "swift", "s3" })
        {
            foreach (var reader in new[] { "cat", "python", "mmap", "cp", "cat-after-ls" })
                data.Add(remote, reader);
        }
        return data;
    }

    private static Task<MountProcess> MountAsync(string remote, params string[] options) =>
        MountProcess.StartAsync($"{remote}://{OtherToolsContainer.Container}",
            remote == "swift" ? MountProcess.SwiftEnvironment : MountProcess.S3Environment, ["--read-only", .. options]);

    /// <summary>The sha256 of what <paramref name="reader"/> reads from <paramref name="path"/>.</summary>
    private static async Task<string> ReadHashAsync(string reader, string path)
    {
        switch (reader)
        {
            case "cat":
            case "cat-after-ls":
                return (await Tools.RunAsync("sh", "-c", "cat \"$1\" | sha256sum", "_", path)).Split(' ')[0];
            case "python":
                return (await Tools.RunAsync(Tools.Python, "-c",
                    "import hashlib,sys; print(hashlib.sha256(open(sys.argv[1],'rb').read()).hexdigest())", path)).Trim();
            case "mmap":
                // mmap sizes the mapping by fstat: a size cut short maps too little (or fails on 0)
                return (await Tools.RunAsync(Tools.Python, "-c",
                    "import hashlib,mmap,sys; f=open(sys.argv[1],'rb'); print(hashlib.sha256(mmap.mmap(f.fileno(),0,access=mmap.ACCESS_READ)).hexdigest())", path)).Trim();
            case "cp":
                var copy = Path.Combine(Path.GetTempPath(), "mountstore-cp-" + Guid.NewGuid().ToString("N"));
                try
                {
                    await Tools.RunAsync("cp", path, copy);
                    return await Tools.Sha256SumAsync(copy);
                }
                finally
                {
                    File.Delete(copy);
                }
            default:
                throw new ArgumentException(reader);
        }
    }

    [Theory]
    [MemberData(nameof(RemotesAndReaders))]
    public async Task Every_file_reads_whole_on_the_first_access_of_a_fresh_mount(string remote, string reader)
    {
        // cat-after-ls: the kernel first gets each file's size from the listing (a DLO lists as 0
        // bytes); background loading is off so only the open can correct it
        await using var mount = await MountAsync(remote, reader == "cat-after-ls" ? ["--listing-metadata", "0"] : []);
        if (reader == "cat-after-ls")
            await Tools.RunAsync("ls", "-lR", mount.Directory);

        foreach (var file in filled.Expected.Where(e => e.Type == 'f'))
            Assert.True(file.Sha256 == await ReadHashAsync(reader, Path.Combine(mount.Directory, file.Path)), $"{reader} of {file.Path} over {remote}");
    }

    [Theory]
    [InlineData("swift")]
    [InlineData("s3")]
    public async Task Stat_and_readlink_of_single_paths_show_what_each_tool_stored(string remote)
    {
        await using var mount = await MountAsync(remote);

        foreach (var expected in filled.Expected)
        {
            var seen = await Tools.RunAsync("stat", "-c", "%F|%s|%Y|%a", Path.Combine(mount.Directory, expected.Path));
            var parts = seen.Trim().Split('|');
            var what = $"{expected.Path} over {remote}: {seen.Trim()}";
            Assert.True(expected.TypeName == parts[0], what);
            if (expected.Size is { } size)
                Assert.True(size.ToString(CultureInfo.InvariantCulture) == parts[1], what);
            if (expected.MTime is { } mtime)
                Assert.True(mtime.ToString(CultureInfo.InvariantCulture) == parts[2], what);
            if (expected.Mode is { } mode)
                Assert.True(mode == parts[3], what);
            if (expected.Target is { } target)
                Assert.Equal(target, (await Tools.RunAsync("readlink", Path.Combine(mount.Directory, expected.Path))).Trim());
        }
    }

    [Fact]
    public async Task After_a_listing_types_and_times_converge_and_the_swift_and_s3_mounts_show_one_tree()
    {
        await using var swift = await MountAsync("swift");
        await using var s3 = await MountAsync("s3");

        var views = new Dictionary<string, string>();
        foreach (var mount in new[] { swift, s3 })
        {
            // find walks by the listing's types first: on S3 a symlink lists as a plain object
            var links = filled.Expected.Where(e => e.Type == 'l').Select(e => Path.Combine(mount.Directory, e.Path)).Order(StringComparer.Ordinal).ToList();
            await Eventually(async () => (await Tools.RunAsync("find", mount.Directory, "-type", "l")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).SequenceEqual(links),
                $"find -type l in {mount.Directory} lists {string.Join(", ", links)}");
            // and `ls -l` (lstat of what readdir returned) the tools' times and modes
            await Eventually(async () => Mismatches(await WalkAsync(mount.Directory)).Count == 0,
                () => $"the walk of {mount.Directory} matches what the tools stored; still different: {string.Join("; ", Mismatches(WalkAsync(mount.Directory).Result))}");
            views[mount == swift ? "swift" : "s3"] = Comparable(await WalkAsync(mount.Directory));
        }

        Assert.Equal(views["swift"], views["s3"]);
    }

    /// <summary>
    /// The walk as text to compare two mounts by, every field but the time of folders made only
    /// by their keys: they have no time of their own, and show when each mount started.
    /// </summary>
    private string Comparable(Dictionary<string, string[]> walk)
    {
        var keysOnly = filled.Expected.Where(e => e.Type == 'd' && e.Mode is null).Select(e => e.Path).ToHashSet(StringComparer.Ordinal);
        return string.Join('\n', walk.OrderBy(pair => pair.Key, StringComparer.Ordinal)
            .Select(pair => $"{pair.Key}|{string.Join('|', keysOnly.Contains(pair.Key) ? pair.Value.Select((v, i) => i == 2 ? "*" : v) : pair.Value)}"));
    }

    /// <summary>path|type|size|mtime|mode|uid|gid for every entry below <paramref name="root"/>, as os.walk and lstat see it.</summary>
    private static Task<string> WalkTextAsync(string root) => Tools.RunAsync(Tools.Python, "-c", """
        import os, stat, sys
        root = sys.argv[1]
        rows = []
        for folder, dirs, files in os.walk(root):
            for name in dirs + files:
                path = os.path.join(folder, name)
                s = os.lstat(path)
                kind = 'l' if stat.S_ISLNK(s.st_mode) else 'd' if stat.S_ISDIR(s.st_mode) else 'f'
                size = s.st_size if kind == 'f' else '-'
                rows.append(f"{os.path.relpath(path, root)}|{kind}|{size}|{int(s.st_mtime)}|{oct(s.st_mode & 0o7777)[2:]}|{s.st_uid}|{s.st_gid}")
        print("\n".join(sorted(rows)))
        """, root);

    private static async Task<Dictionary<string, string[]>> WalkAsync(string root) =>
        (await WalkTextAsync(root)).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('|')).ToDictionary(parts => parts[0], parts => parts[1..]);

    private List<string> Mismatches(Dictionary<string, string[]> walk)
    {
        var wrong = new List<string>();
        foreach (var expected in filled.Expected)
        {
            if (!walk.TryGetValue(expected.Path, out var seen))
            {
                wrong.Add($"{expected.Path} missing");
                continue;
            }
            if (seen[0][0] != expected.Type
                || (expected.Size is { } size && seen[1] != size.ToString(CultureInfo.InvariantCulture))
                || (expected.MTime is { } mtime && seen[2] != mtime.ToString(CultureInfo.InvariantCulture))
                || (expected.Mode is { } mode && seen[3] != mode))
                wrong.Add($"{expected.Path}: {string.Join('|', seen)}");
        }
        return wrong;
    }

    /// <summary>Waits for <paramref name="condition"/>: a hang guard of 60 s, not a speed check.</summary>
    private static Task Eventually(Func<Task<bool>> condition, string what) => Eventually(condition, () => what);

    private static async Task Eventually(Func<Task<bool>> condition, Func<string> what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"not within 60 s: {what()}");
            await Task.Delay(250);
        }
    }
}

/// <summary>The container the other tools fill, once per test run (see fill-with-other-tools.sh).</summary>
public sealed class OtherToolsContainer : IAsyncLifetime
{
    public const string Container = "mountstore-othertools";

    private readonly string _work = Path.Combine(Path.GetTempPath(), "mountstore-othertools-" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>What each tool was asked to store, path by path.</summary>
    public IReadOnlyList<ExpectedPath> Expected { get; private set; } = [];

    public async Task InitializeAsync()
    {
        await LocalSwiftServer.EnsureRunningAsync();
        var script = Path.Combine(RepoPaths.Root, "tests", "MountStore.Mount.Tests", "fill-with-other-tools.sh");
        (await ProcessRunner.RunAsync("bash", [script, Container, _work], timeout: TimeSpan.FromMinutes(5))).EnsureSuccess("fill-with-other-tools.sh");
        Expected = (await File.ReadAllLinesAsync(Path.Combine(_work, "expected.tsv"))).Select(ExpectedPath.Parse).ToList();
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_work, recursive: true);
        return Task.CompletedTask;
    }
}

/// <summary>One line of expected.tsv; absent values ("-") are null.</summary>
public sealed record ExpectedPath(string Path, char Type, long? Size, long? MTime, string? Mode, string? Sha256, string? Target)
{
    /// <summary>What `stat -c %F` calls this type.</summary>
    public string TypeName => Type switch { 'd' => "directory", 'l' => "symbolic link", _ => Size == 0 ? "regular empty file" : "regular file" };

    public static ExpectedPath Parse(string line)
    {
        var f = line.Split('\t');
        string? Value(int i) => f[i] == "-" ? null : f[i];
        return new ExpectedPath(f[0], f[1][0],
            Value(2) is { } size ? long.Parse(size, CultureInfo.InvariantCulture) : null,
            Value(3) is { } mtime ? long.Parse(mtime, CultureInfo.InvariantCulture) : null,
            Value(4), Value(5), Value(6));
    }
}
