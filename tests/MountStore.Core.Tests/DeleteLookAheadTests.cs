using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using MountStore.Core.FileSystem;
using MountStore.Core.Metadata;
using MountStore.Core.Model;
using MountStore.Core.Namespace;
using MountStore.Core.Storage;
using MountStore.Testing;
using static MountStore.Testing.FaultInjectingObjectStore;

namespace MountStore.Core.Tests;

/// <summary>
/// `rm -r` on a store that looks before it deletes (Swift): each delete takes the answer a HEAD
/// of the last second gave instead of asking again, a run of deletes asks ahead, and an answer
/// that is stale or about another version is not trusted.
/// </summary>
public sealed class DeleteLookAheadTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private const int Files = 20;
    private readonly InMemoryObjectStore _memory = new(new StoreLimits { ListingsMarkLargeObjects = true }) { LooksBeforeDelete = true };
    private readonly FaultInjectingObjectStore _store;
    private readonly ManualClock _clock = new(Start);

    public DeleteLookAheadTests() => _store = new FaultInjectingObjectStore(_memory);

    private MountedFileSystem Mount() =>
        new(_store, new FileSystemOptions
        {
            ListAhead = 0,
            ListingMetadataParallel = 0, // request counts below are exact without background HEADs
            MetadataTtl = TimeSpan.FromSeconds(30),
        }, NullLoggerFactory.Instance, _clock);

    private static string File(int i) => $"d/f{i:D2}";

    private async Task FillAsync()
    {
        for (var i = 0; i < Files; i++)
            await _memory.PutTextAsync(File(i), $"file {i}");
    }

    /// <summary>
    /// A mount of <paramref name="store"/>, filled with <see cref="Files"/> files, that looked at
    /// every one two seconds ago: their metadata is cached for 30 s, but the answers are too old
    /// for a delete. File <paramref name="empty"/>, when given, is empty.
    /// </summary>
    private async Task<MountedFileSystem> MountLookedAtLongAgoAsync(InMemoryObjectStore memory, IObjectStore store, int? empty = null)
    {
        for (var i = 0; i < Files; i++)
            await memory.PutTextAsync(File(i), i == empty ? "" : $"file {i}");
        var fs = new MountedFileSystem(store, new FileSystemOptions { ListAhead = 0, ListingMetadataParallel = 0, MetadataTtl = TimeSpan.FromSeconds(30) },
            NullLoggerFactory.Instance, _clock);
        await fs.ListDirectoryAsync("d", CancellationToken.None);
        for (var i = 0; i < Files; i++)
            await fs.LookupAsync(File(i), CancellationToken.None);
        _clock.Advance(TimeSpan.FromSeconds(2));
        return fs;
    }

    /// <summary>What the kernel does for each name `rm -r` removes: a lookup, then the unlink.</summary>
    private static async Task RemoveInOrderAsync(MountedFileSystem fs)
    {
        for (var i = 0; i < Files; i++)
        {
            await fs.LookupAsync(File(i), CancellationToken.None);
            Assert.Null(await fs.UnlinkAsync(File(i), CancellationToken.None));
        }
    }

    private static async Task AssertAllGoneAsync(InMemoryObjectStore memory)
    {
        for (var i = 0; i < Files; i++)
            Assert.Null(await memory.HeadAsync(File(i), CancellationToken.None));
    }

    [Fact]
    public async Task Rm_r_deletes_take_the_answers_of_the_lookups_and_each_file_is_asked_about_once()
    {
        await FillAsync();
        await using var fs = Mount();
        await fs.ListDirectoryAsync("d", CancellationToken.None);

        await RemoveInOrderAsync(fs);

        await AssertAllGoneAsync(_memory);
        Assert.Equal(0, _memory.DeletesThatLooked);
        Assert.Equal(Files, _memory.DeletesGivenAnAnswer);
        Assert.Equal(Files, fs.DeletesAnsweredAhead);
        // each asked once (the first by its lookup's GET, the rest ahead); without the answers: twice as many
        Assert.Equal(Files, _store.CountOf(StoreCall.Head) + _store.CountOf(StoreCall.Get));
    }

    [Theory]
    [InlineData(true, 0, 1)] // the run's one listing page answers every later delete, with no HEAD
    [InlineData(false, Files - 2, 0)] // Swift before 2.19: a HEAD each, asked while an earlier one is deleted
    public async Task A_run_of_deletes_asks_about_the_files_ahead_when_the_lookups_answers_are_stale(bool listingsMarkLargeObjects, int headsAhead, int listings)
    {
        var memory = new InMemoryObjectStore(new StoreLimits { ListingsMarkLargeObjects = listingsMarkLargeObjects }) { LooksBeforeDelete = true };
        var store = new FaultInjectingObjectStore(memory);
        await using var fs = await MountLookedAtLongAgoAsync(memory, store);
        var headsBefore = store.CountOf(StoreCall.Head);
        var listsBefore = store.CountOf(StoreCall.List);

        await RemoveInOrderAsync(fs);

        await AssertAllGoneAsync(memory);
        // the first delete is alone, and the second starts the run: both look for themselves
        Assert.Equal(2, memory.DeletesThatLooked);
        Assert.Equal(Files - 2, memory.DeletesGivenAnAnswer);
        Assert.Equal(headsAhead, store.CountOf(StoreCall.Head) - headsBefore);
        Assert.Equal(listings, store.CountOf(StoreCall.List) - listsBefore);
    }

    [Theory]
    [InlineData(false, true, 0, 0)] // S3: deletes without looking, so nothing is asked
    [InlineData(true, true, 0, 1)] // Swift: the row's version will do; the delete looks for itself
    [InlineData(true, false, 1, 0)] // Swift before 2.19: the row's version may be a manifest's, so the lookup asks
    public async Task An_unlink_of_a_listed_file_nobody_looked_at_loads_no_metadata_unless_the_row_cannot_tell_its_version(
        bool looksBeforeDelete, bool listingsMarkLargeObjects, int askedByTheUnlink, int deletesThatLooked)
    {
        var memory = new InMemoryObjectStore(new StoreLimits { ListingsMarkLargeObjects = listingsMarkLargeObjects }) { LooksBeforeDelete = looksBeforeDelete };
        var store = new FaultInjectingObjectStore(memory);
        await memory.PutTextAsync(File(0), "file 0");
        await using var fs = new MountedFileSystem(store, new FileSystemOptions { ListAhead = 0, ListingMetadataParallel = 0 }, NullLoggerFactory.Instance, _clock);
        await fs.ListDirectoryAsync("d", CancellationToken.None);

        Assert.Null(await fs.UnlinkAsync(File(0), CancellationToken.None));

        Assert.Null(await memory.HeadAsync(File(0), CancellationToken.None));
        Assert.Equal(askedByTheUnlink, store.CountOf(StoreCall.Head) + store.CountOf(StoreCall.Get));
        Assert.Equal(deletesThatLooked, memory.DeletesThatLooked);
    }

    [Fact]
    public async Task An_unlink_whose_listing_row_shows_another_version_than_the_mount_knows_asks_the_store()
    {
        var memory = new InMemoryObjectStore(new StoreLimits { ListingsMarkLargeObjects = true }) { LooksBeforeDelete = true };
        var store = new FaultInjectingObjectStore(memory);
        await memory.PutTextAsync(File(0), "the stored version");
        await using var fs = new MountedFileSystem(store, new FileSystemOptions { ListAhead = 0, ListingMetadataParallel = 0 }, NullLoggerFactory.Instance, _clock);
        await fs.LookupAsync(File(0), CancellationToken.None); // the mount knows the stored version
        // a listing sent later shows the version before (one sent while this mount stored the file)
        memory.ListAs(File(0), row => row with { ETag = "the-version-before" });
        _clock.Advance(TimeSpan.FromSeconds(1));
        await fs.ListDirectoryAsync("d", CancellationToken.None);
        var asked = store.CountOf(StoreCall.Head) + store.CountOf(StoreCall.Get);

        Assert.Null(await fs.UnlinkAsync(File(0), CancellationToken.None)); // not EIO: the row's version is not taken

        Assert.Null(await memory.HeadAsync(File(0), CancellationToken.None));
        Assert.Equal(1, store.CountOf(StoreCall.Head) + store.CountOf(StoreCall.Get) - asked);
    }

    [Fact]
    public async Task A_listing_answers_only_plain_objects_so_an_empty_file_asks_for_itself()
    {
        await using var fs = await MountLookedAtLongAgoAsync(_memory, _store, empty: 5); // on Swift it could be a DLO's manifest

        await RemoveInOrderAsync(fs);

        await AssertAllGoneAsync(_memory);
        Assert.Equal(3, _memory.DeletesThatLooked); // the first two, and the empty one
        Assert.Equal(Files - 3, _memory.DeletesGivenAnAnswer);
    }

    [Fact]
    public async Task An_answer_older_than_a_second_is_not_trusted()
    {
        await FillAsync();
        await using var fs = Mount();
        await fs.ListDirectoryAsync("d", CancellationToken.None);
        await fs.LookupAsync(File(0), CancellationToken.None); // asks about f00 and the files after it
        _clock.Advance(TimeSpan.FromSeconds(1.5));

        await fs.UnlinkAsync(File(0), CancellationToken.None);
        await fs.UnlinkAsync(File(1), CancellationToken.None);

        Assert.Equal(2, _memory.DeletesThatLooked);
        Assert.Equal(0, _memory.DeletesGivenAnAnswer);
    }

    [Fact]
    public async Task An_answer_about_a_version_before_this_mount_rewrote_the_file_is_not_trusted()
    {
        await FillAsync();
        await using var fs = Mount();
        await fs.ListDirectoryAsync("d", CancellationToken.None);
        await fs.LookupAsync(File(0), CancellationToken.None); // f01 asked about ahead: its first version
        var file = await fs.OpenAsync(File(1), new OpenIntent(false, true, true), CancellationToken.None);
        await fs.WriteAsync(file.Handle, 0, Encoding.UTF8.GetBytes("rewritten here"), CancellationToken.None);
        await fs.FlushAsync(file.Handle, CancellationToken.None); // close: the new version is stored
        await fs.ReleaseAsync(file.Handle);

        await fs.UnlinkAsync(File(1), CancellationToken.None);

        Assert.Null(await _memory.HeadAsync(File(1), CancellationToken.None));
        Assert.Equal(1, _memory.DeletesThatLooked); // it looked, found the version it wrote, and deleted it
        Assert.Equal(0, _memory.DeletesGivenAnAnswer);
    }

    [Fact]
    public async Task A_store_that_deletes_without_looking_gets_no_answers_and_no_heads_ahead()
    {
        var memory = new InMemoryObjectStore(); // as S3: deletes without asking first
        var store = new FaultInjectingObjectStore(memory);
        await using var fs = await MountLookedAtLongAgoAsync(memory, store); // as above: a Swift mount would now ask ahead
        var headsBefore = store.CountOf(StoreCall.Head);

        await RemoveInOrderAsync(fs);

        await AssertAllGoneAsync(memory);
        Assert.Equal(0, fs.DeletesAnsweredAhead);
        Assert.Equal(headsBefore, store.CountOf(StoreCall.Head));
    }

    [Fact]
    public void A_single_unlink_lists_nothing_and_a_run_lists_once_after_its_last_file_keeping_plain_objects_only()
    {
        var listing = new DirectoryListing(
            Enumerable.Range(0, Files).Select(i => new DirectoryEntry($"f{i:D2}", new NodeAttributes(NodeKind.File, 1, 420, 0, 0, Start, $"e{i}", false))).ToList(), Start);
        var asked = new List<ListRequest>();
        var answers = new RecentAnswers(64, TimeSpan.FromSeconds(1), _clock);
        var page = new TaskCompletionSource<ListingPage>();
        var ahead = new DeleteLookAhead(request => { asked.Add(request); return page.Task; }, (_, _) => throw new InvalidOperationException("no HEAD where a listing answers"),
            () => true, new ObjectNamespace(""), answers, path => path == "d/f04", _clock, ahead: 4, parallel: 2, TimeSpan.FromSeconds(1));

        ahead.Unlinking("d/f00", listing);
        Assert.Empty(asked);
        ahead.Unlinking("d/f01", listing); // a run: the files after f01 are wanted
        var request = Assert.Single(asked);
        Assert.Equal(new ListRequest("d/", "/", MaxKeys: DeleteLookAhead.MostPerListing, StartAfter: "d/f01"), request);
        ahead.Unlinking("d/f02", listing); // the listing in flight will answer: no second one
        Assert.Single(asked);

        page.SetResult(new ListingPage(
        [
            Info("d/f03"),
            Info("d/f04"), // being written here: the store's answer is about an older version
            Info("d/f05") with { Size = 0 }, // empty: may be a DLO's manifest
            Info("d/f06") with { IsSegmented = true }, // an SLO: its manifest decides
            Info("d/f07"),
        ], [], "d/f07"));
        Assert.True(SpinWait.SpinUntil(() => ahead.ListingsDone == 1, TimeSpan.FromSeconds(30))); // the page is read on a pool thread
        Assert.Equal([true, false, false, false, true], new[] { 3, 4, 5, 6, 7 }.Select(i => answers.HasFresh($"d/f{i:D2}")));
        Assert.NotNull(ahead.Take("d/f03", "etag-d/f03"));
        Assert.Equal(1, ahead.AnsweredAhead);

        ahead.Unlinking("d/f03", listing); // f05 and f06 have no answer, but the page reached past them: not listed again
        Assert.Single(asked);
        ahead.Unlinking("d/f05", listing); // f08 lies beyond the page
        Assert.Equal(2, asked.Count);
        Assert.Equal("d/f05", asked[1].StartAfter);
        Assert.True(SpinWait.SpinUntil(() => ahead.ListingsDone == 2, TimeSpan.FromSeconds(30)));
        Assert.Null(ahead.Take("d/f07", "another version"));

        _clock.Advance(TimeSpan.FromSeconds(3));
        ahead.Unlinking("d/f09", listing); // seconds later: not a run
        Assert.Equal(2, asked.Count);
    }

    [Fact]
    public void A_listing_asks_about_as_many_files_as_the_run_deletes_in_three_quarters_of_a_second()
    {
        var listing = new DirectoryListing(
            Enumerable.Range(0, Files).Select(i => new DirectoryEntry($"f{i:D2}", new NodeAttributes(NodeKind.File, 1, 420, 0, 0, Start, $"e{i}", false))).ToList(), Start);
        var asked = new List<ListRequest>();
        var ahead = new DeleteLookAhead(request => { asked.Add(request); return new TaskCompletionSource<ListingPage>().Task; }, (_, _) => Task.CompletedTask,
            () => true, new ObjectNamespace(""), new RecentAnswers(64, TimeSpan.FromSeconds(1), _clock), _ => false, _clock, ahead: 4, parallel: 2, TimeSpan.FromSeconds(1));
        Assert.Equal(DeleteLookAhead.MostPerListing, ahead.FilesPerListing()); // no run yet

        ahead.Unlinking("d/f00", listing);
        _clock.Advance(TimeSpan.FromMilliseconds(20));
        ahead.Unlinking("d/f01", listing); // deletes 20 ms apart: 37 of them in 750 ms
        Assert.Equal(37, Assert.Single(asked).MaxKeys);

        _clock.Advance(TimeSpan.FromMilliseconds(100)); // one slow delete moves the pace a quarter of the way: 40 ms
        ahead.Unlinking("d/f02", listing);
        Assert.Equal(DeleteLookAhead.FewestPerListing, ahead.FilesPerListing()); // 18 in 750 ms: no fewer than the fewest

        for (var i = 3; i < 15; i++)
        {
            _clock.Advance(TimeSpan.FromMilliseconds(1));
            ahead.Unlinking($"d/f{i:D2}", listing);
        }
        Assert.Equal(DeleteLookAhead.MostPerListing, ahead.FilesPerListing()); // fast deletes: the largest page

        _clock.Advance(TimeSpan.FromSeconds(3));
        ahead.Unlinking("d/f15", listing); // seconds later: a new run, whose pace is not known yet
        Assert.Equal(DeleteLookAhead.MostPerListing, ahead.FilesPerListing());
    }

    [Fact]
    public void Recent_answers_keep_at_most_their_capacity_and_drop_stale_ones_for_new()
    {
        var answers = new RecentAnswers(4, TimeSpan.FromSeconds(1), _clock);
        for (var i = 0; i < 6; i++)
            answers.Note(Info($"k{i}"), _clock.GetUtcNow());
        Assert.Equal(4, answers.Count);
        Assert.Null(answers.Take("k5")); // found no room
        Assert.NotNull(answers.Take("k0"));
        Assert.Null(answers.Take("k0")); // taken once
        answers.Note(Info("k0"), _clock.GetUtcNow());

        _clock.Advance(TimeSpan.FromSeconds(2));
        Assert.False(answers.HasFresh("k1"));
        answers.Note(Info("new"), _clock.GetUtcNow()); // full: the stale ones make way
        Assert.Equal(1, answers.Count);
        Assert.NotNull(answers.Take("new"));
        Assert.Null(answers.Take("k1"));
    }

    private static ObjectInfo Info(string key) => new(key, 1, "etag-" + key, Start, null, ObjectInfo.NoMetadata);
}
