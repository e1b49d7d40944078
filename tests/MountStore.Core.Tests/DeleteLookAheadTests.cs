using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using MountStore.Core.FileSystem;
using MountStore.Core.Metadata;
using MountStore.Core.Model;
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
    private readonly InMemoryObjectStore _memory = new() { LooksBeforeDelete = true };
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

    [Fact]
    public async Task A_run_of_deletes_asks_ahead_when_the_lookups_had_nothing_to_ask()
    {
        await FillAsync();
        await using var fs = Mount();
        await fs.ListDirectoryAsync("d", CancellationToken.None);
        for (var i = 0; i < Files; i++)
            await fs.LookupAsync(File(i), CancellationToken.None); // metadata loaded, and cached for 30 s
        _clock.Advance(TimeSpan.FromSeconds(2)); // ...but those answers are too old for a delete
        var headsBefore = _store.CountOf(StoreCall.Head);

        await RemoveInOrderAsync(fs);

        await AssertAllGoneAsync(_memory);
        // the first delete is alone, and the second starts the run: both look for themselves;
        // every later one finds its file asked about while an earlier one was deleted
        Assert.Equal(2, _memory.DeletesThatLooked);
        Assert.Equal(Files - 2, _memory.DeletesGivenAnAnswer);
        Assert.Equal(Files - 2, _store.CountOf(StoreCall.Head) - headsBefore);
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
        for (var i = 0; i < Files; i++)
            await memory.PutTextAsync(File(i), $"file {i}");
        await using var fs = new MountedFileSystem(store, new FileSystemOptions { ListAhead = 0, ListingMetadataParallel = 0 }, NullLoggerFactory.Instance, _clock);
        await fs.ListDirectoryAsync("d", CancellationToken.None);
        for (var i = 0; i < Files; i++)
            await fs.LookupAsync(File(i), CancellationToken.None);
        _clock.Advance(TimeSpan.FromSeconds(2)); // as above: a Swift mount would now ask ahead
        var headsBefore = store.CountOf(StoreCall.Head);

        await RemoveInOrderAsync(fs);

        await AssertAllGoneAsync(memory);
        Assert.Equal(0, fs.DeletesAnsweredAhead);
        Assert.Equal(headsBefore, store.CountOf(StoreCall.Head));
    }

    [Fact]
    public void A_single_unlink_asks_about_nothing_and_a_run_asks_a_few_ahead_within_its_parallel_limit()
    {
        var listing = new DirectoryListing(
            Enumerable.Range(0, Files).Select(i => new DirectoryEntry($"f{i:D2}", new NodeAttributes(NodeKind.File, 1, 420, 0, 0, Start, $"e{i}", false))).ToList(), Start);
        var asked = new List<string>();
        DeleteLookAhead LookingAhead(Task answer) => new(
            (path, _) => { asked.Add(path); return answer; },
            new RecentAnswers(16, TimeSpan.FromSeconds(1), _clock), key => key, path => path == "d/f04", _clock, ahead: 4, parallel: 2, TimeSpan.FromSeconds(1));

        var slow = LookingAhead(new TaskCompletionSource().Task); // answers that never come
        slow.Unlinking("d/f00", listing);
        Assert.Empty(asked);
        slow.Unlinking("d/f01", listing); // a run: f02..f05 wanted, two at a time
        Assert.Equal(["d/f02", "d/f03"], asked);

        asked.Clear();
        var quick = LookingAhead(Task.CompletedTask);
        quick.Unlinking("d/f00", listing);
        quick.Unlinking("d/f01", listing);
        Assert.Equal(["d/f02", "d/f03", "d/f05"], asked); // four ahead, no more, and not f04, which is being written here
        _clock.Advance(TimeSpan.FromSeconds(3));
        quick.Unlinking("d/f09", listing); // seconds later: not a run
        Assert.Equal(3, asked.Count);
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
