namespace MountStore.Mount.Tests;

/// <summary>The same container through the S3 API: s3:// mounts see the same tree and read a multipart object.</summary>
[Collection(MountCollection.Name)]
public class S3MountTests
{
    [Fact]
    public async Task An_s3_mount_reads_a_multipart_object_byte_for_byte_and_lists_the_tree()
    {
        await E2ETree.EnsureAsync();
        await using var mount = await MountProcess.StartAsync($"s3://{E2ETree.Container}", MountProcess.S3Environment, "--read-only");
        Assert.Equal(await ReadOnlyMountTests.ExpectedShaAsync("big/multipart.bin"), await Tools.Sha256SumAsync(Path.Combine(mount.Directory, "big/multipart.bin")));
        Assert.Equal(E2ETree.ManyCount, Directory.EnumerateFiles(Path.Combine(mount.Directory, "many")).Count());
        Assert.True(Directory.Exists(Path.Combine(mount.Directory, "empty-marker")));
        Assert.Equal(E2ETree.SmallFiles["data/table.csv"], await File.ReadAllTextAsync(Path.Combine(mount.Directory, "data/table.csv")));
    }

    [Fact]
    public async Task A_mount_of_a_prefix_shows_only_what_is_below_it()
    {
        await E2ETree.EnsureAsync();
        await using var mount = await MountProcess.StartAsync($"swift://{E2ETree.Container}/docs", MountProcess.SwiftEnvironment, "--read-only");
        Assert.Equal(["notes", "readme.txt"], Directory.EnumerateFileSystemEntries(mount.Directory).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal("january\n", await File.ReadAllTextAsync(Path.Combine(mount.Directory, "notes/2024/jan.txt")));
    }
}
