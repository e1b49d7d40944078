using Microsoft.Extensions.Logging.Abstractions;
using MountStore.Core.Prefetch;
using MountStore.Testing;
using static MountStore.Testing.FaultInjectingObjectStore;

namespace MountStore.Core.Tests;

public class ObjectReaderTests
{
    private const int MiB = 1 << 20;

    private static ObjectReader Reader(FaultInjectingObjectStore store, string key, long size, ReadAheadOptions options, ReadBufferPool pool, string? version = null) =>
        new(key, version, size, options, pool, new RangeFetcher(store, options.MaxResumes, NullLogger.Instance));

    [Fact]
    public async Task After_a_failed_fetch_a_read_of_the_failed_bytes_gets_them_all_never_a_short_answer()
    {
        // A short answer before the end makes the kernel believe the file ends there (it shrinks
        // its size, and the reader sees a silent EOF). The failed fetch used to leave the queue
        // with a gap: the bytes after what was read before, then nothing, then the next fetch.
        var (store, bytes) = await StoreWith("gap.bin", 48 * MiB);
        var options = new ReadAheadOptions();
        await using var reader = Reader(store, "gap.bin", bytes.Length, options, new ReadBufferPool(options.TotalBudgetBytes));
        var chunk = new byte[MiB];
        Assert.Equal(MiB, await reader.ReadAsync(0, chunk, CancellationToken.None));
        var queued = reader.FetchedBytes; // the first read and its read-ahead

        store.FailFrom(StoreCall.Get, store.CountOf(StoreCall.Get) + 1);
        await Assert.ThrowsAnyAsync<Exception>(() => reader.ReadAsync(queued, chunk, CancellationToken.None).AsTask());
        store.Heal();

        // the reader goes on after the failed bytes, then the kernel asks for them again
        Assert.Equal(MiB, await reader.ReadAsync(queued + MiB, chunk, CancellationToken.None));
        Assert.Equal(bytes.AsSpan((int)(queued + MiB), MiB).ToArray(), chunk);
        Assert.Equal(MiB, await reader.ReadAsync(queued, chunk, CancellationToken.None));
        Assert.Equal(bytes.AsSpan((int)queued, MiB).ToArray(), chunk);
    }

    [Fact]
    public async Task A_reader_of_one_version_never_returns_bytes_of_the_next_and_says_the_object_changed()
    {
        var (store, bytes) = await StoreWith("doc", 8 * MiB);
        var inner = (await store.HeadAsync("doc", CancellationToken.None))!;
        var options = new ReadAheadOptions();
        await using var reader = Reader(store, "doc", bytes.Length, options, new ReadBufferPool(options.TotalBudgetBytes), inner.ETag);
        var first = new byte[64 * 1024];
        Assert.Equal(first.Length, await reader.ReadAsync(0, first, CancellationToken.None));
        Assert.Equal(bytes.AsSpan(0, first.Length).ToArray(), first);

        // replaced elsewhere by other bytes of the same size
        await store.PutAsync("doc", new MemoryStream(TestStores.Pattern(8 * MiB, seed: 11)), Core.Storage.ObjectWriteOptions.Default, CancellationToken.None);

        // what was fetched before the change (the read-ahead after the first read) is still
        // served, and is the old version's
        var next = new byte[4096];
        Assert.Equal(next.Length, await reader.ReadAsync(first.Length, next, CancellationToken.None));
        Assert.Equal(bytes.AsSpan(first.Length, next.Length).ToArray(), next);

        // a read of bytes not fetched yet fails, naming the version it was for
        var e = await Assert.ThrowsAsync<Core.Storage.ObjectChangedException>(() => reader.ReadAsync(7 * MiB, new byte[4096], CancellationToken.None).AsTask());
        Assert.Equal(inner.ETag, e.ExpectedETag);
        Assert.Contains("replaced since it was opened", e.Message);
    }

    private static async Task<(FaultInjectingObjectStore Store, byte[] Bytes)> StoreWith(string key, int size)
    {
        var memory = new InMemoryObjectStore();
        var bytes = TestStores.Pattern(size);
        await memory.PutAsync(key, bytes);
        return (new FaultInjectingObjectStore(memory), bytes);
    }

    private static async Task<byte[]> ReadAll(ObjectReader reader, long size, int readSize)
    {
        var result = new byte[size];
        for (long at = 0; at < size;)
        {
            var n = await reader.ReadAsync(at, result.AsMemory((int)at, (int)Math.Min(readSize, size - at)), CancellationToken.None);
            Assert.True(n > 0);
            at += n;
        }
        return result;
    }

    [Fact]
    public async Task A_sequential_read_returns_every_byte_with_few_growing_ranged_gets()
    {
        var (store, bytes) = await StoreWith("big", 48 * MiB);
        var options = new ReadAheadOptions();
        await using var reader = Reader(store, "big", bytes.Length, options, new ReadBufferPool(options.TotalBudgetBytes));

        Assert.Equal(bytes, await ReadAll(reader, bytes.Length, 128 << 10));
        // 384 kernel-sized reads were served by far fewer GETs: the chunks grew towards 8 MiB
        Assert.InRange(reader.FetchCount, 6, 48); // at most one GET per MiB on average
        Assert.Equal(bytes.Length, reader.FetchedBytes);
        Assert.Equal(reader.FetchCount, store.CountOf(StoreCall.Get));
    }

    [Fact]
    public async Task Random_small_reads_fetch_small_ranges_not_the_read_ahead_window()
    {
        var (store, bytes) = await StoreWith("rnd", 32 * MiB);
        var options = new ReadAheadOptions();
        await using var reader = Reader(store, "rnd", bytes.Length, options, new ReadBufferPool(options.TotalBudgetBytes));
        var random = new Random(3);
        var buffer = new byte[4096];
        for (var i = 0; i < 50; i++)
        {
            var offset = random.NextInt64(bytes.Length - buffer.Length);
            Assert.Equal(buffer.Length, await reader.ReadAsync(offset, buffer, CancellationToken.None));
            Assert.Equal(bytes.AsSpan((int)offset, buffer.Length).ToArray(), buffer);
        }
        Assert.True(reader.FetchedBytes <= 50L * options.MinChunkBytes * 2, $"fetched {reader.FetchedBytes} bytes for 50 reads of 4 KiB");
    }

    [Fact]
    public async Task Reads_at_and_past_the_end_return_what_exists()
    {
        var (store, bytes) = await StoreWith("small", 1000);
        var options = new ReadAheadOptions();
        await using var reader = Reader(store, "small", bytes.Length, options, new ReadBufferPool(options.TotalBudgetBytes));
        var buffer = new byte[4096];
        Assert.Equal(1000, await reader.ReadAsync(0, buffer, CancellationToken.None));
        Assert.Equal(100, await reader.ReadAsync(900, buffer, CancellationToken.None));
        Assert.Equal(0, await reader.ReadAsync(1000, buffer, CancellationToken.None));
        Assert.Equal(0, await reader.ReadAsync(5000, buffer, CancellationToken.None));
    }

    [Fact]
    public async Task Many_parallel_readers_stay_within_the_shared_budget()
    {
        var (store, bytes) = await StoreWith("shared", 24 * MiB);
        var options = new ReadAheadOptions { TotalBudgetBytes = 16 * MiB, MaxWindowBytes = 16 * MiB };
        var pool = new ReadBufferPool(options.TotalBudgetBytes);
        const int readers = 16, readSize = 128 << 10;
        var results = await Task.WhenAll(Enumerable.Range(0, readers).Select(async _ =>
        {
            await using var reader = Reader(store, "shared", bytes.Length, options, pool);
            return await ReadAll(reader, bytes.Length, readSize);
        }));
        Assert.All(results, r => Assert.Equal(bytes, r));
        Assert.True(pool.PeakInUseBytes <= options.TotalBudgetBytes,
            $"peak {pool.PeakInUseBytes} bytes in use with a budget of {options.TotalBudgetBytes}");
        Assert.Equal(0, pool.InUseBytes);
        Assert.True(pool.Memory.AllocatedBytes <= pool.Memory.LimitBytes, $"{pool.Memory.AllocatedBytes} bytes held, kept ones included");
    }

    /// <summary>A pool with a budget of its own and the options' stream slots.</summary>
    private static ReadBufferPool PoolFor(ReadAheadOptions options) =>
        new(new Core.Memory.MemoryBudget(options.TotalBudgetBytes), options.TotalBudgetBytes, options.MaxStreams);

    /// <summary>Eight files read at once through a 16 MiB budget: each one's share is about 1.3 MiB.</summary>
    private static async Task<(byte[][] Results, ReadBufferPool Pool)> ReadInParallel(FaultInjectingObjectStore store, string key, long size, ReadAheadOptions options, int readers = 8)
    {
        var pool = PoolFor(options);
        var open = Enumerable.Range(0, readers).Select(_ => Reader(store, key, size, options, pool)).ToList();
        var results = await Task.WhenAll(open.Select(r => ReadAll(r, size, 128 << 10)));
        foreach (var reader in open)
            await reader.DisposeAsync();
        for (var wait = 0; wait < 200 && (pool.Streams.Open > 0 || pool.InUseBytes > 0); wait++)
            await Task.Delay(10); // a stream ends once its last fill has stopped
        return (results, pool);
    }

    [Fact]
    public async Task Parallel_readers_sharing_a_small_budget_each_stream_their_file_from_one_GET()
    {
        var (store, bytes) = await StoreWith("many", 24 * MiB);
        var streaming = new ReadAheadOptions { TotalBudgetBytes = 16 * MiB, MaxWindowBytes = 16 * MiB };
        var (results, pool) = await ReadInParallel(store, "many", bytes.Length, streaming);
        Assert.All(results, r => Assert.Equal(bytes, r));
        var streamedGets = store.CountOf(StoreCall.Get);
        Assert.Equal(8, pool.Streams.Peak);
        Assert.Equal(0, pool.Streams.Open);
        Assert.Equal(0, pool.InUseBytes);
        Assert.True(pool.PeakInUseBytes <= streaming.TotalBudgetBytes, $"peak {pool.PeakInUseBytes} bytes with a budget of {streaming.TotalBudgetBytes}");

        // the same reads with a GET per buffer, as before streaming
        var (_, chunkedPool) = await ReadInParallel(store, "many", bytes.Length, streaming with { MaxStreams = 0 });
        var chunkedGets = store.CountOf(StoreCall.Get) - streamedGets;
        Assert.Equal(0, chunkedPool.Streams.Peak);
        // per file: a few small GETs for its first MiB, then one stream for the rest
        Assert.True(streamedGets <= 8 * 8, $"{streamedGets} GETs for 8 streamed files");
        Assert.True(streamedGets * 4 < chunkedGets, $"{streamedGets} GETs streamed, {chunkedGets} with a GET per buffer");
    }

    [Fact]
    public async Task Only_so_many_readers_stream_at_once_the_others_fetch_a_GET_per_buffer()
    {
        var (store, bytes) = await StoreWith("capped", 8 * MiB);
        var options = new ReadAheadOptions { TotalBudgetBytes = 16 * MiB, MaxWindowBytes = 16 * MiB, MaxStreams = 2 };
        var (results, pool) = await ReadInParallel(store, "capped", bytes.Length, options);
        Assert.All(results, r => Assert.Equal(bytes, r));
        Assert.Equal(2, pool.Streams.Peak);
        Assert.Equal(0, pool.Streams.Open);
    }

    [Fact]
    public async Task A_stream_that_breaks_midway_is_resumed_from_the_first_missing_byte()
    {
        var (store, bytes) = await StoreWith("flaky-stream", 12 * MiB);
        store.ResetGetStreamsAfter(3 * MiB); // each stream breaks after 3 MiB and is resumed
        var options = new ReadAheadOptions { TotalBudgetBytes = 16 * MiB, MaxWindowBytes = 16 * MiB, MaxResumes = 5 };
        var (results, pool) = await ReadInParallel(store, "flaky-stream", bytes.Length, options, readers: 4);
        Assert.All(results, r => Assert.Equal(bytes, r));
        Assert.Equal(4, pool.Streams.Peak);
        Assert.Equal(0, pool.Streams.Open);
    }

    [Fact]
    public async Task A_streaming_reader_that_jumps_elsewhere_ends_its_stream_and_reads_the_right_bytes()
    {
        var (store, bytes) = await StoreWith("jump", 16 * MiB);
        var options = new ReadAheadOptions { TotalBudgetBytes = 16 * MiB, MaxWindowBytes = 16 * MiB };
        var pool = PoolFor(options);
        var readers = Enumerable.Range(0, 8).Select(_ => Reader(store, "jump", bytes.Length, options, pool)).ToList();
        var reader = readers[0];
        await ReadAll(reader, 4 * MiB, 128 << 10);
        Assert.Equal(1, pool.Streams.Open);

        // a read just behind (the kernel's reads arrive out of order) keeps the stream
        var buffer = new byte[128 << 10];
        Assert.Equal(buffer.Length, await reader.ReadAsync(3 * MiB, buffer, CancellationToken.None));
        Assert.Equal(bytes.AsSpan(3 * MiB, buffer.Length).ToArray(), buffer);
        Assert.Equal(1, pool.Streams.Open);

        // a jump elsewhere ends it: random reads would open a GET of the rest of the file each
        Assert.Equal(buffer.Length, await reader.ReadAsync(12 * MiB, buffer, CancellationToken.None));
        Assert.Equal(bytes.AsSpan(12 * MiB, buffer.Length).ToArray(), buffer);
        for (var wait = 0; wait < 200 && pool.Streams.Open > 0; wait++)
            await Task.Delay(10);
        Assert.Equal(0, pool.Streams.Open);
        foreach (var r in readers)
            await r.DisposeAsync();
    }

    [Fact]
    public async Task A_body_that_breaks_midway_is_resumed_from_the_first_missing_byte()
    {
        var (store, bytes) = await StoreWith("flaky", 4 * MiB);
        store.ResetGetStreamsAfter(60_000);
        var options = new ReadAheadOptions { MaxChunkBytes = 256 << 10, MaxWindowBytes = MiB, MaxResumes = 5 };
        await using var reader = Reader(store, "flaky", bytes.Length, options, new ReadBufferPool(options.TotalBudgetBytes));
        Assert.Equal(bytes, await ReadAll(reader, bytes.Length, 128 << 10));
        Assert.True(store.CountOf(StoreCall.Get) > reader.FetchCount, "resumes are extra GETs of the same range");
    }

    [Fact]
    public async Task A_range_that_keeps_failing_fails_the_read_and_a_later_read_fetches_again()
    {
        var (store, bytes) = await StoreWith("broken", 2 * MiB);
        store.ResetGetStreamsAfter(1000);
        var options = new ReadAheadOptions { MaxResumes = 2 };
        await using var reader = Reader(store, "broken", bytes.Length, options, new ReadBufferPool(options.TotalBudgetBytes));
        var buffer = new byte[128 << 10];
        await Assert.ThrowsAsync<IOException>(async () => await reader.ReadAsync(0, buffer, CancellationToken.None));
        store.Heal();
        Assert.Equal(buffer.Length, await reader.ReadAsync(0, buffer, CancellationToken.None));
        Assert.Equal(bytes.AsSpan(0, buffer.Length).ToArray(), buffer);
    }

    [Fact]
    public async Task Closing_a_reader_gives_its_buffers_back()
    {
        var (store, bytes) = await StoreWith("closing", 16 * MiB);
        var options = new ReadAheadOptions();
        var pool = new ReadBufferPool(options.TotalBudgetBytes);
        var reader = Reader(store, "closing", bytes.Length, options, pool);
        await ReadAll(reader, 4 * MiB, 128 << 10);
        Assert.True(reader.QueuedBytes > 0);
        await reader.DisposeAsync();
        for (var wait = 0; wait < 100 && pool.InUseBytes > 0; wait++)
            await Task.Delay(10); // GETs still running return their buffers when they stop
        Assert.Equal(0, pool.InUseBytes);
    }
}
