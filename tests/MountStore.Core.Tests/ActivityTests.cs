using MountStore.Core.Activity;
using MountStore.Core.FileSystem;
using MountStore.Core.Storage;
using MountStore.Core.Writing;
using MountStore.Testing;
using static MountStore.Testing.FaultInjectingObjectStore;
using MountStore.Core.Model;

namespace MountStore.Core.Tests;

/// <summary>What `mountstore status` reads: uploads in progress and store request counts.</summary>
public sealed class ActivityTests : IAsyncDisposable
{
    private readonly StoreRequestCounts _counts = new();
    private readonly WritingFileSystem _setup;
    private readonly InMemoryObjectStore _memory;
    private readonly FaultInjectingObjectStore _faults;
    private readonly MountedFileSystem _fs;

    public ActivityTests()
    {
        _setup = new WritingFileSystem(faults => new CountingObjectStore(faults, _counts));
        _memory = _setup.Memory;
        _faults = _setup.Faults;
        _fs = _setup.FileSystem;
    }

    public ValueTask DisposeAsync() => _setup.DisposeAsync();

    [Fact]
    public async Task An_upload_shows_bytes_written_and_whole_parts_stored_while_the_file_is_open_and_leaves_the_list_on_close()
    {
        var file = await _fs.CreateAsync("big.bin", 420, OpenIntent.WriteOnly, CancellationToken.None);
        var chunk = new byte[1 << 20];
        for (var i = 0; i < 17; i++)
            await _fs.WriteAsync(file.Handle, (long)i << 20, chunk, CancellationToken.None);

        var running = Assert.Single(_fs.Uploads.Running());
        Assert.Equal("big.bin", running.Key);
        Assert.Equal(17L << 20, running.BytesWritten);
        Assert.False(running.IsClosing);
        // Part 1 is held back (headers get rewritten); parts 2 and 3 were sent as they filled.
        // Wait for both (they upload in the background) and check they are counted, no more.
        for (var tries = 0; running.BytesStored < 10L << 20 && tries < 500; tries++)
            await Task.Delay(10);
        Assert.Equal(10L << 20, running.BytesStored);

        await _fs.FlushAsync(file.Handle, CancellationToken.None);
        await _fs.ReleaseAsync(file.Handle);
        Assert.Empty(_fs.Uploads.Running());
        Assert.Equal(1, _fs.Uploads.Completed);
        Assert.Equal(17L << 20, _fs.Uploads.BytesStored);
        Assert.Equal(0, _fs.Uploads.Abandoned);
    }

    [Fact]
    public async Task A_failed_upload_leaves_the_list_and_counts_as_abandoned_with_the_failed_request_counted()
    {
        _faults.FailFrom(StoreCall.Put, 1);
        var file = await _fs.CreateAsync("small.txt", 420, OpenIntent.WriteOnly, CancellationToken.None);
        await _fs.WriteAsync(file.Handle, 0, "hello"u8.ToArray(), CancellationToken.None);
        await Assert.ThrowsAnyAsync<Exception>(async () => await _fs.FlushAsync(file.Handle, CancellationToken.None));
        await _fs.ReleaseAsync(file.Handle);

        Assert.Empty(_fs.Uploads.Running());
        Assert.True(_fs.Uploads.Abandoned >= 1);
        Assert.Equal(0, _fs.Uploads.Completed);
        var put = Assert.Single(_counts.Snapshot(), c => c.Operation == "put");
        Assert.True(put.Errors >= 1 && put.Errors == put.Count, $"put {put.Count} with {put.Errors} errors");
    }

    [Fact]
    public async Task Requests_are_counted_per_operation_and_an_absent_object_is_not_an_error()
    {
        await _memory.PutTextAsync("a.txt", "a");
        Assert.Null(await _fs.LookupAsync("missing.txt", CancellationToken.None));
        Assert.NotNull(await _fs.LookupAsync("a.txt", CancellationToken.None));
        await _fs.RenameAsync("a.txt", "b.txt", noReplace: false, CancellationToken.None);

        var counts = _counts.Snapshot().ToDictionary(c => c.Operation);
        Assert.All(counts.Values, c => Assert.Equal(0, c.Errors));
        Assert.True(counts.ContainsKey("rename"), string.Join(", ", counts.Keys));
        Assert.True(counts.Values.Sum(c => c.Count) >= 2);
    }

    [Fact]
    public async Task A_snapshot_taken_while_a_first_request_of_a_kind_is_counted_is_whole_and_in_order()
    {
        // `mountstore status` asked while the mount made its first request of some kind once
        // failed: the kinds grew between counting and copying them.
        var counts = new StoreRequestCounts();
        using var stop = new CancellationTokenSource();
        var counting = Task.Run(() =>
        {
            for (var i = 0; i < 20_000 && !stop.IsCancellationRequested; i++)
                counts.Succeeded($"kind-{i:D5}");
        });
        var snapshots = 0;
        while (!counting.IsCompleted)
        {
            var snapshot = counts.Snapshot();
            Assert.Equal(snapshot.Select(c => c.Operation).Order(StringComparer.Ordinal), snapshot.Select(c => c.Operation));
            Assert.All(snapshot, c => Assert.Equal(1, c.Count));
            snapshots++;
        }
        await counting;
        Assert.Equal(20_000, counts.Snapshot().Count);
        Assert.True(snapshots > 1, $"only {snapshots} snapshot(s) were taken while counting");
    }

    [Fact]
    public void The_set_of_running_uploads_holds_only_live_uploads()
    {
        var uploads = new UploadsInProgress(TimeProvider.System);
        var entries = Enumerable.Range(0, 1000).Select(i => uploads.Begin($"f{i}")).ToList();
        foreach (var entry in entries)
            uploads.End(entry, stored: true);
        uploads.End(entries[0], stored: true); // a second end changes nothing
        Assert.Empty(uploads.Running());
        Assert.Equal(1000, uploads.Completed);
    }
}
