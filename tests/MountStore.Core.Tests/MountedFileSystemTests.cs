using MountStore.Core.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using MountStore.Core.FileSystem;
using MountStore.Testing;
using static MountStore.Testing.FaultInjectingObjectStore;
using MountStore.Core.Model;

namespace MountStore.Core.Tests;

public class MountedFileSystemTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly InMemoryObjectStore _memory = new();
    private readonly FaultInjectingObjectStore _store;
    private readonly ManualClock _clock = new(Start);

    public MountedFileSystemTests() => _store = new FaultInjectingObjectStore(_memory);

    private MountedFileSystem Mount(string prefix = "", bool readOnly = false, int listingMetadata = 0, int listAhead = 0) =>
        new(_store, new FileSystemOptions
        {
            RootPrefix = prefix,
            ReadOnly = readOnly,
            ListAhead = listAhead, // off unless a test is about it: counts below are of the requests a test makes
            MetadataTtl = TimeSpan.FromSeconds(30),
            NegativeTtl = TimeSpan.FromSeconds(5),
            ListingMetadataParallel = listingMetadata, // request counts below are exact without background HEADs
        },
            NullLoggerFactory.Instance, _clock);

    [Fact]
    public async Task Listing_a_folder_of_2500_files_costs_three_list_requests_and_no_head()
    {
        for (var i = 0; i < 2500; i++)
            await _memory.PutTextAsync($"many/f{i:D5}", "x");
        await using var fs = Mount();

        var listing = await fs.ListDirectoryAsync("many", CancellationToken.None);
        Assert.Equal(2500, listing.Entries.Count);
        Assert.All(listing.Entries, entry => Assert.Equal(1, fs.Preferred("many/" + entry.Name, entry.Attributes).Size));

        Assert.Equal(3, _store.CountOf(StoreCall.List));
        Assert.Equal(0, _store.CountOf(StoreCall.Head));
    }

    [Fact]
    public async Task A_walk_finds_the_folders_after_its_first_listed_flat_in_four_ranges_and_none_listed_twice()
    {
        for (var i = 0; i < 30; i++)
            await _memory.PutTextAsync($"w/d{i:D2}/f", "x");
        await _memory.PutTextAsync("w/d07/deep/er/g", "x");
        await _memory.PutTextAsync("w/d09/", ""); // a marker, as s3fs makes them
        await using var fs = Mount(listAhead: 128);
        await fs.ListDirectoryAsync("", CancellationToken.None); // so "w" is known without a lookup of its own

        await fs.OpenDirectoryAsync("w", CancellationToken.None);
        Assert.True(fs.Cache.TryGetListing("w/d00", out _)); // its first subfolder, before the walk asks
        Assert.False(fs.Cache.TryGetListing("w/d01", out _)); // opening one folder lists one more, no more
        await fs.OpenDirectoryAsync("w/d00", CancellationToken.None); // the walk goes down: the rest ahead
        await WalkAsync(fs, "w");

        // the root, "w", d00, and d01..d29 in four flat ranges: each folder once, none skipped
        Assert.Equal(3 + 4, _store.CountOf(StoreCall.List));
        Assert.Equal(0, _store.CountOf(StoreCall.Head));
        Assert.Equal(1 + 29 + 2, fs.ListedAhead); // d00, d01..d29, and deep, deep/er below d07
        var deep = await fs.ListDirectoryAsync("w/d07/deep/er", CancellationToken.None);
        Assert.Equal(["g"], deep.Entries.Select(e => e.Name));
        Assert.True((await fs.ListDirectoryAsync("w/d09", CancellationToken.None)).HasMarker);
    }

    [Fact]
    public async Task A_walk_over_a_folder_of_a_thousand_subfolders_lists_them_ahead_in_batches_each_once()
    {
        for (var i = 0; i < 1000; i++)
            await _memory.PutTextAsync($"w/d{i:D4}/f", "x");
        await using var fs = Mount(listAhead: 128);

        Assert.Equal(1000, await WalkAsync(fs, "w"));

        // a step of the walk looks at the next 128 entries and starts ranges when half of them
        // are not listed: about 1000 / 64 batches of four ranges, not a LIST per folder
        Assert.InRange(_store.CountOf(StoreCall.List), 40, 80);
        Assert.Equal(1000, fs.ListedAhead); // every folder before the walk got there, none twice
    }

    /// <summary>Opens every folder under <paramref name="path"/> in listing order, depth first, as find does.</summary>
    private static async Task<int> WalkAsync(MountedFileSystem fs, string path)
    {
        var view = await fs.OpenDirectoryAsync(path, CancellationToken.None);
        var files = 0;
        foreach (var entry in (await fs.ListDirectoryAsync(path, CancellationToken.None)).Entries)
            files += entry.Attributes.IsDirectory ? await WalkAsync(fs, path + "/" + entry.Name) : 1;
        Assert.NotNull(view);
        return files;
    }

    [Fact]
    public async Task A_walk_that_opens_a_folder_while_its_flat_listing_runs_waits_for_it_and_ranges_stay_within_the_parallel_limit()
    {
        for (var i = 0; i < 20; i++)
            await _memory.PutTextAsync($"w/d{i:D2}/f", "x");
        await using var fs = Mount(listAhead: 128);
        await fs.OpenDirectoryAsync("w", CancellationToken.None); // w, and d00 ahead
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var waiting = 0;
        _store.Before(StoreCall.List, () =>
        {
            Interlocked.Increment(ref waiting);
            return gate.Task;
        });

        await fs.OpenDirectoryAsync("w/d00", CancellationToken.None);
        var walk = Task.WhenAll(Enumerable.Range(1, 19).Select(i => fs.OpenDirectoryAsync($"w/d{i:D2}", CancellationToken.None).AsTask()));
        await Task.Delay(50);

        Assert.Equal(4, Volatile.Read(ref waiting)); // four ranges; the walk waits for them, asks nothing itself
        Assert.False(walk.IsCompleted);
        gate.SetResult();
        Assert.All(await walk, view => Assert.Equal(1, view.Count));
        Assert.Equal(4, Volatile.Read(ref waiting));
    }

    [Fact]
    public async Task A_change_made_through_the_mount_while_a_flat_listing_runs_is_not_lost()
    {
        for (var i = 0; i < 6; i++)
            await _memory.PutTextAsync($"w/d{i:D2}/f", "x");
        await using var fs = Mount(listAhead: 128);
        await fs.OpenDirectoryAsync("w", CancellationToken.None);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = 0;
        _store.Before(StoreCall.List, () => Interlocked.Increment(ref held) <= 4 ? gate.Task : Task.CompletedTask);
        await fs.OpenDirectoryAsync("w/d00", CancellationToken.None); // d01..d05 being listed in four ranges, held

        var making = Task.Run(async () =>
        {
            await fs.MakeDirectoryAsync("w/d03/new", Convert.ToUInt32("755", 8), CancellationToken.None);
            await fs.MakeDirectoryAsync("w/d04/new", Convert.ToUInt32("755", 8), CancellationToken.None);
        });
        await Task.WhenAny(making, Task.Delay(200));
        gate.SetResult();
        await making;

        foreach (var folder in new[] { "w/d03", "w/d04" })
            Assert.Equal(["f", "new"], (await fs.ListDirectoryAsync(folder, CancellationToken.None)).Entries.Select(e => e.Name));
    }

    [Fact]
    public async Task A_file_made_and_one_removed_through_the_mount_while_its_folder_is_being_listed_are_shown_and_kept_so()
    {
        await _memory.PutTextAsync("d/old.txt", "x");
        await _memory.PutTextAsync("d/keep.txt", "x");
        await using var fs = Mount();
        await fs.ListDirectoryAsync("", CancellationToken.None);
        var answered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // the server answers the LIST before the changes below, and the answer lands after them
        _store.HoldListAnswers(() =>
        {
            answered.TrySetResult();
            return gate.Task;
        });
        var listing = fs.ListDirectoryAsync("d", CancellationToken.None).AsTask();
        await answered.Task;
        _store.HoldListAnswers(null);

        await fs.CreateFileAsync("d/new.txt", "hello"u8.ToArray());
        await fs.UnlinkAsync("d/old.txt", CancellationToken.None);
        gate.SetResult();

        Assert.Equal(["keep.txt", "new.txt"], (await listing).Entries.Select(e => e.Name));
        var lists = _store.CountOf(StoreCall.List);
        Assert.Equal(["keep.txt", "new.txt"], (await fs.ListDirectoryAsync("d", CancellationToken.None)).Entries.Select(e => e.Name));
        Assert.Equal(lists, _store.CountOf(StoreCall.List)); // kept, with both changes
    }

    [Fact]
    public async Task A_flat_listing_stops_at_its_name_limit_keeps_the_folders_it_completed_and_the_walk_lists_the_rest()
    {
        // 60 folders of 100 files; a cache of 20,000 entries lets a walk pull 4,000 names at a time
        for (var i = 0; i < 60; i++)
        {
            for (var f = 0; f < 100; f++)
                await _memory.PutTextAsync($"w/d{i:D2}/f{f:D3}", "x");
        }
        await using var fs = new MountedFileSystem(_store, new FileSystemOptions { MaxCachedEntries = 20_000, ListingMetadataParallel = 0, ListAheadParallel = 1 },
            NullLoggerFactory.Instance, _clock);
        await fs.OpenDirectoryAsync("w", CancellationToken.None);
        await fs.OpenDirectoryAsync("w/d00", CancellationToken.None);
        for (var i = 1; i < 60; i++)
            Assert.Equal(100, (await fs.OpenDirectoryAsync($"w/d{i:D2}", CancellationToken.None)).Count);

        // The first run stops after four pages of 1,000 names: d01..d39 complete, d40 cut. The
        // walk's next descent starts a run from d40 (or the walk lists d40 itself, if it gets
        // there first): every folder is listed once.
        Assert.InRange(fs.ListedAhead, 1 + 58, 1 + 59);
        // w and its lookup, d00, the four pages of the first run, and two more at most: not 60
        Assert.InRange(_store.CountOf(StoreCall.List), 9, 10);
    }

    [Fact]
    public async Task Stat_of_single_files_loads_their_metadata_once_each_and_the_next_ones_ahead()
    {
        for (var i = 0; i < 200; i++)
            await _memory.PutAsync($"d/f{i:D3}", new MemoryStream([1]), new ObjectWriteOptions { Metadata = new Dictionary<string, string> { ["mtime"] = "1600000000.5" } }, CancellationToken.None);
        await using var fs = Mount();
        await fs.ListDirectoryAsync("d", CancellationToken.None);

        for (var i = 0; i < 200; i++)
        {
            var attributes = await fs.GetAttributesAsync($"d/f{i:D3}", CancellationToken.None);
            Assert.True(attributes.MetadataLoaded);
            Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_600_000_000_500), attributes.ModifiedTime);
        }

        Assert.Equal(1, _store.CountOf(StoreCall.List));
        // one question per file, the look-ahead never asks twice: a HEAD ahead, or the GET of the
        // first bytes that a lookup with nothing loaded asks with
        Assert.Equal(200, _store.CountOf(StoreCall.Head) + _store.CountOf(StoreCall.Get));
        Assert.True(fs.MetadataLoadedAhead > 0);
    }

    [Fact]
    public async Task A_lookup_outside_any_cached_listing_costs_one_list_and_two_heads_at_once_and_tells_file_from_folder()
    {
        await _memory.PutTextAsync("a/b/file.txt", "hello");
        await _memory.PutTextAsync("a/b-sibling", "x");
        await using var fs = Mount();

        Assert.True((await fs.GetAttributesAsync("a/b", CancellationToken.None)).IsDirectory);
        Assert.Equal(1, _store.CountOf(StoreCall.List));
        Assert.Equal(5, (await fs.GetAttributesAsync("a/b/file.txt", CancellationToken.None)).Size);
        Assert.Null(await fs.LookupAsync("a/nothing", CancellationToken.None));
        Assert.Null(await fs.LookupAsync("a/nothing", CancellationToken.None)); // the absence is cached
        Assert.Equal(3, _store.CountOf(StoreCall.List));
        // the key (a GET of its first bytes, kept for a read), and "key/" for a folder's own metadata
        Assert.Equal((3, 3), (_store.CountOf(StoreCall.Get), _store.CountOf(StoreCall.Head)));
    }

    [Fact]
    public async Task Marker_only_folders_exist_empty_in_both_conventions()
    {
        await _memory.PutTextAsync("empty-s3/", "");
        await _memory.PutTextAsync("empty-swift", "", contentType: "application/directory");
        await using var fs = Mount();

        var root = await fs.ListDirectoryAsync("", CancellationToken.None);
        Assert.All(root.Entries, e => Assert.True(e.Attributes.IsDirectory));
        Assert.Equal(["empty-s3", "empty-swift"], root.Entries.Select(e => e.Name).Order());
        Assert.Empty((await fs.ListDirectoryAsync("empty-s3", CancellationToken.None)).Entries);
        await using var fresh = Mount();
        Assert.True((await fresh.GetAttributesAsync("empty-swift", CancellationToken.None)).IsDirectory);
    }

    [Fact]
    public async Task Changes_behind_the_mount_show_after_the_ttl_and_not_before()
    {
        await _memory.PutTextAsync("d/old", "1");
        await using var fs = Mount();
        Assert.Single((await fs.ListDirectoryAsync("d", CancellationToken.None)).Entries);

        await _memory.PutTextAsync("d/new", "22");
        _clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Single((await fs.ListDirectoryAsync("d", CancellationToken.None)).Entries);
        Assert.Null(await fs.LookupAsync("d/new", CancellationToken.None));

        _clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(2, (await fs.ListDirectoryAsync("d", CancellationToken.None)).Entries.Count);
        Assert.Equal(2, (await fs.GetAttributesAsync("d/new", CancellationToken.None)).Size);
    }

    [Fact]
    public async Task A_single_path_shows_its_own_metadata_and_open_asks_again_only_after_the_ttl()
    {
        await _memory.PutTextAsync("f.csv", "a,b\n", metadata: new() { ["mtime"] = "1500000000", ["mode"] = "33152" });
        await using var fs = Mount();
        var looked = await fs.GetAttributesAsync("f.csv", CancellationToken.None);
        Assert.True(looked.MetadataLoaded);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1500000000), looked.ModifiedTime);
        Assert.Equal(Convert.ToUInt32("600", 8), looked.Mode);
        // "f.csv" asked with a GET of its first bytes, and "f.csv/" with a HEAD in case it were a folder
        Assert.Equal((1, 1), (_store.CountOf(StoreCall.Get), _store.CountOf(StoreCall.Head)));

        var opened = await fs.OpenAsync("f.csv", OpenIntent.ReadOnly, CancellationToken.None);
        Assert.Equal(looked.ModifiedTime, opened.Attributes.ModifiedTime);
        var buffer = new byte[16];
        Assert.Equal(4, await fs.ReadAsync(opened.Handle, 0, buffer, CancellationToken.None));
        Assert.Equal("a,b\n"u8.ToArray(), buffer[..4]);
        // the lookup just before the open asked, and its answer brought the bytes the read wanted
        Assert.Equal((1, 1), (_store.CountOf(StoreCall.Get), _store.CountOf(StoreCall.Head)));
        await fs.ReleaseAsync(opened.Handle);

        _clock.Advance(TimeSpan.FromSeconds(31));
        var again = await fs.OpenAsync("f.csv", OpenIntent.ReadOnly, CancellationToken.None);
        // close-to-open: looked up again after the TTL, and the open trusts that
        Assert.Equal((2, 2), (_store.CountOf(StoreCall.Get), _store.CountOf(StoreCall.Head)));
        await fs.ReleaseAsync(again.Handle);
        Assert.Equal(0, fs.OpenFileCount);
    }

    [Fact]
    public async Task Reading_the_start_of_a_listed_file_costs_the_lookups_one_get_and_no_head()
    {
        var data = TestStores.Pattern(1 << 20);
        await _memory.PutAsync("data/big.bin", data);
        await using var fs = Mount();
        await fs.ListDirectoryAsync("data", CancellationToken.None);

        var looked = await fs.GetAttributesAsync("data/big.bin", CancellationToken.None);
        var opened = await fs.OpenAsync("data/big.bin", OpenIntent.ReadOnly, CancellationToken.None);
        var buffer = new byte[64 << 10];
        Assert.Equal(buffer.Length, await fs.ReadAsync(opened.Handle, 0, buffer, CancellationToken.None));

        Assert.True(looked.MetadataLoaded);
        Assert.Equal(data.AsSpan(0, buffer.Length).ToArray(), buffer);
        Assert.Equal((1, 0), (_store.CountOf(StoreCall.Get), _store.CountOf(StoreCall.Head)));
        // past the first bytes, reading goes on from the store
        var rest = new byte[data.Length - buffer.Length];
        var at = buffer.Length;
        while (at < data.Length)
            at += await fs.ReadAsync(opened.Handle, at, rest.AsMemory(at - buffer.Length), CancellationToken.None);
        Assert.Equal(data.AsSpan(buffer.Length).ToArray(), rest);
        await fs.ReleaseAsync(opened.Handle);
    }

    [Fact]
    public async Task The_warm_up_asks_four_questions_about_a_name_nobody_uses_and_remembers_the_answer()
    {
        await _memory.PutTextAsync("data/kept.txt", "x");
        await using var fs = Mount();

        await fs.WarmUpAsync(".warm-up", CancellationToken.None);

        // the open of an unlisted name (GET of the first bytes, HEAD of "name/", LIST around it)
        // and the metadata load of a listed one (GET); nothing written, nothing left open
        Assert.Equal((2, 1, 1), (_store.CountOf(StoreCall.Get), _store.CountOf(StoreCall.Head), _store.CountOf(StoreCall.List)));
        Assert.Equal(0, _store.CountOf(StoreCall.Put) + _store.CountOf(StoreCall.Delete) + _store.CountOf(StoreCall.Copy) + _store.CountOf(StoreCall.Begin));
        Assert.Equal(0, fs.OpenFileCount);
        Assert.Null(await fs.LookupAsync(".warm-up", CancellationToken.None));
        Assert.Equal(4, _store.CountOf(StoreCall.Get) + _store.CountOf(StoreCall.Head) + _store.CountOf(StoreCall.List)); // from the cache
        Assert.Equal(1, _memory.Count);
    }

    [Fact]
    public async Task The_warm_up_of_a_name_someone_stored_leaves_the_object_and_no_open_file()
    {
        await _memory.PutTextAsync(".warm-up", "someone's");
        await using var fs = Mount();

        await fs.WarmUpAsync(".warm-up", CancellationToken.None);

        Assert.Equal(0, fs.OpenFileCount);
        Assert.Equal(0, _store.CountOf(StoreCall.Put) + _store.CountOf(StoreCall.Delete));
        Assert.Equal(9, (await fs.GetAttributesAsync(".warm-up", CancellationToken.None)).Size);
    }

    [Fact]
    public async Task Opening_a_file_deleted_behind_the_mount_says_not_found_once_the_ttl_has_passed()
    {
        await _memory.PutTextAsync("gone", "x");
        await using var fs = Mount();
        await fs.GetAttributesAsync("gone", CancellationToken.None);
        await _memory.DeleteAsync("gone", CancellationToken.None);
        _clock.Advance(TimeSpan.FromSeconds(31));
        var error = await Assert.ThrowsAsync<FileSystemException>(async () => await fs.OpenAsync("gone", OpenIntent.ReadOnly, CancellationToken.None));
        Assert.Equal(FileSystemError.NotFound, error.Error);
    }

    [Fact]
    public async Task Writes_are_refused_as_read_only()
    {
        await _memory.PutTextAsync("f", "x");
        await using var fs = Mount(readOnly: true);
        var error = await Assert.ThrowsAsync<FileSystemException>(async () => await fs.OpenAsync("f", OpenIntent.WriteOnly, CancellationToken.None));
        Assert.Equal(FileSystemError.ReadOnly, error.Error);
    }

    [Fact]
    public async Task A_mount_of_a_prefix_shows_only_the_keys_below_it()
    {
        await _memory.PutTextAsync("projects/alpha/data.csv", "1");
        await _memory.PutTextAsync("projects/beta/other.csv", "2");
        await using var fs = Mount("projects/alpha/");
        var root = await fs.ListDirectoryAsync("", CancellationToken.None);
        Assert.Equal(["data.csv"], root.Entries.Select(e => e.Name));
        Assert.Null(await fs.LookupAsync("other.csv", CancellationToken.None));
    }

    [Fact]
    public async Task Concurrent_listings_of_one_folder_share_one_fetch()
    {
        for (var i = 0; i < 10; i++)
            await _memory.PutTextAsync($"shared/f{i}", "x");
        _store.Delay(StoreCall.List, TimeSpan.FromMilliseconds(50));
        await using var fs = Mount();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => fs.ListDirectoryAsync("shared", CancellationToken.None).AsTask()));
        Assert.Equal(1, _store.CountOf(StoreCall.List));
    }

    [Fact]
    public async Task Store_failures_leave_the_filesystem_only_as_filesystem_errors()
    {
        await _memory.PutTextAsync("d/f.txt", "hello");
        await _memory.PutTextAsync("d/g.txt", "world");
        await using var fs = Mount();
        var opened = await fs.OpenAsync("d/f.txt", OpenIntent.ReadOnly, CancellationToken.None);
        var written = await fs.CreateAsync("d/new.txt", 420, OpenIntent.WriteOnly, CancellationToken.None);
        await fs.WriteAsync(written.Handle, 0, new byte[10], CancellationToken.None);
        _clock.Advance(TimeSpan.FromMinutes(1)); // nothing cached is fresh: every call reaches the store
        foreach (var call in Enum.GetValues<StoreCall>())
            _store.FailFrom(call, 1);

        var operations = new Dictionary<string, Func<Task>>
        {
            ["lookup"] = async () => await fs.LookupAsync("d/g.txt", CancellationToken.None),
            ["list"] = async () => await fs.ListDirectoryAsync("d", CancellationToken.None),
            ["open"] = async () => await fs.OpenAsync("d/g.txt", OpenIntent.ReadOnly, CancellationToken.None),
            ["read"] = async () => await fs.ReadAsync(opened.Handle, 0, new byte[5], CancellationToken.None),
            ["flush"] = async () => await fs.FlushAsync(written.Handle, CancellationToken.None),
            ["mkdir"] = async () => await fs.MakeDirectoryAsync("e", 493, CancellationToken.None),
            ["unlink"] = async () => await fs.UnlinkAsync("d/g.txt", CancellationToken.None),
            ["rename"] = async () => await fs.RenameAsync("d/g.txt", "d/h.txt", false, CancellationToken.None),
            ["symlink"] = async () => await fs.CreateSymlinkAsync("link", "d/f.txt", CancellationToken.None),
            ["chmod"] = async () => await fs.SetAttributesAsync("d/g.txt", null, new AttributeChanges(Permissions: 384), CancellationToken.None),
        };
        foreach (var (name, operation) in operations)
        {
            var error = await Record.ExceptionAsync(operation);
            Assert.True(error is FileSystemException { Error: FileSystemError.InputOutput, Severity: FailureSeverity.Error }, $"{name}: {error}");
            Assert.IsType<StoreUnavailableException>(error.InnerException); // the cause stays for the log
        }
        _store.Heal();
        await fs.ReleaseAsync(opened.Handle);
        await fs.ReleaseAsync(written.Handle);
    }

    [Fact]
    public async Task Every_time_the_filesystem_stamps_comes_from_its_clock()
    {
        await using var fs = Mount();
        _clock.Advance(TimeSpan.FromDays(3));
        var file = await fs.CreateAsync("stamped.txt", 420, OpenIntent.WriteOnly, CancellationToken.None);
        Assert.Equal(_clock.GetUtcNow(), file.Attributes.ModifiedTime);

        _clock.Advance(TimeSpan.FromMinutes(5));
        await fs.WriteAsync(file.Handle, 0, new byte[3], CancellationToken.None);
        Assert.Equal(_clock.GetUtcNow(), (await fs.GetAttributesAsync("stamped.txt", CancellationToken.None)).ModifiedTime);

        _clock.Advance(TimeSpan.FromMinutes(5));
        var touched = await fs.SetAttributesAsync("stamped.txt", file.Handle, new AttributeChanges(ModifiedTimeToNow: true), CancellationToken.None);
        Assert.Equal(_clock.GetUtcNow(), touched.ModifiedTime);
        await fs.FlushAsync(file.Handle, CancellationToken.None);
        await fs.ReleaseAsync(file.Handle);
    }
}
