using Microsoft.Extensions.Logging.Abstractions;
using MountStore.Core.DiskCache;
using MountStore.Core.FileSystem;
using MountStore.Core.Model;
using MountStore.Core.Storage;
using MountStore.Core.WriteBack;
using MountStore.Core.Writing;
using MountStore.Testing;
using static MountStore.Testing.FaultInjectingObjectStore;

namespace MountStore.Core.Tests;

/// <summary>
/// Write-back: close() returns once the file is whole on local disk and its upload recorded;
/// the upload follows in the background, in order with whatever the user does to the file next,
/// and what a mount did not upload the next mount does.
/// </summary>
public sealed class WriteBackTests : IDisposable
{
    private const int MiB = 1 << 20;
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "mountstore-writeback-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly InMemoryObjectStore _memory = TestStores.ForWriting();
    private readonly FaultInjectingObjectStore _store;

    public WriteBackTests() => _store = new FaultInjectingObjectStore(_memory);

    public void Dispose()
    {
        if (Directory.Exists(_folder))
            Directory.Delete(_folder, recursive: true);
    }

    private string PendingFolder => Path.Combine(_folder, "cache", "pending");

    /// <summary>
    /// The pending folder's files but the spares a mount keeps ready (empty data files with no
    /// record, at most 16; deleted when the mount stops).
    /// </summary>
    private string[] LeftInPending()
    {
        var files = Directory.GetFiles(PendingFolder);
        var spares = files.Where(f => f.EndsWith(".data", StringComparison.Ordinal) && new FileInfo(f).Length == 0
                                      && !files.Contains(Path.ChangeExtension(f, ".json")) && RecordAttribute.Read(f) is null).ToList();
        Assert.True(spares.Count <= 16, $"{spares.Count} spare data files");
        return files.Except(spares).ToArray();
    }

    private MountedFileSystem Mount(int maxPending = 1000, int uploads = 4, TimeSpan? foregroundYield = null, TimeSpan? uploadDelay = null,
        TimeSpan? closeLull = null, TimeSpan? maxCloseHoldBack = null) => new(_store, new FileSystemOptions
        {
            DataCache = new DataCacheOptions { Directory = Path.Combine(_folder, "cache") },
            WriteBack = new WriteBackOptions
            {
                MaxPendingFiles = maxPending,
                Uploads = uploads,
                MaxRetryDelay = TimeSpan.FromMilliseconds(200),
                UploadDelay = uploadDelay ?? TimeSpan.FromMilliseconds(50),
                ForegroundYield = foregroundYield ?? TimeSpan.FromMilliseconds(200),
                CloseLull = closeLull ?? new WriteBackOptions().CloseLull,
                MaxCloseHoldBack = maxCloseHoldBack ?? new WriteBackOptions().MaxCloseHoldBack,
            },
            Writing = TestStores.SmallParts(Path.Combine(_folder, "staging")),
        }, NullLoggerFactory.Instance);

    private static async Task WriteFileAsync(MountedFileSystem fs, string path, byte[] bytes, bool create = true)
    {
        var opened = create
            ? await fs.CreateAsync(path, Convert.ToUInt32("640", 8), OpenIntent.WriteOnly, CancellationToken.None)
            : await fs.OpenAsync(path, new OpenIntent(false, true, true), CancellationToken.None);
        for (var at = 0; at < bytes.Length; at += 128 * 1024)
            await fs.WriteAsync(opened.Handle, at, bytes.AsMemory(at, Math.Min(128 * 1024, bytes.Length - at)), CancellationToken.None);
        await fs.FlushAsync(opened.Handle, CancellationToken.None);
        await fs.ReleaseAsync(opened.Handle);
    }

    private static async Task<byte[]> ReadFileAsync(MountedFileSystem fs, string path)
    {
        var opened = await fs.OpenAsync(path, OpenIntent.ReadOnly, CancellationToken.None);
        try
        {
            var buffer = new byte[opened.Attributes.Size];
            var read = 0;
            while (read < buffer.Length)
            {
                var got = await fs.ReadAsync(opened.Handle, read, buffer.AsMemory(read), CancellationToken.None);
                if (got == 0)
                    break;
                read += got;
            }
            return buffer[..read];
        }
        finally
        {
            await fs.ReleaseAsync(opened.Handle);
        }
    }

    private static Task<WriteBackStatus> DrainAsync(MountedFileSystem fs) => fs.DrainUploadsAsync(TimeSpan.FromSeconds(1), _ => { }, CancellationToken.None);

    /// <summary>Holds every PUT until <see cref="Open"/>: uploads that cannot finish while a test looks.</summary>
    private sealed class Gate
    {
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Passed => _open.Task;

        public void Open() => _open.TrySetResult();
    }

    private Gate HoldPuts()
    {
        var gate = new Gate();
        _store.Before(StoreCall.Put, () => gate.Passed);
        return gate;
    }

    [Fact]
    public async Task Close_returns_before_the_upload_and_the_file_shows_and_reads_from_the_cache_meanwhile()
    {
        await using var fs = Mount();
        var gate = HoldPuts();
        var bytes = TestStores.Pattern(3 * MiB);
        await WriteFileAsync(fs, "out/result.bin", bytes);

        Assert.Null(await _store.Inner.HeadAsync("out/result.bin", CancellationToken.None));
        Assert.Equal(1, fs.PendingUploads!.Pending);
        Assert.Equal(3 * MiB, fs.PendingUploads.PendingBytes);
        var attributes = await fs.GetAttributesAsync("out/result.bin", CancellationToken.None);
        Assert.Equal(bytes.Length, attributes.Size);
        Assert.Contains((await fs.ListDirectoryAsync("out", CancellationToken.None)).Entries, e => e.Name == "result.bin");
        Assert.Equal(bytes, await ReadFileAsync(fs, "out/result.bin"));

        gate.Open();
        var left = await DrainAsync(fs);
        Assert.Equal(0, left.Pending);
        Assert.Equal(bytes, await _memory.ReadAllBytesAsync("out/result.bin"));
        Assert.Empty(LeftInPending()); // record and data gone once stored and closed
    }

    [Fact]
    public async Task What_one_mount_did_not_upload_the_next_uploads_before_anything_else_touches_it()
    {
        var bytes = TestStores.Pattern(2 * MiB, seed: 3);
        await using (var first = Mount())
        {
            _store.FailFrom(StoreCall.Put, 1, () => new StoreUnavailableException("PUT", "x", 503, "the store is down"));
            await WriteFileAsync(first, "data/kept.csv", bytes);
            Assert.Equal(1, first.PendingUploads!.Pending);
        } // unmounted without waiting: the upload stays recorded
        Assert.Single(new PendingJournal(Path.Combine(_folder, "cache")).RecordedIds());
        _store.Heal();

        await using var second = Mount();
        Assert.Equal(bytes.Length, (await second.GetAttributesAsync("data/kept.csv", CancellationToken.None)).Size);
        await DrainAsync(second);
        Assert.Equal(bytes, await _memory.ReadAllBytesAsync("data/kept.csv"));
        var stored = await _memory.HeadAsync("data/kept.csv", CancellationToken.None);
        Assert.Equal("640", Convert.ToString(FileMetadata.Read(stored!.Metadata, stored.ContentType).Mode!.Value & 0xFFF, 8));
        Assert.Empty(LeftInPending());
    }

    [Fact]
    public async Task A_pending_file_renamed_before_its_upload_is_uploaded_once_under_its_new_name()
    {
        await using var fs = Mount(uploads: 1);
        var gate = HoldPuts();
        await WriteFileAsync(fs, "first.bin", TestStores.Pattern(100)); // keeps the one upload slot busy
        var bytes = TestStores.Pattern(MiB);
        await WriteFileAsync(fs, "dir/.report.csv.tmp", bytes); // the way rsync and editors write
        await fs.RenameAsync("dir/.report.csv.tmp", "dir/report.csv", noReplace: false, CancellationToken.None);
        gate.Open();
        await DrainAsync(fs);

        Assert.Equal(bytes, await _memory.ReadAllBytesAsync("dir/report.csv"));
        Assert.Null(await _memory.HeadAsync("dir/.report.csv.tmp", CancellationToken.None));
        Assert.Equal(0, _store.CountOf(StoreCall.Rename) + _store.CountOf(StoreCall.Copy));
        Assert.Equal(2, _store.CountOf(StoreCall.Put));
    }

    [Fact]
    public async Task A_pending_file_renamed_over_a_stored_file_replaces_it_without_a_conflict()
    {
        await _memory.PutAsync("dir/report.csv", TestStores.Pattern(1000, seed: 1));
        await using var fs = Mount(uploads: 1);
        await fs.LookupAsync("dir/report.csv", CancellationToken.None);
        var gate = HoldPuts();
        await WriteFileAsync(fs, "first.bin", TestStores.Pattern(100)); // keeps the one upload slot busy
        var bytes = TestStores.Pattern(5000, seed: 2);
        await WriteFileAsync(fs, "dir/.report.csv.tmp", bytes);
        await fs.RenameAsync("dir/.report.csv.tmp", "dir/report.csv", noReplace: false, CancellationToken.None);
        gate.Open();
        await DrainAsync(fs);

        Assert.Equal(bytes, await _memory.ReadAllBytesAsync("dir/report.csv"));
        Assert.Equal(0, fs.Writing.Conflicts.Count);
        Assert.Equal(2, _memory.Count); // first.bin and the report, no conflict copy
    }

    [Fact]
    public async Task A_pending_file_deleted_before_its_upload_begins_never_reaches_the_store()
    {
        await using var fs = Mount(uploads: 1);
        var gate = HoldPuts();
        await WriteFileAsync(fs, "first.bin", TestStores.Pattern(100)); // keeps the one upload slot busy
        await WriteFileAsync(fs, "scratch.tmp", TestStores.Pattern(MiB));
        await fs.UnlinkAsync("scratch.tmp", CancellationToken.None);
        Assert.Equal(1, fs.PendingUploads!.Pending);
        gate.Open();
        await DrainAsync(fs);
        Assert.Null(await _memory.HeadAsync("scratch.tmp", CancellationToken.None));
        Assert.Null(await fs.LookupAsync("scratch.tmp", CancellationToken.None));
        Assert.Equal(1, _store.CountOf(StoreCall.Put));
        Assert.Empty(LeftInPending());
    }

    [Fact]
    public async Task A_file_closed_once_then_unlinked_while_still_open_is_dropped_and_the_drain_does_not_wait_for_it()
    {
        // tmpfile's pattern through a shell: `exec 7>f` closes a dup of the new file (a flush that
        // seals it) while fd 7 stays open; then `rm f`, a write through fd 7, and its close
        await using var fs = Mount(uploadDelay: TimeSpan.FromMinutes(5));
        var opened = await fs.CreateAsync("scratch.tmp", Convert.ToUInt32("640", 8), OpenIntent.WriteOnly, CancellationToken.None);
        await fs.FlushAsync(opened.Handle, CancellationToken.None);
        Assert.Equal(1, fs.PendingUploads!.Pending);
        await fs.UnlinkAsync("scratch.tmp", CancellationToken.None);
        Assert.Equal(0, fs.PendingUploads!.Pending);
        await fs.WriteAsync(opened.Handle, 0, TestStores.Pattern(1000), CancellationToken.None);
        await fs.FlushAsync(opened.Handle, CancellationToken.None);
        await fs.ReleaseAsync(opened.Handle);

        var left = await DrainAsync(fs).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, left.Pending);
        Assert.Null(await _memory.HeadAsync("scratch.tmp", CancellationToken.None));
        Assert.Equal(0, _store.CountOf(StoreCall.Put));
        Assert.Empty(LeftInPending());
    }

    [Fact]
    public async Task A_pending_file_deleted_while_it_uploads_is_deleted_after_the_upload_and_the_store_ends_without_it()
    {
        await using var fs = Mount();
        var gate = HoldPuts();
        await WriteFileAsync(fs, "scratch.tmp", TestStores.Pattern(MiB));
        while (_store.CountOf(StoreCall.Put) == 0)
            await Task.Delay(10); // the upload has begun (and waits at the gate)
        var unlink = fs.UnlinkAsync("scratch.tmp", CancellationToken.None).AsTask();
        gate.Open();
        await unlink;
        await DrainAsync(fs);
        Assert.Null(await _memory.HeadAsync("scratch.tmp", CancellationToken.None));
        Assert.Null(await fs.LookupAsync("scratch.tmp", CancellationToken.None));
    }

    [Fact]
    public async Task A_pending_file_written_again_ends_in_the_store_as_last_written()
    {
        await using var fs = Mount();
        var first = TestStores.Pattern(2 * MiB, seed: 1);
        var second = TestStores.Pattern(MiB, seed: 2);
        await WriteFileAsync(fs, "notes.txt", first);
        // an O_TRUNC open of the pending file uploads the first version before emptying it, so the
        // bytes its record names never change under it (a crash meanwhile uploads the first one)
        var opened = await fs.OpenAsync("notes.txt", new OpenIntent(false, true, true), CancellationToken.None);
        Assert.Equal(first, await _memory.ReadAllBytesAsync("notes.txt"));
        Assert.Empty(new PendingJournal(Path.Combine(_folder, "cache")).RecordedIds());
        await fs.WriteAsync(opened.Handle, 0, second, CancellationToken.None);
        await fs.FlushAsync(opened.Handle, CancellationToken.None);
        await fs.ReleaseAsync(opened.Handle);
        await DrainAsync(fs);
        Assert.Equal(second, await _memory.ReadAllBytesAsync("notes.txt"));
        Assert.Equal(second, await ReadFileAsync(fs, "notes.txt"));
    }

    [Fact]
    public async Task An_upload_taken_over_by_a_truncating_open_does_not_send_the_bytes_of_the_file_open_again()
    {
        // The upload waits for a lull in closes. Meanwhile an O_TRUNC open commits the closed
        // version itself and the file is written again, still open: when the upload's turn
        // comes it owes nothing, and the half-written file must not reach the store.
        await using var fs = Mount(uploadDelay: TimeSpan.Zero, closeLull: TimeSpan.FromMilliseconds(500));
        var first = TestStores.Pattern(MiB, seed: 1);
        var second = TestStores.Pattern(4096, seed: 2);
        await WriteFileAsync(fs, "draft.txt", first);
        await Task.Delay(TimeSpan.FromMilliseconds(150)); // the upload has begun, and waits for the lull
        var opened = await fs.OpenAsync("draft.txt", new OpenIntent(false, true, true), CancellationToken.None);
        await fs.WriteAsync(opened.Handle, 0, second, CancellationToken.None);
        await Task.Delay(TimeSpan.FromSeconds(1.2)); // past the lull and the foreground yield: the upload's turn has come
        Assert.Equal(first, await _memory.ReadAllBytesAsync("draft.txt"));
        Assert.Equal(1, _store.CountOf(StoreCall.Put));
        await fs.FlushAsync(opened.Handle, CancellationToken.None);
        await fs.ReleaseAsync(opened.Handle);
        await DrainAsync(fs);
        Assert.Equal(second, await _memory.ReadAllBytesAsync("draft.txt"));
    }

    [Fact]
    public async Task Fsync_returns_once_the_object_is_in_the_store()
    {
        await using var fs = Mount();
        var opened = await fs.CreateAsync("synced.bin", Convert.ToUInt32("644", 8), OpenIntent.WriteOnly, CancellationToken.None);
        var bytes = TestStores.Pattern(4096);
        await fs.WriteAsync(opened.Handle, 0, bytes, CancellationToken.None);
        await fs.SyncAsync(opened.Handle, CancellationToken.None);
        Assert.Equal(bytes, await _memory.ReadAllBytesAsync("synced.bin"));
        await fs.FlushAsync(opened.Handle, CancellationToken.None);
        await fs.ReleaseAsync(opened.Handle);
        Assert.Equal(0, fs.PendingUploads!.Pending);
    }

    [Fact]
    public async Task An_upload_refused_for_good_stays_on_disk_and_in_status_and_the_next_mount_tries_again()
    {
        var bytes = TestStores.Pattern(10_000);
        await using (var first = Mount())
        {
            _store.FailFrom(StoreCall.Put, 1, () => new AccessDeniedException("PUT", "denied.bin", 403, "the account may not write here"));
            await WriteFileAsync(first, "denied.bin", bytes);
            var left = await DrainAsync(first);
            var failed = Assert.Single(left.Failed);
            Assert.Equal("denied.bin", failed.Key);
            Assert.Contains("may not write here", failed.Error);
            Assert.Equal(bytes.Length, (await first.GetAttributesAsync("denied.bin", CancellationToken.None)).Size);
        }
        _store.Heal();
        await using var second = Mount();
        await DrainAsync(second);
        Assert.Equal(bytes, await _memory.ReadAllBytesAsync("denied.bin"));
    }

    [Fact]
    public async Task An_upload_that_fails_for_a_passing_reason_is_tried_again_until_it_is_stored()
    {
        await using var fs = Mount();
        _store.FailNth(StoreCall.Put, 1, () => new StoreUnavailableException("PUT", "retry.bin", 503, "busy"));
        _store.FailNth(StoreCall.Put, 2, () => new IOException("connection reset"));
        var bytes = TestStores.Pattern(5000);
        await WriteFileAsync(fs, "retry.bin", bytes);
        var left = await DrainAsync(fs);
        Assert.Equal(0, left.Pending);
        Assert.Equal(bytes, await _memory.ReadAllBytesAsync("retry.bin"));
        Assert.Equal(3, _store.CountOf(StoreCall.Put));
    }

    [Fact]
    public async Task Close_waits_for_room_when_the_pending_bound_is_reached()
    {
        await using var fs = Mount(maxPending: 2, uploads: 1);
        var gate = HoldPuts();
        await WriteFileAsync(fs, "a.bin", TestStores.Pattern(100));
        await WriteFileAsync(fs, "b.bin", TestStores.Pattern(100));
        var third = WriteFileAsync(fs, "c.bin", TestStores.Pattern(100));
        await Task.Delay(300);
        Assert.False(third.IsCompleted);
        Assert.Equal(2, fs.PendingUploads!.Pending);
        gate.Open();
        await third;
        await DrainAsync(fs);
        Assert.Equal(3, _memory.Count);
    }

    [Fact]
    public async Task Uploads_wait_while_files_are_closed_one_after_another_and_start_when_the_closes_pause()
    {
        // a lull far longer than the few milliseconds between two closes here, even on a busy machine
        await using var fs = Mount(uploadDelay: TimeSpan.Zero, closeLull: TimeSpan.FromSeconds(2), maxCloseHoldBack: TimeSpan.FromMinutes(5));
        for (var i = 0; i < 20; i++)
            await WriteFileAsync(fs, $"tree/f{i}", TestStores.Pattern(1000, seed: i));
        Assert.Equal(0, _store.CountOf(StoreCall.Put)); // none while the copy went on
        Assert.Equal(20, fs.PendingUploads!.Pending);

        // no drain: the pause alone lets them go
        for (var wait = 0; wait < 600 && fs.PendingUploads.Pending > 0; wait++)
            await Task.Delay(50);
        Assert.Equal(0, fs.PendingUploads.Pending);
        for (var i = 0; i < 20; i++)
            Assert.Equal(TestStores.Pattern(1000, seed: i), await _memory.ReadAllBytesAsync($"tree/f{i}"));
    }

    [Fact]
    public async Task A_copy_that_never_pauses_uploads_as_it_goes_once_a_file_was_held_back_long_enough()
    {
        await using var fs = Mount(uploadDelay: TimeSpan.Zero, closeLull: TimeSpan.FromMinutes(5), maxCloseHoldBack: TimeSpan.FromMilliseconds(300));
        var written = 0;
        while (_store.CountOf(StoreCall.Put) == 0 && written < 2000)
        {
            await WriteFileAsync(fs, $"long/f{written}", TestStores.Pattern(100, seed: written));
            written++;
            await Task.Delay(5);
        }
        Assert.True(_store.CountOf(StoreCall.Put) > 0, $"no upload began while {written} files were closed one after another");
        await DrainAsync(fs);
        Assert.Equal(written, _memory.Count);
    }

    [Fact]
    public async Task Uploads_held_back_start_when_three_quarters_of_the_pending_bound_are_taken()
    {
        // without that rule the ninth close would wait for room that only the lull (minutes away) frees
        await using var fs = Mount(maxPending: 8, uploadDelay: TimeSpan.Zero, closeLull: TimeSpan.FromMinutes(5), maxCloseHoldBack: TimeSpan.FromMinutes(5));
        var copy = Task.Run(async () =>
        {
            for (var i = 0; i < 12; i++)
                await WriteFileAsync(fs, $"full/f{i}", TestStores.Pattern(100, seed: i));
        });
        await copy.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(_store.CountOf(StoreCall.Put) >= 4, $"{_store.CountOf(StoreCall.Put)} uploads for 12 files through a bound of 8");
        await DrainAsync(fs);
        Assert.Equal(12, _memory.Count);
    }

    [Fact]
    public async Task A_record_whose_data_is_short_is_reported_and_left_in_place_never_uploaded_or_deleted()
    {
        await using (var first = Mount())
        {
            _store.FailFrom(StoreCall.Put, 1, () => new StoreUnavailableException("PUT", "x", 503, "down"));
            await WriteFileAsync(first, "torn.bin", TestStores.Pattern(4096));
        }
        var data = Directory.GetFiles(PendingFolder, "*.data").Single();
        await using (var file = File.OpenWrite(data))
            file.SetLength(100);
        _store.Heal();
        await using var second = Mount();
        await DrainAsync(second);
        Assert.Null(await _memory.HeadAsync("torn.bin", CancellationToken.None));
        Assert.True(File.Exists(data));
        Assert.Single(new PendingJournal(Path.Combine(_folder, "cache")).RecordedIds());
    }

    [Fact]
    public async Task Mode_and_times_set_right_after_close_go_with_the_pending_upload_without_waiting_for_it()
    {
        await using var fs = Mount(uploads: 1);
        var gate = HoldPuts();
        await WriteFileAsync(fs, "first.bin", TestStores.Pattern(100)); // keeps the one upload slot busy
        while (_store.CountOf(StoreCall.Put) == 0)
            await Task.Delay(10);
        await WriteFileAsync(fs, "tree/file.txt", TestStores.Pattern(5000));
        var mtime = new DateTimeOffset(2020, 5, 17, 8, 30, 0, TimeSpan.Zero);
        // as tar does after extracting a file; returns while the upload slot is still busy
        var attributes = await fs.SetAttributesAsync("tree/file.txt", null, new AttributeChanges(Permissions: Convert.ToUInt32("600", 8), ModifiedTime: mtime), CancellationToken.None);
        Assert.Equal(mtime, attributes.ModifiedTime);
        Assert.Equal(1, _store.CountOf(StoreCall.Put)); // only first.bin's, still held at the gate
        gate.Open();
        await DrainAsync(fs);
        var stored = await _memory.HeadAsync("tree/file.txt", CancellationToken.None);
        var metadata = FileMetadata.Read(stored!.Metadata, stored.ContentType);
        Assert.Equal("600", Convert.ToString(metadata.Mode!.Value & 0xFFF, 8));
        Assert.Equal(mtime, metadata.ModifiedTime);
        Assert.Equal(2, _store.CountOf(StoreCall.Put)); // one upload each, the change carried by it
        Assert.Equal(0, _store.CountOf(StoreCall.Copy));
    }

    [Fact]
    public async Task Changes_after_close_are_kept_for_the_next_mount_and_a_torn_change_loses_only_itself()
    {
        var mtime = new DateTimeOffset(2019, 1, 2, 3, 4, 5, TimeSpan.Zero);
        await using (var first = Mount())
        {
            _store.FailFrom(StoreCall.Put, 1, () => new StoreUnavailableException("PUT", "x", 503, "the store is down"));
            await WriteFileAsync(first, "a.txt", TestStores.Pattern(3000, seed: 1));
            await WriteFileAsync(first, "b.txt", TestStores.Pattern(4000, seed: 2));
            // as tar and mv do after close: written as updates beside the durable records
            await first.SetAttributesAsync("a.txt", null, new AttributeChanges(Permissions: Convert.ToUInt32("600", 8), ModifiedTime: mtime), CancellationToken.None);
            await first.RenameAsync("a.txt", "renamed/a.txt", noReplace: false, CancellationToken.None);
            await first.SetAttributesAsync("b.txt", null, new AttributeChanges(Permissions: Convert.ToUInt32("600", 8)), CancellationToken.None);
        } // stopped with both uploads pending
        Assert.Equal(2, Directory.GetFiles(PendingFolder, "*.update").Length);
        // a crash before the disk wrote b.txt's update: the torn update is ignored, the file is not
        var bUpdate = Directory.GetFiles(PendingFolder, "*.update").Single(p => File.ReadAllText(p).Contains("\"b.txt\"", StringComparison.Ordinal));
        await File.WriteAllTextAsync(bUpdate, "{\"id\": ");
        _store.Heal();

        await using var second = Mount();
        await DrainAsync(second);
        var a = await _memory.HeadAsync("renamed/a.txt", CancellationToken.None);
        Assert.Null(await _memory.HeadAsync("a.txt", CancellationToken.None));
        Assert.Equal(TestStores.Pattern(3000, seed: 1), await _memory.ReadAllBytesAsync("renamed/a.txt"));
        var aMetadata = FileMetadata.Read(a!.Metadata, a.ContentType);
        Assert.Equal("600", Convert.ToString(aMetadata.Mode!.Value & 0xFFF, 8));
        Assert.Equal(mtime, aMetadata.ModifiedTime);
        var b = await _memory.HeadAsync("b.txt", CancellationToken.None);
        Assert.Equal(TestStores.Pattern(4000, seed: 2), await _memory.ReadAllBytesAsync("b.txt"));
        Assert.Equal("640", Convert.ToString(FileMetadata.Read(b!.Metadata, b.ContentType).Mode!.Value & 0xFFF, 8)); // as closed
        Assert.Empty(LeftInPending().Select(Path.GetFileName));
    }

    [Fact]
    public async Task An_upload_waits_for_a_request_an_application_waits_on_and_its_own_requests_never_hold_others()
    {
        await using var fs = Mount(uploads: 1, foregroundYield: TimeSpan.FromMinutes(5));
        var headGate = new Gate();
        _store.Before(StoreCall.Head, () => headGate.Passed);
        await WriteFileAsync(fs, "pending.txt", TestStores.Pattern(100)); // new name: its close asks the store nothing
        var lookup = fs.GetAttributesAsync("elsewhere/unknown.txt", CancellationToken.None).AsTask(); // a HEAD someone waits on
        while (_store.CountOf(StoreCall.Head) == 0)
            await Task.Delay(10);
        await Task.Delay(300); // the upload's delay (50 ms) has passed: it is waiting for the HEAD
        Assert.Equal(0, _store.CountOf(StoreCall.Put));

        headGate.Open();
        await Assert.ThrowsAsync<FileSystemException>(() => lookup);
        await DrainAsync(fs); // the upload's own requests (it is background work) do not make it wait for itself
        Assert.Equal(TestStores.Pattern(100), await _memory.ReadAllBytesAsync("pending.txt"));
    }

    [Fact]
    public async Task Two_records_under_one_name_upload_the_later_under_it_and_the_earlier_as_a_conflict_copy()
    {
        // what a rename after close that a crash kept from the disk can leave: nothing is dropped
        using var journal = new PendingJournal(Path.Combine(_folder, "cache"));
        var earlierAt = new DateTimeOffset(2026, 12, 6, 5, 0, 0, TimeSpan.Zero);
        void Record(byte[] bytes, DateTimeOffset closedAt)
        {
            var (id, file) = journal.NewFile();
            using (file)
            {
                RandomAccess.Write(file, bytes, 0);
                journal.Seal(new PendingUpload(id, "out/report.txt", bytes.Length, NodeKind.File, 420, null, null, null, null, closedAt, null, null, false), file);
            }
        }
        Record(TestStores.Pattern(700, seed: 1), earlierAt);
        Record(TestStores.Pattern(900, seed: 2), earlierAt.AddSeconds(5));

        await using (var fs = Mount())
            await DrainAsync(fs);

        Assert.Equal(TestStores.Pattern(900, seed: 2), await _memory.ReadAllBytesAsync("out/report.txt"));
        Assert.Equal(TestStores.Pattern(700, seed: 1), await _memory.ReadAllBytesAsync(ConflictCopies.NameFor("out/report.txt", Environment.MachineName, earlierAt)));
        Assert.Empty(journal.RecordedIds());
    }

    [Fact]
    public async Task A_folders_owner_mode_and_times_set_one_after_another_are_stored_later_as_one_write()
    {
        await using var fs = Mount(uploadDelay: TimeSpan.FromMinutes(5)); // written when drained, not before
        await fs.MakeDirectoryAsync("tree", Convert.ToUInt32("755", 8), CancellationToken.None);
        var mtime = new DateTimeOffset(2021, 6, 7, 8, 9, 10, TimeSpan.Zero);
        // as tar does once a folder's contents are out
        await fs.SetAttributesAsync("tree", null, new AttributeChanges(Uid: 1000, Gid: 1000), CancellationToken.None);
        await fs.SetAttributesAsync("tree", null, new AttributeChanges(Permissions: Convert.ToUInt32("700", 8)), CancellationToken.None);
        await fs.SetAttributesAsync("tree", null, new AttributeChanges(ModifiedTime: mtime), CancellationToken.None);
        var shown = await fs.GetAttributesAsync("tree", CancellationToken.None);
        Assert.Equal((Convert.ToUInt32("700", 8), 1000u, mtime), (shown.Mode & 0xFFF, shown.Uid, shown.ModifiedTime));
        Assert.Equal(1, _store.CountOf(StoreCall.Put)); // the mkdir's only, so far
        Assert.Equal(1, fs.PendingUploads!.FolderChanges); // and status says one folder waits

        await DrainAsync(fs);
        Assert.Equal(2, _store.CountOf(StoreCall.Put));
        Assert.Equal(0, fs.PendingUploads!.FolderChanges);
        var marker = FileMetadata.Read((await _memory.HeadAsync("tree/", CancellationToken.None))!.Metadata, null);
        Assert.Equal(("700", 1000u, mtime), (Convert.ToString(marker.Mode!.Value & 0xFFF, 8), marker.Uid, marker.ModifiedTime));
    }

    [Fact]
    public async Task A_folder_removed_or_renamed_with_a_change_not_yet_stored_ends_as_the_user_left_it()
    {
        await using var fs = Mount(uploadDelay: TimeSpan.FromMinutes(5));
        await fs.MakeDirectoryAsync("gone", Convert.ToUInt32("755", 8), CancellationToken.None);
        await fs.SetAttributesAsync("gone", null, new AttributeChanges(Permissions: Convert.ToUInt32("700", 8)), CancellationToken.None);
        await fs.RemoveDirectoryAsync("gone", CancellationToken.None);
        await fs.MakeDirectoryAsync("a", Convert.ToUInt32("755", 8), CancellationToken.None);
        await fs.MakeDirectoryAsync("a/sub", Convert.ToUInt32("755", 8), CancellationToken.None);
        await fs.SetAttributesAsync("a/sub", null, new AttributeChanges(Permissions: Convert.ToUInt32("711", 8)), CancellationToken.None);
        await fs.RenameAsync("a", "b", noReplace: false, CancellationToken.None);

        await DrainAsync(fs);
        Assert.Null(await _memory.HeadAsync("gone/", CancellationToken.None)); // not brought back by a late write
        Assert.Null(await _memory.HeadAsync("a/sub/", CancellationToken.None));
        var moved = FileMetadata.Read((await _memory.HeadAsync("b/sub/", CancellationToken.None))!.Metadata, null);
        Assert.Equal("711", Convert.ToString(moved.Mode!.Value & 0xFFF, 8));
    }

    // the hand-over after the upload neither flushes the bytes again (close did) nor waits for
    // its state to reach the disk; a later mount still finds both
    [Fact]
    public async Task A_file_written_and_uploaded_is_read_again_from_local_disk_by_a_later_mount()
    {
        var bytes = TestStores.Pattern(3 * MiB);
        await using (var first = Mount())
        {
            await WriteFileAsync(first, "model/weights.bin", bytes);
            await DrainAsync(first);
        }
        Assert.Empty(LeftInPending()); // moved into the cache, not copied
        var gets = _store.CountOf(StoreCall.Get);

        await using var second = Mount();
        Assert.Equal(bytes, await ReadFileAsync(second, "model/weights.bin"));
        Assert.Equal(gets, _store.CountOf(StoreCall.Get));
        Assert.Equal(bytes.Length, second.DataCache!.ServedBytes);
    }
}
