using System.Security.Cryptography;
using System.Text;
using MountStore.Core.Prefetch;
using MountStore.Core.Storage;

namespace MountStore.Store.Tests.Contract;

/// <summary>
/// What every <see cref="IObjectStore"/> must do, run against each store by a subclass. Each
/// test writes below the fixture's run prefix, so runs never see each other's objects.
/// </summary>
public abstract class ObjectStoreContractTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : StoreFixture
{
    private const int MiB = 1 << 20;
    private static readonly CancellationToken None = CancellationToken.None;

    private IObjectStore Store => fixture.Store;

    private string Key(string name, [System.Runtime.CompilerServices.CallerMemberName] string test = "") =>
        $"{fixture.RunPrefix}{test}/{name}";

    private static byte[] RandomBytes(int length)
    {
        var data = new byte[length];
        Random.Shared.NextBytes(data);
        return data;
    }

    private async Task<ObjectInfo> PutAsync(string key, byte[] data, ObjectWriteOptions? options = null)
    {
        using var stream = new MemoryStream(data);
        return await Store.PutAsync(key, stream, options ?? ObjectWriteOptions.Default, None);
    }

    private async Task<byte[]> ReadAsync(string key, ByteRange? range = null)
    {
        await using var content = await Store.GetAsync(key, range, None);
        using var copy = new MemoryStream();
        await content.Stream.CopyToAsync(copy);
        Assert.Equal(content.Length, copy.Length);
        return copy.ToArray();
    }

    private async Task<(List<string> Objects, List<string> Prefixes, int Pages)> ListEverythingAsync(string prefix, string? delimiter, int pageSize,
        string? startAfter = null, string? endBefore = null)
    {
        var objects = new List<string>();
        var prefixes = new List<string>();
        var pages = 0;
        string? token = null;
        do
        {
            var page = await Store.ListAsync(new ListRequest(prefix, delimiter, token, pageSize, startAfter, endBefore), None);
            pages++;
            objects.AddRange(page.Objects.Select(o => o.Key));
            prefixes.AddRange(page.CommonPrefixes);
            token = page.ContinuationToken;
        }
        while (token is not null);
        return (objects, prefixes, pages);
    }

    [Fact]
    public async Task Listing_with_delimiter_shows_one_level_of_nested_prefixes()
    {
        var root = Key("");
        foreach (var name in new[] { "top.txt", "a/1.txt", "a/b/2.txt", "a/b/c/3.txt", "z/9.txt" })
            await PutAsync(root + name, Encoding.UTF8.GetBytes(name));

        var top = await ListEverythingAsync(root, "/", 1000);
        Assert.Equal([root + "top.txt"], top.Objects);
        Assert.Equal([root + "a/", root + "z/"], top.Prefixes);

        var a = await ListEverythingAsync(root + "a/", "/", 1000);
        Assert.Equal([root + "a/1.txt"], a.Objects);
        Assert.Equal([root + "a/b/"], a.Prefixes);

        var flat = await ListEverythingAsync(root, null, 1000);
        Assert.Equal(5, flat.Objects.Count);
        Assert.Empty(flat.Prefixes);
    }

    [Fact]
    public async Task Listing_entries_carry_size_etag_and_date()
    {
        var key = Key("sized.bin");
        var data = RandomBytes(1234);
        var before = DateTimeOffset.UtcNow.AddMinutes(-5);
        await PutAsync(key, data);

        var page = await Store.ListAsync(new ListRequest(Key(""), "/"), None);
        var entry = Assert.Single(page.Objects);
        Assert.Equal(key, entry.Key);
        Assert.Equal(1234, entry.Size);
        Assert.Equal(ETags.Md5Hex(data), entry.ETag);
        Assert.InRange(entry.LastModified, before, DateTimeOffset.UtcNow.AddMinutes(5));
    }

    [Fact]
    public async Task A_listing_and_a_head_date_an_object_alike_and_not_ahead_of_the_clock()
    {
        // A file's mtime must not change when a HEAD replaces what the listing said, and a
        // date ahead of the clock makes make warn of clock skew and misorder its targets.
        var key = Key("dated.bin");
        await PutAsync(key, RandomBytes(10));
        var headed = (await Store.HeadAsync(key, None))!.LastModified;
        var listed = Assert.Single((await Store.ListAsync(new ListRequest(Key(""), "/"), None)).Objects).LastModified;

        Assert.Equal(headed, listed);
        Assert.True(headed <= DateTimeOffset.UtcNow, $"dated {headed:O}, now {DateTimeOffset.UtcNow:O}");
    }

    [Fact]
    public async Task Listing_more_than_10000_objects_pages_through_all_of_them_in_order()
    {
        await fixture.EnsurePagingSetAsync();

        var (objects, prefixes, pages) = await ListEverythingAsync(StoreFixture.PagingPrefix, "/", 1000);

        Assert.Empty(prefixes);
        Assert.Equal(StoreFixture.PagingSetSize, objects.Count);
        Assert.Equal(Enumerable.Range(0, StoreFixture.PagingSetSize).Select(StoreFixture.PagingKey), objects);
        Assert.True(pages >= 11, $"expected at least 11 pages of 1000, got {pages}");
    }

    [Fact]
    public async Task Paging_through_common_prefixes_returns_each_entry_exactly_once()
    {
        var root = Key("");
        var names = new List<string>();
        foreach (var dir in new[] { "d1", "d2", "d3", "d4", "d5" })
            for (var i = 0; i < 3; i++) names.Add($"{dir}/f{i}");
        names.AddRange(["a.txt", "d2.txt", "e.txt", "m.txt"]);
        await Parallel.ForEachAsync(names, async (n, _) => await PutAsync(root + n, [1]));

        var (objects, prefixes, pages) = await ListEverythingAsync(root, "/", 2);

        Assert.Equal(new[] { "a.txt", "d2.txt", "e.txt", "m.txt" }.Select(n => root + n), objects);
        Assert.Equal(new[] { "d1/", "d2/", "d3/", "d4/", "d5/" }.Select(n => root + n), prefixes);
        Assert.True(pages >= 5);
    }

    public static TheoryData<string> AwkwardNames => new()
    {
        "with space.txt",
        "ünïcödé/ファイル.txt",
        "emoji 😀.bin",
        "percent%20sign%",
        "question?mark",
        "hash#tag",
        "plus+sign",
        "amp&eq=semi;colon",
        "quote'dbl\"",
        "tilde~star*paren()",
    };

    [Theory]
    [MemberData(nameof(AwkwardNames))]
    public async Task Awkward_names_round_trip_through_put_head_get_list_and_delete(string name)
    {
        var dir = Key(Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(name)))[..8] + "/");
        var key = dir + name;
        var data = Encoding.UTF8.GetBytes("content of " + name);

        await PutAsync(key, data);

        Assert.Equal(data.Length, (await Store.HeadAsync(key, None))!.Size);
        Assert.Equal(data, await ReadAsync(key));
        var listed = await ListEverythingAsync(dir, null, 1000);
        Assert.Equal([key], listed.Objects);
        await Store.DeleteAsync(key, None);
        Assert.Null(await Store.HeadAsync(key, None));
    }

    [Fact]
    public async Task A_flat_listing_between_two_keys_gives_exactly_the_keys_strictly_between_them_across_pages()
    {
        // the bounds a walk uses for folders b..c: after "b", before "c0" ('0' follows '/')
        var root = Key("");
        string[] names = ["a/1", "b", "b-x", "b/", "b/1", "b/sub/2", "b0", "c/1", "c/2", "c0", "d/1"];
        foreach (var n in names) await PutAsync(root + n, [1]);

        var between = await ListEverythingAsync(root, null, 2, startAfter: root + "b", endBefore: root + "c0");

        Assert.Equal(["b-x", "b/", "b/1", "b/sub/2", "b0", "c/1", "c/2"], between.Objects.Select(k => k[root.Length..]));
        Assert.Empty(between.Prefixes);
        Assert.True(between.Pages >= 4, $"{between.Pages} pages"); // seven keys, two a page: the bounds held on every page
        var open = await ListEverythingAsync(root, null, 1000, startAfter: root + "c0");
        Assert.Equal(["d/1"], open.Objects.Select(k => k[root.Length..]));
    }

    [Fact]
    public async Task Listing_order_is_utf8_byte_order()
    {
        var root = Key("");
        // U+FF5E (3 UTF-8 bytes) sorts before U+1F600 (4 bytes) by bytes, after it in UTF-16
        string[] names = ["A", "a", "é", "～", "😀"];
        foreach (var n in names) await PutAsync(root + n, [1]);

        var listed = await ListEverythingAsync(root, "/", 1000);

        Assert.Equal(names.Select(n => root + n), listed.Objects);
    }

    [Fact]
    public async Task Ranged_reads_at_the_boundaries_of_an_object()
    {
        var key = Key("thousand.bin");
        var data = RandomBytes(1000);
        await PutAsync(key, data);

        Assert.Equal(data, await ReadAsync(key));
        Assert.Equal(data[..1], await ReadAsync(key, new ByteRange(0, 1)));
        Assert.Equal(data[999..], await ReadAsync(key, new ByteRange(999, 1)));
        Assert.Equal(data[500..600], await ReadAsync(key, new ByteRange(500, 100)));
        Assert.Equal(data[990..], await ReadAsync(key, new ByteRange(990, 100)));
        Assert.Empty(await ReadAsync(key, new ByteRange(1000, 10)));
        Assert.Empty(await ReadAsync(key, new ByteRange(5000, 1)));

        await using var content = await Store.GetAsync(key, new ByteRange(100, 50), None);
        Assert.Equal(100, content.Offset);
        Assert.Equal(1000, content.Info.Size);
    }

    [Fact]
    public async Task An_empty_object_reads_as_empty_with_or_without_a_range()
    {
        var key = Key("empty");
        await PutAsync(key, []);

        Assert.Empty(await ReadAsync(key));
        Assert.Empty(await ReadAsync(key, new ByteRange(0, 10)));
        Assert.Equal(0, (await Store.HeadAsync(key, None))!.Size);
    }

    [Fact]
    public async Task A_lookup_asked_with_a_get_of_the_first_bytes_learns_what_a_head_tells_and_keeps_those_bytes()
    {
        var metadata = new Dictionary<string, string> { ["mtime"] = "1700000000.5", ["mode"] = "33152" };
        var plain = RandomBytes(300_000);
        await PutAsync(Key("plain.csv"), plain, new ObjectWriteOptions { ContentType = "text/csv", Metadata = metadata });
        await PutAsync(Key("empty"), []);
        var parts = new[] { RandomBytes(5 * MiB), RandomBytes(MiB) };
        var upload = await Store.BeginSegmentedUploadAsync(Key("segmented.bin"), new ObjectWriteOptions { Metadata = metadata }, None);
        await upload.CompleteAsync(await Task.WhenAll(parts.Select((part, i) => upload.UploadPartAsync(i + 1, part, None))), None);
        var firstBytes = new FirstBytes(8, TimeSpan.FromMinutes(1), TimeProvider.System);

        foreach (var (name, data) in new[] { ("plain.csv", plain), ("empty", Array.Empty<byte>()), ("segmented.bin", parts[0]) })
        {
            var head = (await Store.HeadAsync(Key(name), None))!;
            var asked = (await firstBytes.HeadAsync(Store, Key(name), None))!;

            Assert.Equal(Describe(head), Describe(asked));
            var kept = new byte[FirstBytes.Length];
            var count = firstBytes.CopyTo(Key(name), head.ETag, 0, kept);
            Assert.Equal(Math.Min(data.Length, kept.Length), count);
            Assert.Equal(data.AsSpan(0, count).ToArray(), kept.AsSpan(0, count).ToArray());
        }
        Assert.Null(await firstBytes.HeadAsync(Store, Key("absent"), None));
    }

    /// <summary>All an object's answer says of it, comparable (metadata in order, ETag spelled one way).</summary>
    private static string Describe(ObjectInfo info) =>
        $"{info.Key} {info.Size} {ETags.Normalize(info.ETag)} {info.LastModified:O} {info.ContentType} segmented={info.IsSegmented} " +
        string.Join(",", info.Metadata.OrderBy(m => m.Key, StringComparer.OrdinalIgnoreCase).Select(m => $"{m.Key.ToLowerInvariant()}={m.Value}"));

    [Fact]
    public async Task Missing_objects_are_null_on_head_and_not_found_on_get_and_copy()
    {
        var key = Key("absent");
        Assert.Null(await Store.HeadAsync(key, None));
        var get = await Assert.ThrowsAsync<ObjectNotFoundException>(() => Store.GetAsync(key, null, None));
        Assert.Contains("absent", get.Message);
        await Assert.ThrowsAsync<ObjectNotFoundException>(() => Store.CopyAsync(key, Key("copy"), null, None));
    }

    [Fact]
    public async Task Metadata_and_content_type_round_trip()
    {
        var key = Key("table.csv");
        var metadata = new Dictionary<string, string> { ["mtime"] = "1700000000.123456789", ["mode"] = "33188", ["uid"] = "1000" };
        var put = await PutAsync(key, Encoding.UTF8.GetBytes("a,b\n1,2\n"), new ObjectWriteOptions { ContentType = "text/csv", Metadata = metadata });

        var head = await Store.HeadAsync(key, None);
        Assert.NotNull(head);
        Assert.Equal("text/csv", head.ContentType);
        foreach (var (name, value) in metadata) Assert.Equal(value, head.Metadata[name]);
        Assert.Equal(put.ETag, head.ETag);

        await using var content = await Store.GetAsync(key, null, None);
        Assert.Equal("1700000000.123456789", content.Info.Metadata["mtime"]);
    }

    [Fact]
    public async Task Put_replaces_an_existing_object()
    {
        var key = Key("replaced");
        await PutAsync(key, Encoding.UTF8.GetBytes("first version"));
        await PutAsync(key, Encoding.UTF8.GetBytes("second"));

        Assert.Equal("second", Encoding.UTF8.GetString(await ReadAsync(key)));
        Assert.Equal(6, (await Store.HeadAsync(key, None))!.Size);
    }

    [Fact]
    public async Task Copy_keeps_metadata_unless_told_to_replace_it()
    {
        var source = Key("source");
        var data = RandomBytes(4096);
        await PutAsync(source, data, new ObjectWriteOptions { ContentType = "image/png", Metadata = new Dictionary<string, string> { ["mtime"] = "1", ["color"] = "blue" } });

        var kept = await Store.CopyAsync(source, Key("kept"), null, None);
        Assert.Equal("blue", kept.Metadata["color"]);
        Assert.Equal(data, await ReadAsync(Key("kept")));

        var replaced = await Store.CopyAsync(source, Key("replaced"), new Dictionary<string, string> { ["mtime"] = "2" }, None);
        Assert.Equal("2", replaced.Metadata["mtime"]);
        Assert.False(replaced.Metadata.ContainsKey("color"));
        Assert.Equal("image/png", replaced.ContentType);
        Assert.Equal(data, await ReadAsync(Key("replaced")));

        // the source is untouched
        Assert.Equal("blue", (await Store.HeadAsync(source, None))!.Metadata["color"]);
    }

    [Fact]
    public async Task Copy_onto_itself_replaces_metadata_and_keeps_the_bytes()
    {
        var key = Key("self");
        var data = RandomBytes(2048);
        await PutAsync(key, data, new ObjectWriteOptions { Metadata = new Dictionary<string, string> { ["mtime"] = "1" } });

        var updated = await Store.CopyAsync(key, key, new Dictionary<string, string> { ["mtime"] = "99", ["mode"] = "33261" }, None);

        Assert.Equal("99", updated.Metadata["mtime"]);
        Assert.Equal("33261", (await Store.HeadAsync(key, None))!.Metadata["mode"]);
        Assert.Equal(data, await ReadAsync(key));
    }

    [Fact]
    public async Task Delete_removes_the_object_and_deleting_again_is_fine()
    {
        var key = Key("doomed");
        await PutAsync(key, [1, 2, 3]);

        await Store.DeleteAsync(key, None);
        await Store.DeleteAsync(key, None);

        Assert.Null(await Store.HeadAsync(key, None));
        Assert.Empty((await Store.ListAsync(new ListRequest(Key("")), None)).Objects);
    }

    [Fact]
    public async Task Segmented_upload_assembles_parts_sent_out_of_order_and_in_parallel()
    {
        var key = Key("assembled.bin");
        var parts = new[] { RandomBytes(5 * MiB), RandomBytes(5 * MiB), RandomBytes(MiB + 17) };
        var upload = await Store.BeginSegmentedUploadAsync(key, new ObjectWriteOptions { Metadata = new Dictionary<string, string> { ["mtime"] = "42" } }, None);

        Assert.Null(await Store.HeadAsync(key, None)); // nothing visible before completion
        var sent = await Task.WhenAll(new[] { 3, 1, 2 }.Select(n => upload.UploadPartAsync(n, parts[n - 1], None)));
        var info = await upload.CompleteAsync(sent, None);

        var whole = parts.SelectMany(p => p).ToArray();
        Assert.Equal(whole.Length, info.Size);
        Assert.True(info.IsSegmented);
        Assert.Equal("42", info.Metadata["mtime"]);
        Assert.Equal(whole, await ReadAsync(key));
        // a range across the first part boundary
        Assert.Equal(whole[(5 * MiB - 10)..(5 * MiB + 10)], await ReadAsync(key, new ByteRange(5 * MiB - 10, 20)));
        var listed = Assert.Single((await Store.ListAsync(new ListRequest(Key("")), None)).Objects);
        Assert.Equal(whole.Length, listed.Size);
    }

    [Fact]
    public async Task Aborting_a_segmented_upload_leaves_no_object_and_no_parts()
    {
        var key = Key("aborted.bin");
        var upload = await Store.BeginSegmentedUploadAsync(key, ObjectWriteOptions.Default, None);
        await upload.UploadPartAsync(1, RandomBytes(5 * MiB), None);
        await upload.UploadPartAsync(2, RandomBytes(1024), None);

        await upload.AbortAsync(None);
        await upload.AbortAsync(None); // twice is harmless

        Assert.Null(await Store.HeadAsync(key, None));
        Assert.Equal(0, await fixture.CountStoredPartsAsync(key));
    }

    [Fact]
    public async Task Deleting_a_segmented_object_removes_its_parts()
    {
        var key = Key("deleted-large.bin");
        await UploadInPartsAsync(key, 5 * MiB, 1024);

        await Store.DeleteAsync(key, None);

        Assert.Null(await Store.HeadAsync(key, None));
        Assert.Equal(0, await fixture.CountStoredPartsAsync(key));
    }

    [Fact]
    public async Task Overwriting_a_segmented_object_leaves_no_orphaned_parts()
    {
        var key = Key("overwritten-large.bin");
        await UploadInPartsAsync(key, 5 * MiB, 1024);
        var before = await fixture.CountStoredPartsAsync(key);

        var second = await UploadInPartsAsync(key, 5 * MiB, 2048);
        Assert.Equal(second, await ReadAsync(key));
        var afterSecond = await fixture.CountStoredPartsAsync(key);

        await PutAsync(key, Encoding.UTF8.GetBytes("small now"));
        Assert.Equal("small now", Encoding.UTF8.GetString(await ReadAsync(key)));
        var afterPut = await fixture.CountStoredPartsAsync(key);

        if (fixture.ServerKeepsPartsOfReplacedObjects)
        {
            // the server's own leak, exactly: nothing more left by the client than the server kept
            Assert.Equal(2 * before, afterSecond);
            Assert.Equal(2 * before, afterPut);
        }
        else
        {
            Assert.Equal(before, afterSecond); // the old segments went, the new ones stay
            Assert.Equal(0, afterPut);
        }
    }

    [Fact]
    public async Task A_put_for_a_name_thought_free_that_another_writer_took_is_a_conflict_and_leaves_that_object_whole()
    {
        // The writer created the name, but another machine stored a large object under it
        // meanwhile: nothing may be written over it, its parts stay, and the error says so.
        var key = Key("taken-meanwhile.bin");
        var theirs = await UploadInPartsAsync(key, 5 * MiB, 1024);
        var before = await fixture.CountStoredPartsAsync(key);
        var fresh = Key("really-free.txt");

        var e = await Assert.ThrowsAsync<WriteConflictException>(() => PutAsync(key, Encoding.UTF8.GetBytes("mine"), new ObjectWriteOptions { ExpectNoObject = true }));
        await PutAsync(fresh, Encoding.UTF8.GetBytes("new"), new ObjectWriteOptions { ExpectNoObject = true });

        Assert.Equal(412, e.StatusCode);
        Assert.Equal(theirs, await ReadAsync(key));
        Assert.Equal("new", Encoding.UTF8.GetString(await ReadAsync(fresh)));
        Assert.Equal(before, await fixture.CountStoredPartsAsync(key));
    }

    [Fact]
    public async Task A_write_of_a_version_replaced_meanwhile_is_a_conflict_and_one_of_the_current_version_succeeds()
    {
        var key = Key("versioned.txt");
        var first = await PutAsync(key, Encoding.UTF8.GetBytes("first"));
        var second = await PutAsync(key, Encoding.UTF8.GetBytes("second, from elsewhere"));

        await Assert.ThrowsAsync<WriteConflictException>(() => PutAsync(key, Encoding.UTF8.GetBytes("mine"), new ObjectWriteOptions { ExpectETag = first.ETag }));
        Assert.Equal("second, from elsewhere", Encoding.UTF8.GetString(await ReadAsync(key)));

        await PutAsync(key, Encoding.UTF8.GetBytes("mine"), new ObjectWriteOptions { ExpectETag = second.ETag });
        Assert.Equal("mine", Encoding.UTF8.GetString(await ReadAsync(key)));

        // a segmented upload checks the same way at complete, and its parts stay for a copy elsewhere
        var upload = await Store.BeginSegmentedUploadAsync(key, new ObjectWriteOptions { ExpectETag = first.ETag }, None);
        var part = await upload.UploadPartAsync(1, RandomBytes(1000), None);
        await Assert.ThrowsAsync<WriteConflictException>(() => upload.CompleteAsync([part], None));
        Assert.Equal("mine", Encoding.UTF8.GetString(await ReadAsync(key)));
        if (upload.CanCompleteUnderAnotherKey)
        {
            var copy = await upload.CompleteUnderAsync(Key("versioned.conflict.txt"), [part], None);
            Assert.Equal(1000, copy.Size);
        }
        else
        {
            await upload.AbortAsync(None);
        }
    }

    [Fact]
    public async Task A_ranged_get_of_a_version_that_was_replaced_returns_no_bytes_and_says_so()
    {
        var key = Key("read-one-version.bin");
        var first = await PutAsync(key, RandomBytes(100_000));
        await using (var same = await Store.GetAsync(key, new ByteRange(10, 100), first.ETag, None))
            Assert.True(VersionChecks.Same(first.ETag, same.Info.ETag));
        var second = await PutAsync(key, RandomBytes(100_000));

        var e = await Assert.ThrowsAsync<ObjectChangedException>(async () =>
        {
            await using var content = await Store.GetAsync(key, new ByteRange(10, 100), first.ETag, None);
            VersionChecks.EnsureVersion(content, key, first.ETag); // what the reader does with every answer
        });
        Assert.Equal(first.ETag, e.ExpectedETag);
        Assert.True(VersionChecks.Same(second.ETag, e.FoundETag));
    }

    [Fact]
    public async Task Rename_moves_an_object_with_its_metadata_over_an_existing_one()
    {
        var (source, target) = (Key("from"), Key("to"));
        var data = RandomBytes(3000);
        await PutAsync(source, data, new ObjectWriteOptions { ContentType = "text/csv", Metadata = new Dictionary<string, string> { ["mtime"] = "7" } });
        await PutAsync(target, [1, 2, 3]);

        var moved = await Store.RenameAsync(source, target, None);

        Assert.Equal(data.Length, moved.Size);
        Assert.Null(await Store.HeadAsync(source, None));
        var head = (await Store.HeadAsync(target, None))!;
        Assert.Equal("text/csv", head.ContentType);
        Assert.Equal("7", head.Metadata["mtime"]);
        Assert.Equal(data, await ReadAsync(target));
    }

    [Fact]
    public async Task Renaming_a_segmented_object_keeps_its_bytes_and_orphans_no_parts()
    {
        var (source, target) = (Key("large-from.bin"), Key("large-to.bin"));
        var data = await UploadInPartsAsync(source, 5 * MiB, 4096);
        await UploadInPartsAsync(target, 5 * MiB, 100); // replaced by the rename

        var moved = await Store.RenameAsync(source, target, None);

        Assert.Equal(data.Length, moved.Size);
        Assert.Null(await Store.HeadAsync(source, None));
        Assert.Equal(data, await ReadAsync(target));
        var listed = (await Store.ListAsync(new ListRequest(Key("")), None)).Objects.Single(o => o.Key == target);
        Assert.Equal(data.Length, listed.Size);
        await Store.DeleteAsync(target, None);
        Assert.Equal(0, await fixture.CountStoredPartsAsync(source));
        if (!fixture.ServerKeepsPartsOfReplacedObjects)
            Assert.Equal(0, await fixture.CountStoredPartsAsync(target));
    }

    private async Task<byte[]> UploadInPartsAsync(string key, params int[] sizes)
    {
        var upload = await Store.BeginSegmentedUploadAsync(key, ObjectWriteOptions.Default, None);
        var data = sizes.Select(RandomBytes).ToArray();
        var parts = new List<UploadedPart>();
        for (var i = 0; i < data.Length; i++) parts.Add(await upload.UploadPartAsync(i + 1, data[i], None));
        await upload.CompleteAsync(parts, None);
        return data.SelectMany(d => d).ToArray();
    }

    [Fact]
    public async Task A_name_longer_than_the_store_holds_is_a_clear_invalid_name_error()
    {
        var key = Key("") + new string('n', Store.Limits.MaxKeyBytes);

        var put = await Assert.ThrowsAsync<InvalidObjectNameException>(() => PutAsync(key, [1]));
        Assert.Contains($"at most {Store.Limits.MaxKeyBytes}", put.Message);
        await Assert.ThrowsAsync<InvalidObjectNameException>(() => Store.HeadAsync(key, None));
        await Assert.ThrowsAsync<InvalidObjectNameException>(() => Store.BeginSegmentedUploadAsync(key, ObjectWriteOptions.Default, None));
    }

    [Fact]
    public async Task A_put_from_a_non_seekable_stream_is_stored_whole()
    {
        var key = Key("piped");
        var data = RandomBytes(300_000);

        await Store.PutAsync(key, new ForwardOnlyStream(data), ObjectWriteOptions.Default, None);

        Assert.Equal(data, await ReadAsync(key));
    }

    private sealed class ForwardOnlyStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => base.Position; set => throw new NotSupportedException(); }
    }
}

public sealed class InMemoryStoreContract(InMemoryStoreFixture f) : ObjectStoreContractTests<InMemoryStoreFixture>(f);

public sealed class LocalSwiftStoreContract(LocalSwiftFixture f) : ObjectStoreContractTests<LocalSwiftFixture>(f);

public sealed class LocalS3StoreContract(LocalS3Fixture f) : ObjectStoreContractTests<LocalS3Fixture>(f);

public sealed class RgwSwiftStoreContract(RgwSwiftFixture f) : ObjectStoreContractTests<RgwSwiftFixture>(f);

public sealed class RgwS3StoreContract(RgwS3Fixture f) : ObjectStoreContractTests<RgwS3Fixture>(f);
