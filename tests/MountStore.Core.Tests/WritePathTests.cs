using Microsoft.Extensions.Logging.Abstractions;
using MountStore.Core.FileSystem;
using MountStore.Core.Storage;
using MountStore.Core.Writing;
using MountStore.Testing;
using static MountStore.Testing.FaultInjectingObjectStore;
using MountStore.Core.Model;

namespace MountStore.Core.Tests;

/// <summary>The write path on the in-memory store: memory bounds, part sizes, staging, failures.</summary>
public sealed class WritePathTests : IAsyncDisposable
{
    private readonly WritingFileSystem _setup = new();
    private readonly InMemoryObjectStore _memory;
    private readonly FaultInjectingObjectStore _store;
    private readonly string _staging;
    private readonly MountedFileSystem _fs;

    public WritePathTests()
    {
        _memory = _setup.Memory;
        _store = _setup.Faults;
        _staging = _setup.Staging;
        _fs = _setup.FileSystem;
    }

    public ValueTask DisposeAsync() => _setup.DisposeAsync();

    private async Task<byte[]> StoredAsync(string key)
    {
        using var content = await _memory.GetAsync(key, null, CancellationToken.None);
        using var copy = new MemoryStream();
        await content.Stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    private async Task WriteFileAsync(string path, byte[] data, int chunk = 1 << 20)
    {
        var file = await _fs.CreateAsync(path, 420, OpenIntent.WriteOnly, CancellationToken.None);
        for (var offset = 0; offset < data.Length; offset += chunk)
            await _fs.WriteAsync(file.Handle, offset, data.AsMemory(offset, Math.Min(chunk, data.Length - offset)), CancellationToken.None);
        await _fs.FlushAsync(file.Handle, CancellationToken.None);
        await _fs.ReleaseAsync(file.Handle);
    }

    [Fact]
    public async Task Eight_parallel_sequential_writers_stay_within_the_write_budget()
    {
        var files = Enumerable.Range(0, 8).Select(i => TestStores.Pattern((23 << 20) + i * 1001, i)).ToArray();
        await Task.WhenAll(files.Select((data, i) => WriteFileAsync($"p{i}.bin", data)));

        for (var i = 0; i < files.Length; i++)
            Assert.Equal(files[i], await StoredAsync($"p{i}.bin"));
        Assert.True(_fs.Writing.Buffers.PeakInUseBytes <= _fs.Writing.Buffers.BudgetBytes, $"peak {_fs.Writing.Buffers.PeakInUseBytes}");
        Assert.Equal(0, _fs.Writing.Buffers.InUseBytes);
        Assert.True(_fs.Memory.PeakBytes <= _fs.Memory.LimitBytes, $"peak {_fs.Memory.PeakBytes} bytes held, kept ones included");
        Assert.Equal(0, _fs.Memory.ForcedBytes);
        Assert.Equal(0, _memory.PendingUploadCount);
    }

    [Fact]
    public async Task Attributes_set_before_close_ride_on_the_single_put_as_tar_sets_them()
    {
        var file = await _fs.CreateAsync("extracted.txt", 384, OpenIntent.WriteOnly, CancellationToken.None);
        await _fs.WriteAsync(file.Handle, 0, "from a tarball"u8.ToArray(), CancellationToken.None);
        var mtime = new DateTimeOffset(2021, 3, 4, 5, 6, 7, TimeSpan.Zero);
        // GNU tar: futimens, fchown, fchmod on the open file, then close
        await _fs.SetAttributesAsync("extracted.txt", file.Handle, new AttributeChanges(ModifiedTime: mtime), CancellationToken.None);
        await _fs.SetAttributesAsync("extracted.txt", file.Handle, new AttributeChanges(Uid: 1000, Gid: 1000), CancellationToken.None);
        await _fs.SetAttributesAsync("extracted.txt", file.Handle, new AttributeChanges(Permissions: 420), CancellationToken.None);
        await _fs.FlushAsync(file.Handle, CancellationToken.None);
        await _fs.ReleaseAsync(file.Handle);

        Assert.Equal(1, _store.CountOf(StoreCall.Put));
        Assert.Equal(0, _store.CountOf(StoreCall.Copy));
        var stored = (await _memory.HeadAsync("extracted.txt", CancellationToken.None))!;
        Assert.Equal("33188", stored.Metadata["mode"]); // regular file, 0644
        Assert.Equal("1000", stored.Metadata["uid"]);
        Assert.Equal(FileMetadata.FormatTime(mtime), stored.Metadata["mtime"]);
    }

    [Fact]
    public async Task A_folder_keeps_its_time_and_owner_when_its_mode_changes_as_unzip_and_tar_set_them()
    {
        // unzip and tar set a folder's times, then its mode: the marker written for the mode
        // must not lose what the marker written for the times holds.
        await _fs.MakeDirectoryAsync("d", 493, CancellationToken.None);
        var mtime = new DateTimeOffset(2026, 12, 2, 1, 51, 14, TimeSpan.Zero);
        await _fs.SetAttributesAsync("d", null, new AttributeChanges(ModifiedTime: mtime), CancellationToken.None);
        await _fs.SetAttributesAsync("d", null, new AttributeChanges(Uid: 1000, Gid: 1001), CancellationToken.None);
        var seen = await _fs.SetAttributesAsync("d", null, new AttributeChanges(Permissions: 448), CancellationToken.None);

        Assert.Equal(mtime, seen.ModifiedTime);
        Assert.Equal((448u, 1000u, 1001u), (seen.Mode, seen.Uid, seen.Gid));
        var marker = (await _memory.HeadAsync("d/", CancellationToken.None))!;
        Assert.Equal(FileMetadata.FormatTime(mtime), marker.Metadata["mtime"]);
        Assert.Equal("1000", marker.Metadata["uid"]);
        Assert.Equal("16832", marker.Metadata["mode"]); // folder, 0700
    }

    [Fact]
    public async Task A_folders_mode_owner_and_times_set_one_after_another_ask_the_store_once_and_keep_other_tools_keys()
    {
        // tar sets a folder's owner, mode and times after its contents, one call each: each
        // rewrites the marker, and only the first needs to learn what the marker holds.
        await _memory.PutAsync("made-elsewhere/", Stream.Null, new ObjectWriteOptions { Metadata = new Dictionary<string, string> { ["color"] = "blue" } }, CancellationToken.None);
        var attributes = await _fs.GetAttributesAsync("made-elsewhere", CancellationToken.None);
        var headsBefore = _store.CountOf(StoreCall.Head);
        await _fs.SetAttributesAsync("made-elsewhere", null, new AttributeChanges(Uid: 1000, Gid: 1000), CancellationToken.None);
        await _fs.SetAttributesAsync("made-elsewhere", null, new AttributeChanges(Permissions: 448), CancellationToken.None);
        var mtime = new DateTimeOffset(2024, 2, 3, 4, 5, 6, TimeSpan.Zero);
        await _fs.SetAttributesAsync("made-elsewhere", null, new AttributeChanges(ModifiedTime: mtime), CancellationToken.None);
        Assert.True(attributes.IsDirectory);
        Assert.Equal(1, _store.CountOf(StoreCall.Head) - headsBefore);

        await _fs.MakeDirectoryAsync("made-here", 493, CancellationToken.None);
        headsBefore = _store.CountOf(StoreCall.Head);
        await _fs.SetAttributesAsync("made-here", null, new AttributeChanges(Permissions: 448), CancellationToken.None);
        await _fs.SetAttributesAsync("made-here", null, new AttributeChanges(ModifiedTime: mtime), CancellationToken.None);
        Assert.Equal(0, _store.CountOf(StoreCall.Head) - headsBefore);

        var elsewhere = (await _memory.HeadAsync("made-elsewhere/", CancellationToken.None))!;
        Assert.Equal("blue", elsewhere.Metadata["color"]);
        Assert.Equal(("1000", "16832"), (elsewhere.Metadata["uid"], elsewhere.Metadata["mode"])); // folder, 0700
        Assert.Equal(FileMetadata.FormatTime(mtime), elsewhere.Metadata["mtime"]);
        var here = (await _memory.HeadAsync("made-here/", CancellationToken.None))!;
        Assert.Equal(("16832", FileMetadata.FormatTime(mtime)), (here.Metadata["mode"], here.Metadata["mtime"]));
    }

    [Fact]
    public async Task A_closed_file_shows_the_time_of_its_last_write_not_a_rounded_up_store_date()
    {
        var file = await _fs.CreateAsync("out.txt", 420, OpenIntent.WriteOnly, CancellationToken.None);
        await _fs.WriteAsync(file.Handle, 0, "built"u8.ToArray(), CancellationToken.None);
        var whileOpen = (await _fs.GetAttributesAsync("out.txt", CancellationToken.None)).ModifiedTime;
        await _fs.FlushAsync(file.Handle, CancellationToken.None);
        await _fs.ReleaseAsync(file.Handle);

        var afterClose = (await _fs.GetAttributesAsync("out.txt", CancellationToken.None)).ModifiedTime;
        Assert.Equal(whileOpen, afterClose);
        Assert.True(afterClose <= DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task Changes_by_path_after_close_are_stored_even_when_the_release_comes_later()
    {
        // rsync closes its temporary file, then sets times and mode by path, then renames it.
        // The kernel sends release after close() has returned, so these changes can arrive while
        // the written file's writer is still registered: nothing will flush that writer again.
        var mtime = new DateTimeOffset(2019, 5, 6, 7, 8, 9, TimeSpan.Zero);
        var timed = await _fs.CreateAsync(".f4.dat.XyZ", 384, OpenIntent.WriteOnly, CancellationToken.None);
        await _fs.WriteAsync(timed.Handle, 0, "rsync data"u8.ToArray(), CancellationToken.None);
        await _fs.FlushAsync(timed.Handle, CancellationToken.None);
        await _fs.SetAttributesAsync(".f4.dat.XyZ", null, new AttributeChanges(ModifiedTime: mtime), CancellationToken.None);
        await _fs.SetAttributesAsync(".f4.dat.XyZ", null, new AttributeChanges(Permissions: 448), CancellationToken.None);
        var truncated = await _fs.CreateAsync("log.txt", 420, OpenIntent.WriteOnly, CancellationToken.None);
        await _fs.WriteAsync(truncated.Handle, 0, "0123456789"u8.ToArray(), CancellationToken.None);
        await _fs.FlushAsync(truncated.Handle, CancellationToken.None);
        await _fs.SetAttributesAsync("log.txt", null, new AttributeChanges(Size: 4), CancellationToken.None);
        await _fs.ReleaseAsync(timed.Handle);
        await _fs.ReleaseAsync(truncated.Handle);
        await _fs.RenameAsync(".f4.dat.XyZ", "f4.dat", noReplace: false, CancellationToken.None);

        var stored = (await _memory.HeadAsync("f4.dat", CancellationToken.None))!;
        Assert.Equal(FileMetadata.FormatTime(mtime), stored.Metadata["mtime"]);
        Assert.Equal("33216", stored.Metadata["mode"]); // regular file, 0700
        Assert.Equal("rsync data"u8.ToArray(), await StoredAsync("f4.dat"));
        Assert.Equal("0123"u8.ToArray(), await StoredAsync("log.txt"));
        var seen = await _fs.GetAttributesAsync("f4.dat", CancellationToken.None);
        Assert.Equal(mtime, seen.ModifiedTime);
        Assert.Equal(448u, seen.Mode);
    }

    [Fact]
    public async Task A_mode_change_through_a_handle_of_an_unchanged_file_rewrites_metadata_not_content()
    {
        var original = TestStores.Pattern(3 << 20, 3);
        await _memory.PutAsync("big.dat", new MemoryStream(original), ObjectWriteOptions.Default, CancellationToken.None);
        var file = await _fs.OpenAsync("big.dat", new OpenIntent(true, true, false), CancellationToken.None);
        await _fs.SetAttributesAsync("big.dat", file.Handle, new AttributeChanges(Permissions: 384), CancellationToken.None);
        await _fs.FlushAsync(file.Handle, CancellationToken.None);
        await _fs.ReleaseAsync(file.Handle);

        Assert.Equal(1, _store.CountOf(StoreCall.Get)); // the open's lookup, of the first bytes only: the content is not read to be rewritten
        Assert.Equal(0, _store.CountOf(StoreCall.Put));
        Assert.Equal(1, _store.CountOf(StoreCall.Copy));
        Assert.Equal("33152", (await _memory.HeadAsync("big.dat", CancellationToken.None))!.Metadata["mode"]); // 0600
        Assert.Equal(original, await StoredAsync("big.dat"));
    }

    [Fact]
    public async Task A_sequential_file_larger_than_a_part_is_a_segmented_upload_with_a_local_copy_only_where_parts_cannot_move()
    {
        // S3-like: the upload completes only under its key, so a copy on disk is the one place a
        // conflict copy could come from; Swift-like: the segments themselves can, so no disk
        await using var swiftLike = new WritingFileSystem(memory: TestStores.SwiftLike());
        var data = TestStores.Pattern(17 << 20, 1);
        var file = await swiftLike.FileSystem.CreateAsync("big.bin", 420, OpenIntent.WriteOnly, CancellationToken.None);
        await swiftLike.FileSystem.WriteAsync(file.Handle, 0, data, CancellationToken.None);
        await swiftLike.FileSystem.FlushAsync(file.Handle, CancellationToken.None);
        await swiftLike.FileSystem.ReleaseAsync(file.Handle);
        Assert.Equal(0, swiftLike.FileSystem.Writing.Staging.PeakUsedBytes);

        await WriteFileAsync("big.bin", data);

        Assert.Equal(data, await StoredAsync("big.bin"));
        Assert.True((await _memory.HeadAsync("big.bin", CancellationToken.None))!.IsSegmented);
        Assert.Equal(data.Length, _fs.Writing.Staging.PeakUsedBytes);
        Assert.Equal(0, _fs.Writing.Staging.UsedBytes);
        Assert.Equal(1, _store.CountOf(StoreCall.Begin));
        Assert.Equal(4, _store.CountOf(StoreCall.UploadPart));
    }

    [Fact]
    public async Task Part_sizes_grow_so_the_last_part_reaches_the_stores_object_limit()
    {
        var swift = new PartSizing(new StoreLimits { MinPartBytes = 1, MaxParts = 1000, MaxPartBytes = 5L << 30 }, 16 << 20);
        Assert.Equal(16 << 20, swift.SizeOf(1));
        Assert.Equal(32 << 20, swift.SizeOf(101));
        Assert.True(swift.Capacity >= 1L << 40, $"capacity {swift.Capacity}");
        var s3 = new PartSizing(new StoreLimits(), 16 << 20);
        Assert.True(s3.Capacity >= 5L << 40);
    }

    [Fact]
    public async Task Random_writes_into_an_existing_object_fetch_only_what_they_need()
    {
        var original = TestStores.Pattern(3 << 20, 2);
        await _memory.PutAsync("f.bin", new MemoryStream(original), ObjectWriteOptions.Default, CancellationToken.None);
        var file = await _fs.OpenAsync("f.bin", new OpenIntent(true, true, false), CancellationToken.None);
        await _fs.WriteAsync(file.Handle, 100, new byte[] { 1, 2, 3 }, CancellationToken.None);
        var back = new byte[5];
        Assert.Equal(5, await _fs.ReadAsync(file.Handle, 99, back, CancellationToken.None));
        Assert.Equal(new byte[] { original[99], 1, 2, 3, original[103] }, back);
        await _fs.FlushAsync(file.Handle, CancellationToken.None);
        await _fs.ReleaseAsync(file.Handle);

        original[100] = 1;
        original[101] = 2;
        original[102] = 3;
        Assert.Equal(original, await StoredAsync("f.bin"));
        Assert.Equal(0, _fs.Writing.Staging.UsedBytes); // staging files never outlive their upload
    }

    [Fact]
    public async Task A_failed_upload_fails_the_flush_keeps_the_previous_version_and_leaves_no_parts()
    {
        await _memory.PutAsync("keep.bin", new MemoryStream([9, 9, 9]), ObjectWriteOptions.Default, CancellationToken.None);
        _store.FailFrom(StoreCall.UploadPart, 2);
        var file = await _fs.OpenAsync("keep.bin", new OpenIntent(false, true, true), CancellationToken.None);
        var data = TestStores.Pattern(20 << 20, 3);
        Exception? failure = null;
        try
        {
            for (var offset = 0; offset < data.Length; offset += 1 << 20)
                await _fs.WriteAsync(file.Handle, offset, data.AsMemory(offset, 1 << 20), CancellationToken.None);
            await _fs.FlushAsync(file.Handle, CancellationToken.None);
        }
        catch (Exception e)
        {
            failure = e;
        }
        await _fs.ReleaseAsync(file.Handle);

        Assert.NotNull(failure);
        Assert.Equal(new byte[] { 9, 9, 9 }, await StoredAsync("keep.bin"));
        Assert.Equal(0, _memory.PendingPartCount);
        Assert.Equal(0, _fs.Writing.Buffers.InUseBytes);
    }

    [Fact]
    public async Task The_staging_limit_answers_no_space_and_keeps_nothing()
    {
        await using var fs = new MountedFileSystem(_memory, new FileSystemOptions
        {
            Writing = new WriteOptions { PartBytes = 5 << 20, MemoryBudgetBytes = 16L << 20, StagingDirectory = _staging, StagingLimitBytes = 1 << 20 },
        }, NullLoggerFactory.Instance);
        var file = await fs.CreateAsync("s.bin", 420, new OpenIntent(true, true, false), CancellationToken.None);
        await fs.WriteAsync(file.Handle, 0, new byte[1000], CancellationToken.None);
        var full = await Assert.ThrowsAsync<FileSystemException>(async () => await fs.WriteAsync(file.Handle, 2 << 20, new byte[10], CancellationToken.None));
        Assert.Equal(FileSystemError.NoSpace, full.Error);
        await fs.ReleaseAsync(file.Handle);
        Assert.Equal(0, fs.Writing.Staging.UsedBytes);
    }

    [Fact]
    public async Task A_file_opened_while_its_last_writer_closes_reads_what_was_stored()
    {
        // close() returns after flush; the kernel sends release later, so the next open of the
        // same file can run at the same moment as the release of the handle that wrote it.
        var data = TestStores.Pattern(3000, 7);
        for (var round = 0; round < 500; round++)
        {
            var path = $"race-{round}.bin";
            var written = await _fs.CreateAsync(path, 420, new OpenIntent(true, true, false), CancellationToken.None);
            await _fs.WriteAsync(written.Handle, 0, data, CancellationToken.None);
            await _fs.FlushAsync(written.Handle, CancellationToken.None);
            using var start = new SemaphoreSlim(0, 2);
            var release = Task.Run(async () =>
            {
                await start.WaitAsync();
                await _fs.ReleaseAsync(written.Handle);
            });
            var reopen = Task.Run(async () =>
            {
                await start.WaitAsync();
                var reader = await _fs.OpenAsync(path, round % 2 == 0 ? OpenIntent.ReadOnly : new OpenIntent(true, true, false), CancellationToken.None);
                var read = new byte[4096];
                var got = await _fs.ReadAsync(reader.Handle, 0, read, CancellationToken.None);
                await _fs.FlushAsync(reader.Handle, CancellationToken.None);
                await _fs.ReleaseAsync(reader.Handle);
                return read[..got];
            });
            start.Release(2);
            await release;
            Assert.Equal(data, await reopen);
        }
        Assert.Equal(0, _fs.OpenWriterCount);
    }

    [Fact]
    public void Ranges_merge_and_report_what_is_missing()
    {
        var set = new RangeSet();
        set.Add(10, 20);
        set.Add(30, 40);
        set.Add(20, 25);
        Assert.Equal([(10L, 25L), (30L, 40L)], set.Ranges);
        Assert.Equal([(0L, 10L), (25L, 30L), (40L, 50L)], set.Missing(0, 50));
        set.Clip(35);
        Assert.Equal([(10L, 25L), (30L, 35L)], set.Ranges);
    }
}
