using Microsoft.Extensions.Logging.Abstractions;
using MountStore.Core.FileSystem;
using MountStore.Core.Memory;
using MountStore.Core.Model;
using MountStore.Core.Prefetch;
using MountStore.Core.Writing;
using MountStore.Testing;

namespace MountStore.Core.Tests;

/// <summary>One memory budget for read-ahead and write buffers: its rules, and readers and writers bounded by it together.</summary>
public sealed class MemoryBudgetTests
{
    private const int MiB = 1 << 20;

    [Fact]
    public void Read_ahead_leaves_a_reserve_for_reads_someone_waits_on_and_writers_leave_it_too()
    {
        var budget = new MemoryBudget(16 * MiB); // reserve: 2 MiB
        var held = new List<NativeBuffer>();
        while (budget.TryRent(MiB, MemoryClaim.ReadAhead) is { } buffer)
            held.Add(buffer);
        Assert.Equal(14, held.Count);
        Assert.Null(budget.TryRent(MiB, MemoryClaim.Write));

        held.Add(budget.TryRent(MiB, MemoryClaim.Demand)!);
        held.Add(budget.TryRent(MiB, MemoryClaim.Demand)!);
        Assert.Null(budget.TryRent(MiB, MemoryClaim.Demand));
        Assert.Equal(16 * MiB, budget.AllocatedBytes);
        held.ForEach(budget.Return);
    }

    [Fact]
    public void Read_ahead_stops_growing_while_a_writer_waits()
    {
        var budget = new MemoryBudget(16 * MiB);
        NativeBuffer? written;
        using (budget.WriterWaiting(8 * MiB))
        {
            var held = new List<NativeBuffer>();
            while (budget.TryRent(MiB, MemoryClaim.ReadAhead) is { } buffer)
                held.Add(buffer);
            Assert.Equal(6, held.Count); // 16 - 2 reserve - 8 the writer waits for
            written = budget.TryRent(8 * MiB, MemoryClaim.Write);
            Assert.NotNull(written);
        }
        Assert.Null(budget.TryRent(MiB, MemoryClaim.ReadAhead)); // 6 + 8 in use: read-ahead is at its limit
        budget.Return(written!);
        Assert.NotNull(budget.TryRent(MiB, MemoryClaim.ReadAhead)); // and grows again once the part went up
    }

    [Fact]
    public void Buffers_kept_for_reuse_count_and_are_freed_when_another_size_needs_room()
    {
        var budget = new MemoryBudget(16 * MiB);
        var small = Enumerable.Range(0, 7).Select(_ => budget.TryRent(MiB, MemoryClaim.Demand)!).ToList();
        small.ForEach(budget.Return);
        Assert.Equal(7 * MiB, budget.KeptBytes); // kept up to half the budget
        Assert.Equal(7 * MiB, budget.AllocatedBytes);

        var large = budget.TryRent(12 * MiB, MemoryClaim.Write); // needs 5 of the kept ones gone
        Assert.NotNull(large);
        Assert.True(budget.AllocatedBytes <= 14 * MiB, $"{budget.AllocatedBytes} allocated");
        var reused = budget.TryRent(MiB, MemoryClaim.Demand);
        Assert.Contains(reused, small); // a kept one, not a fresh block
        budget.Return(reused!);
        budget.Return(large!);
    }

    [Fact]
    public async Task A_writer_waiting_on_the_budget_gets_what_readers_give_back()
    {
        var budget = new MemoryBudget(16 * MiB);
        var reads = new ReadBufferPool(budget, 16 * MiB, new ReadAheadOptions().MaxStreams);
        var writes = new WriteBufferPool(budget, 16 * MiB);
        var held = new List<NativeBuffer>();
        while (reads.TryRentForDemand(MiB) is { } buffer)
            held.Add(buffer);

        var waiting = writes.RentAsync(4 * MiB, TimeSpan.FromSeconds(30), CancellationToken.None).AsTask();
        Assert.False(waiting.IsCompleted);
        foreach (var buffer in held.Take(6))
            reads.Return(buffer);

        var got = await waiting.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.NotNull(got);
        Assert.True(budget.AllocatedBytes <= budget.LimitBytes);
        writes.Return(got!);
        foreach (var buffer in held.Skip(6))
            reads.Return(buffer);
    }

    [Fact]
    public async Task A_writer_that_waits_too_long_is_told_so_instead_of_waiting_forever()
    {
        var budget = new MemoryBudget(16 * MiB);
        var writes = new WriteBufferPool(budget, 16 * MiB);
        var all = await writes.RentAsync(14 * MiB, TimeSpan.FromSeconds(1), CancellationToken.None);

        Assert.Null(await writes.RentAsync(4 * MiB, TimeSpan.FromMilliseconds(100), CancellationToken.None));
        Assert.Equal(0, budget.WaitingWriterBytes);
        writes.Return(all!);
    }

    [Fact]
    public async Task An_upload_from_a_finished_file_waits_for_memory_instead_of_failing()
    {
        // A writer short of memory moves its bytes to disk; the upload of that disk file at close
        // has nowhere further to go, so it must wait for memory, not fail the close (seen under
        // load: eight writers at once, one close failing with "no write memory came free").
        var memory = new InMemoryObjectStore(new Storage.StoreLimits { MinPartBytes = 5 * MiB, MaxParts = 10_000 });
        var writes = new WriteBufferPool(new MemoryBudget(16 * MiB), 16 * MiB);
        var hog = await writes.RentAsync(14 * MiB, TimeSpan.FromSeconds(1), CancellationToken.None);
        var data = TestStores.Pattern(12 * MiB + 7, 3);
        var upload = new StreamingUpload(memory, "from-disk.bin", Storage.ObjectWriteOptions.Default, new PartSizing(memory.Limits, 5 * MiB), writes, 2, NullLogger.Instance);
        upload.SourceIsFinishedFile();

        var writing = Task.Run(async () =>
        {
            for (var offset = 0; offset < data.Length; offset += MiB)
                await upload.WriteAsync(offset, data.AsMemory(offset, Math.Min(MiB, data.Length - offset)), CancellationToken.None);
            return await upload.CompleteAsync(CancellationToken.None);
        });
        await Task.Delay(TimeSpan.FromSeconds(3)); // longer than a writer's wait for memory
        Assert.False(writing.IsCompleted, "the upload found memory that was all taken");
        writes.Return(hog!);
        var stored = await writing;

        Assert.Equal(data.Length, stored.Size);
        Assert.Equal(data, await StoredAsync(memory, "from-disk.bin"));
        Assert.Equal(0, writes.InUseBytes);
    }

    [Fact]
    public async Task Sixteen_readers_and_four_writers_at_once_stay_within_one_limit()
    {
        var memory = new InMemoryObjectStore(new Storage.StoreLimits { MinPartBytes = 5 * MiB, MaxParts = 10_000 });
        var sources = Enumerable.Range(0, 16).Select(i => TestStores.Pattern(12 * MiB + i, i)).ToArray();
        for (var i = 0; i < sources.Length; i++)
            await memory.PutAsync($"in/{i}.bin", sources[i]);
        var staging = Directory.CreateTempSubdirectory("mountstore-budget-").FullName;
        try
        {
            await using var fs = new MountedFileSystem(memory, new FileSystemOptions
            {
                MemoryLimitBytes = 48L * MiB,
                ReadAhead = new ReadAheadOptions { TotalBudgetBytes = 40L * MiB, MaxWindowBytes = 16L * MiB },
                Writing = new WriteOptions { PartBytes = 5 * MiB, MaxPartsInFlight = 2, MemoryBudgetBytes = 40L * MiB, StagingDirectory = staging },
                ListingMetadataParallel = 0,
            }, NullLoggerFactory.Instance);
            var written = Enumerable.Range(0, 4).Select(i => TestStores.Pattern(23 * MiB + i, 100 + i)).ToArray();

            var readers = sources.Select(async (expected, i) => Assert.Equal(expected, await ReadAsync(fs, $"in/{i}.bin", expected.Length)));
            var writers = written.Select((data, i) => WriteAsync(fs, $"out/{i}.bin", data));
            await Task.WhenAll(readers.Concat(writers));

            for (var i = 0; i < written.Length; i++)
                Assert.Equal(written[i], await StoredAsync(memory, $"out/{i}.bin"));
            Assert.True(fs.Memory.PeakBytes <= fs.Memory.LimitBytes + fs.Memory.ForcedBytes, $"peak {fs.Memory.PeakBytes >> 20} MiB");
            Assert.True(fs.Memory.ForcedBytes <= 2 * MiB, $"{fs.Memory.ForcedBytes} bytes taken past the limit");
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
        }
    }

    private static async Task<byte[]> StoredAsync(InMemoryObjectStore store, string key)
    {
        await using var content = await store.GetAsync(key, null, CancellationToken.None);
        using var copy = new MemoryStream();
        await content.Stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    private static async Task<byte[]> ReadAsync(MountedFileSystem fs, string path, int length)
    {
        var opened = await fs.OpenAsync(path, OpenIntent.ReadOnly, CancellationToken.None);
        var result = new byte[length];
        var at = 0;
        while (at < length)
            at += await fs.ReadAsync(opened.Handle, at, result.AsMemory(at, Math.Min(128 << 10, length - at)), CancellationToken.None);
        await fs.ReleaseAsync(opened.Handle);
        return result;
    }

    private static async Task WriteAsync(MountedFileSystem fs, string path, byte[] data)
    {
        var file = await fs.CreateAsync(path, 420, OpenIntent.WriteOnly, CancellationToken.None);
        for (var at = 0; at < data.Length; at += 1 << 20)
            await fs.WriteAsync(file.Handle, at, data.AsMemory(at, Math.Min(1 << 20, data.Length - at)), CancellationToken.None);
        await fs.FlushAsync(file.Handle, CancellationToken.None);
        await fs.ReleaseAsync(file.Handle);
    }
}
