using MountStore.Core.Prefetch;
using MountStore.Core.Storage;
using MountStore.Testing;
using static MountStore.Testing.FaultInjectingObjectStore;

namespace MountStore.Core.Tests;

public sealed class FirstBytesTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly InMemoryObjectStore _memory = new();

    private FirstBytes NewFirstBytes(int entries = 4) => new(entries, TimeSpan.FromSeconds(5), _clock);

    [Fact]
    public async Task The_answer_is_what_a_head_says_and_the_first_bytes_of_that_version_are_kept()
    {
        var data = TestStores.Pattern(300_000);
        await _memory.PutAsync("a.bin", data);
        var firstBytes = NewFirstBytes();

        var info = await firstBytes.HeadAsync(_memory, "a.bin", None);

        Assert.Equal(await _memory.HeadAsync("a.bin", None), info);
        var into = new byte[50_000];
        Assert.Equal(50_000, firstBytes.CopyTo("a.bin", info!.ETag, 1_000, into));
        Assert.Equal(data.AsSpan(1_000, 50_000).ToArray(), into);
        // up to its end, and nothing past the first bytes: the rest comes from the store
        Assert.Equal(FirstBytes.Length - 100_000, firstBytes.CopyTo("a.bin", info.ETag, 100_000, into));
        Assert.Equal(data.AsSpan(100_000, FirstBytes.Length - 100_000).ToArray(), into.AsSpan(0, FirstBytes.Length - 100_000).ToArray());
        Assert.Equal(0, firstBytes.CopyTo("a.bin", info.ETag, FirstBytes.Length, into));
    }

    [Fact]
    public async Task Bytes_are_given_only_for_the_version_they_came_from()
    {
        await _memory.PutAsync("a.txt", "old"u8.ToArray());
        var firstBytes = NewFirstBytes();
        var old = await firstBytes.HeadAsync(_memory, "a.txt", None);
        await _memory.PutAsync("a.txt", "new"u8.ToArray());
        var current = await _memory.HeadAsync("a.txt", None);

        var into = new byte[3];
        Assert.Equal(0, firstBytes.CopyTo("a.txt", current!.ETag, 0, into));
        Assert.Equal(0, firstBytes.CopyTo("a.txt", null, 0, into));
        Assert.Equal(3, firstBytes.CopyTo("a.txt", $"\"{old!.ETag.ToUpperInvariant()}\"", 0, into)); // ETag spelling does not matter
        Assert.Equal("old"u8.ToArray(), into);
    }

    [Fact]
    public async Task A_missing_object_is_null_and_an_empty_one_is_answered_with_nothing_kept()
    {
        await _memory.PutAsync("empty", []);
        var firstBytes = NewFirstBytes();

        Assert.Null(await firstBytes.HeadAsync(_memory, "missing", None));
        var empty = await firstBytes.HeadAsync(_memory, "empty", None);

        Assert.Equal(0, empty!.Size);
        Assert.Equal(0, firstBytes.Count);
    }

    [Fact]
    public async Task A_store_that_cannot_give_the_bytes_is_asked_with_a_head()
    {
        await _memory.PutAsync("broken-slo", "x"u8.ToArray());
        var store = new FaultInjectingObjectStore(_memory).FailNth(StoreCall.Get, 1, () => new ObjectStoreException("GET", "broken-slo", 409, "a segment is missing"));
        var firstBytes = NewFirstBytes();

        var info = await firstBytes.HeadAsync(store, "broken-slo", None);

        Assert.Equal(await _memory.HeadAsync("broken-slo", None), info);
        Assert.Equal(1, store.CountOf(StoreCall.Head));
        Assert.Equal(0, firstBytes.Count);
    }

    [Fact]
    public async Task At_most_the_given_number_of_entries_are_kept_the_oldest_go_first_and_each_for_a_few_seconds()
    {
        var firstBytes = NewFirstBytes(entries: 4);
        var etags = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            await _memory.PutAsync($"f{i}", [(byte)i]);
            etags.Add((await firstBytes.HeadAsync(_memory, $"f{i}", None))!.ETag);
            Assert.True(firstBytes.Count <= 4);
        }

        var into = new byte[1];
        Assert.Equal(0, firstBytes.CopyTo("f5", etags[5], 0, into));
        Assert.Equal(1, firstBytes.CopyTo("f6", etags[6], 0, into));
        _clock.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(0, firstBytes.CopyTo("f9", etags[9], 0, into));
        Assert.Equal(0, firstBytes.Count);
    }
}
