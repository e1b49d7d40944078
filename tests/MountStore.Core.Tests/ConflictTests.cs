using Microsoft.Extensions.Logging.Abstractions;
using MountStore.Core.FileSystem;
using MountStore.Core.Model;
using MountStore.Core.Storage;
using MountStore.Testing;

namespace MountStore.Core.Tests;

/// <summary>
/// Two mounts of one store (two filesystems on one in-memory store) changing the same file: the
/// first close wins, the second fails with EIO and its bytes are in a conflict copy beside it.
/// </summary>
public sealed class ConflictTests : IAsyncDisposable
{
    private readonly string _staging = Directory.CreateTempSubdirectory("mountstore-conflict-").FullName;
    private readonly List<MountedFileSystem> _mounts = [];

    private MountedFileSystem Mount(IObjectStore store)
    {
        var fs = new MountedFileSystem(store, new FileSystemOptions { Writing = TestStores.SmallParts(_staging) }, NullLoggerFactory.Instance);
        _mounts.Add(fs);
        return fs;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var fs in _mounts) await fs.DisposeAsync();
        Directory.Delete(_staging, recursive: true);
    }

    private static async Task<byte[]> StoredAsync(IObjectStore store, string key)
    {
        await using var content = await store.GetAsync(key, null, CancellationToken.None);
        using var copy = new MemoryStream();
        await content.Stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    private static async Task<string> OnlyConflictCopyAsync(IObjectStore store, string folder = "")
    {
        var page = await store.ListAsync(new ListRequest(folder), CancellationToken.None);
        return Assert.Single(page.Objects.Select(o => o.Key), k => k.Contains(".conflict-", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Two_mounts_changing_one_existing_file_the_first_close_wins_and_the_second_keeps_its_bytes_in_a_copy(bool large)
    {
        var store = TestStores.ForWriting();
        await store.PutAsync("report.csv", new MemoryStream("original\n"u8.ToArray()), ObjectWriteOptions.Default, CancellationToken.None);
        var a = Mount(store);
        var b = Mount(store);
        var fromA = TestStores.Pattern(large ? 12 << 20 : 1000, seed: 1);
        var fromB = TestStores.Pattern(large ? 12 << 20 : 2000, seed: 2);

        var handleA = await a.OpenAsync("report.csv", new OpenIntent(false, true, true), CancellationToken.None);
        var handleB = await b.OpenAsync("report.csv", new OpenIntent(false, true, true), CancellationToken.None);
        await a.WriteAsync(handleA.Handle, 0, fromA, CancellationToken.None);
        await b.WriteAsync(handleB.Handle, 0, fromB, CancellationToken.None);
        await a.FlushAsync(handleA.Handle, CancellationToken.None);
        await a.ReleaseAsync(handleA.Handle);

        var e = await Assert.ThrowsAsync<FileSystemException>(() => b.FlushAsync(handleB.Handle, CancellationToken.None).AsTask());
        Assert.Equal(FileSystemError.InputOutput, e.Error);
        var copy = await OnlyConflictCopyAsync(store);
        Assert.Matches(@"^report\.conflict-[a-z0-9-]+-\d{8}-\d{6}\.csv$", copy);
        Assert.Contains(copy, e.Message);
        Assert.Equal(fromA, await StoredAsync(store, "report.csv"));
        Assert.Equal(fromB, await StoredAsync(store, copy));
        Assert.Equal(1, b.Writing.Conflicts.Count);
        Assert.Equal(0, store.PendingUploadCount);

        // the losing handle stays failed (a second flush, then close, say so again) and stores nothing more
        await Assert.ThrowsAsync<FileSystemException>(() => b.FlushAsync(handleB.Handle, CancellationToken.None).AsTask());
        await b.ReleaseAsync(handleB.Handle);
        Assert.Equal(fromA, await StoredAsync(store, "report.csv"));
        Assert.Equal(2, store.Count);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public async Task Two_mounts_creating_one_new_name_the_first_close_wins_and_the_second_keeps_its_bytes_in_a_copy(bool large, bool swiftLike)
    {
        var store = swiftLike ? TestStores.SwiftLike() : TestStores.ForWriting();
        var a = Mount(store);
        var b = Mount(store);
        var fromA = TestStores.Pattern(large ? 12 << 20 : 100, seed: 3);
        var fromB = TestStores.Pattern(large ? 13 << 20 : 200, seed: 4);
        await a.MakeDirectoryAsync("results", 493, CancellationToken.None);

        var handleA = await a.CreateAsync("results/run1.h5", 420, OpenIntent.WriteOnly, CancellationToken.None);
        var handleB = await b.CreateAsync("results/run1.h5", 420, OpenIntent.WriteOnly, CancellationToken.None);
        await b.WriteAsync(handleB.Handle, 0, fromB, CancellationToken.None);
        await a.WriteAsync(handleA.Handle, 0, fromA, CancellationToken.None);
        await a.FlushAsync(handleA.Handle, CancellationToken.None);

        var e = await Assert.ThrowsAsync<FileSystemException>(() => b.FlushAsync(handleB.Handle, CancellationToken.None).AsTask());
        Assert.Equal(FileSystemError.InputOutput, e.Error);
        var copy = await OnlyConflictCopyAsync(store, "results/");
        Assert.StartsWith("results/run1.conflict-", copy);
        Assert.EndsWith(".h5", copy);
        Assert.Equal(fromA, await StoredAsync(store, "results/run1.h5"));
        Assert.Equal(fromB, await StoredAsync(store, copy));
        Assert.Equal(0, store.PendingUploadCount);
        Assert.Equal(0, b.Writing.Staging.UsedBytes);
        await a.ReleaseAsync(handleA.Handle);
        await b.ReleaseAsync(handleB.Handle);
    }

    [Fact]
    public async Task A_partial_change_of_a_file_replaced_elsewhere_keeps_the_changed_bytes_in_the_copy()
    {
        var store = TestStores.ForWriting();
        var original = TestStores.Pattern(3 << 20, seed: 5);
        await store.PutAsync("data.bin", new MemoryStream(original), ObjectWriteOptions.Default, CancellationToken.None);
        var b = Mount(store);
        var handle = await b.OpenAsync("data.bin", new OpenIntent(true, true, false), CancellationToken.None);
        await b.WriteAsync(handle.Handle, 100, "patched"u8.ToArray(), CancellationToken.None);

        var replacement = TestStores.Pattern(1 << 20, seed: 6);
        await store.PutAsync("data.bin", new MemoryStream(replacement), ObjectWriteOptions.Default, CancellationToken.None);

        await Assert.ThrowsAsync<FileSystemException>(() => b.FlushAsync(handle.Handle, CancellationToken.None).AsTask());
        var copy = await OnlyConflictCopyAsync(store);
        Assert.Equal(replacement, await StoredAsync(store, "data.bin"));
        var kept = await StoredAsync(store, copy);
        Assert.Equal("patched"u8.ToArray(), kept.AsSpan(100, 7).ToArray());
        await b.ReleaseAsync(handle.Handle);
    }

    [Fact]
    public async Task A_file_written_twice_by_one_mount_is_no_conflict_with_itself()
    {
        var store = TestStores.ForWriting();
        var a = Mount(store);
        for (var round = 0; round < 3; round++)
        {
            var handle = round == 0
                ? await a.CreateAsync("log.txt", 420, OpenIntent.WriteOnly, CancellationToken.None)
                : await a.OpenAsync("log.txt", new OpenIntent(false, true, true), CancellationToken.None);
            await a.WriteAsync(handle.Handle, 0, TestStores.Pattern(100 + round, seed: round), CancellationToken.None);
            await a.FlushAsync(handle.Handle, CancellationToken.None);
            await a.WriteAsync(handle.Handle, 0, TestStores.Pattern(200 + round, seed: round), CancellationToken.None);
            await a.FlushAsync(handle.Handle, CancellationToken.None);
            await a.ReleaseAsync(handle.Handle);
        }
        Assert.Equal(0, a.Writing.Conflicts.Count);
        Assert.Equal(1, store.Count);
    }

    [Fact]
    public async Task A_delete_of_a_file_changed_elsewhere_since_it_was_looked_up_leaves_it_and_fails_with_eio()
    {
        var store = TestStores.ForWriting();
        await store.PutAsync("notes.txt", new MemoryStream("mine"u8.ToArray()), ObjectWriteOptions.Default, CancellationToken.None);
        var a = Mount(store);
        await a.GetAttributesAsync("notes.txt", CancellationToken.None);
        await store.PutAsync("notes.txt", new MemoryStream("theirs, newer"u8.ToArray()), ObjectWriteOptions.Default, CancellationToken.None);

        var e = await Assert.ThrowsAsync<FileSystemException>(() => a.UnlinkAsync("notes.txt", CancellationToken.None).AsTask());

        Assert.Equal(FileSystemError.InputOutput, e.Error);
        Assert.Equal("theirs, newer"u8.ToArray(), await StoredAsync(store, "notes.txt"));
        // looked at again, it is the new version, and can be deleted
        Assert.Equal(13, (await a.GetAttributesAsync("notes.txt", CancellationToken.None)).Size);
        await a.UnlinkAsync("notes.txt", CancellationToken.None);
        Assert.Equal(0, store.Count);
    }

    [Fact]
    public async Task A_rename_onto_a_file_changed_elsewhere_since_it_was_looked_up_moves_nothing_and_fails_with_eio()
    {
        var store = TestStores.ForWriting();
        await store.PutAsync("draft.txt", new MemoryStream("my draft"u8.ToArray()), ObjectWriteOptions.Default, CancellationToken.None);
        await store.PutAsync("final.txt", new MemoryStream("old final"u8.ToArray()), ObjectWriteOptions.Default, CancellationToken.None);
        var a = Mount(store);
        await a.GetAttributesAsync("final.txt", CancellationToken.None);
        await store.PutAsync("final.txt", new MemoryStream("their final"u8.ToArray()), ObjectWriteOptions.Default, CancellationToken.None);

        var e = await Assert.ThrowsAsync<FileSystemException>(() => a.RenameAsync("draft.txt", "final.txt", noReplace: false, CancellationToken.None).AsTask());

        Assert.Equal(FileSystemError.InputOutput, e.Error);
        Assert.Equal("their final"u8.ToArray(), await StoredAsync(store, "final.txt"));
        Assert.Equal("my draft"u8.ToArray(), await StoredAsync(store, "draft.txt"));
    }

    [Theory]
    [InlineData("report.csv", "report.conflict-labpc-20261201-101500.csv")]
    [InlineData("a/b/archive.tar.gz", "a/b/archive.tar.conflict-labpc-20261201-101500.gz")]
    [InlineData("Makefile", "Makefile.conflict-labpc-20261201-101500")]
    [InlineData("dir/.bashrc", "dir/.bashrc.conflict-labpc-20261201-101500")]
    public void Conflict_copies_are_named_beside_the_file_with_host_and_utc_time_keeping_the_extension(string key, string expected)
    {
        var time = new DateTimeOffset(2026, 12, 1, 11, 15, 0, TimeSpan.FromHours(1));
        Assert.Equal(expected, Writing.ConflictCopies.NameFor(key, "LabPC.example.org", time));
        Assert.EndsWith("-2.csv", Writing.ConflictCopies.NameFor("report.csv", "labpc", time, attempt: 2));
    }
}
