using Microsoft.Extensions.Logging.Abstractions;
using MountStore.Core.FileSystem;
using MountStore.Core.Metadata;
using MountStore.Core.Namespace;
using MountStore.Core.Storage;
using MountStore.Core.Model;

namespace MountStore.Core.Tests;

public class NamespaceTests
{
    private static readonly DateTimeOffset MountTime = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly ObjectAttributes Attributes = new(new FileSystemOptions { Uid = 1000, Gid = 100 }.NodeDefaults, MountTime);

    private static ObjectInfo Object(string key, long size = 1, string? contentType = null, Dictionary<string, string>? metadata = null) =>
        new(key, size, "etag-" + key, MountTime.AddDays(1), contentType, metadata ?? new Dictionary<string, string>());

    private static IReadOnlyList<DirectoryEntry> Build(string prefix, IEnumerable<ObjectInfo> objects, params string[] prefixes)
    {
        var builder = new DirectoryListingBuilder(prefix, Attributes, NullLogger.Instance);
        builder.Add(new ListingPage(objects.ToList(), prefixes.ToList(), null));
        return builder.Build();
    }

    [Fact]
    public void Objects_become_files_and_common_prefixes_folders_in_store_order()
    {
        var entries = Build("data/", [Object("data/a.csv", 10), Object("data/b.txt", 20)], "data/sub/");
        Assert.Equal(["a.csv", "b.txt", "sub"], entries.Select(e => e.Name));
        Assert.Equal(NodeKind.File, entries[0].Attributes.Kind);
        Assert.Equal(10, entries[0].Attributes.Size);
        Assert.Equal(NodeKind.Directory, entries[2].Attributes.Kind);
    }

    [Fact]
    public void Files_and_folders_of_a_page_are_merged_in_name_order_so_a_folder_can_be_found_by_its_place()
    {
        var entries = Build("d/", [Object("d/b.txt"), Object("d/z"), Object("d/é")], "d/a/", "d/c/");
        Assert.Equal(["a", "b.txt", "c", "z", "é"], entries.Select(e => e.Name));
        var listing = new DirectoryListing(entries, MountTime);
        Assert.Equal(2, listing.IndexOf("c"));
    }

    [Fact]
    public void The_directory_own_marker_is_not_an_entry_but_marker_objects_of_subfolders_are_folders()
    {
        var builder = new DirectoryListingBuilder("d/", Attributes, NullLogger.Instance);
        builder.Add(new ListingPage([Object("d/", 0), Object("d/empty", 0, "application/directory")], [], null));
        var entries = builder.Build();
        Assert.NotNull(builder.OwnMarker);
        var only = Assert.Single(entries);
        Assert.Equal("empty", only.Name);
        Assert.True(only.Attributes.IsDirectory);
    }

    [Fact]
    public void A_folder_wins_over_a_file_of_the_same_name_and_the_name_appears_once()
    {
        var entries = Build("", [Object("clash", 5)], "clash/");
        var only = Assert.Single(entries);
        Assert.True(only.Attributes.IsDirectory);
    }

    [Fact]
    public void Keys_that_cannot_be_paths_are_skipped()
    {
        var longName = new string('x', 256);
        var entries = Build("d/", [Object("d/ok"), Object("d/" + longName), Object("d/."), Object("d/..")], "d//");
        Assert.Equal(["ok"], entries.Select(e => e.Name));
    }

    [Fact]
    public void Metadata_of_rclone_and_s3fs_sets_mtime_mode_and_owner()
    {
        var rclone = Attributes.File(Object("f", metadata: new() { ["mtime"] = "1700000000.123456789" }), metadataLoaded: true);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1700000000).AddTicks(1234567), rclone.ModifiedTime);
        var s3fs = Attributes.File(Object("g", metadata: new() { ["mtime"] = "1600000000", ["mode"] = "33261", ["uid"] = "42", ["gid"] = "43" }), metadataLoaded: true);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1600000000), s3fs.ModifiedTime);
        Assert.Equal(Convert.ToUInt32("755", 8), s3fs.Mode); // 33261 = 0100755: the type bits are dropped
        Assert.Equal((42u, 43u), (s3fs.Uid, s3fs.Gid));
    }

    [Theory]
    [InlineData("not a number")]
    [InlineData("12.")]
    [InlineData("99999999999999999999")]
    [InlineData("1.2e5")]
    public void Unparsable_metadata_falls_back_to_the_listing_and_defaults(string mtime)
    {
        var info = Object("f", metadata: new() { ["mtime"] = mtime, ["mode"] = "rwx", ["uid"] = "-1" });
        var attributes = Attributes.File(info, metadataLoaded: true);
        Assert.Equal(info.LastModified, attributes.ModifiedTime);
        Assert.Equal(Convert.ToUInt32("644", 8), attributes.Mode);
        Assert.Equal(1000u, attributes.Uid);
    }

    [Fact]
    public void Paths_map_to_keys_under_the_mount_prefix()
    {
        var ns = new ObjectNamespace("projects/alpha/");
        Assert.Equal("projects/alpha/", ns.DirectoryPrefixOf(""));
        Assert.Equal("projects/alpha/a/b/", ns.DirectoryPrefixOf("a/b"));
        Assert.Equal("projects/alpha/a/b.txt", ns.KeyOf("a/b.txt"));
        Assert.Equal("a", PathNames.ParentOf("a/b.txt"));
        Assert.Equal("", PathNames.ParentOf("top"));
    }
}
