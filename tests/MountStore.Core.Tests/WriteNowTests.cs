using MountStore.Core.FileSystem;
using MountStore.Core.Model;
using MountStore.Core.Storage;
using MountStore.Testing;
using static MountStore.Testing.FaultInjectingObjectStore;

namespace MountStore.Core.Tests;

/// <summary>
/// <see cref="MountedFileSystem.TryWriteNow"/>, the way the FUSE door takes a write straight
/// from libfuse's buffer: it takes a write only when it needs no wait, and a write it refuses is
/// left whole for <see cref="MountedFileSystem.WriteAsync"/>.
/// </summary>
public sealed class WriteNowTests : IAsyncDisposable
{
    private const int Chunk = 1 << 20;
    private readonly WritingFileSystem _swift = new(memory: TestStores.SwiftLike());

    public ValueTask DisposeAsync() => _swift.DisposeAsync();

    private MountedFileSystem Fs => _swift.FileSystem;

    /// <summary>As the door does: each write offered to TryWriteNow first. Returns the writes it took.</summary>
    private static async Task<int> WriteInChunksAsync(MountedFileSystem fs, ulong handle, byte[] data)
    {
        var taken = 0;
        for (var offset = 0; offset < data.Length; offset += Chunk)
        {
            var chunk = data.AsMemory(offset, Math.Min(Chunk, data.Length - offset));
            if (fs.TryWriteNow(handle, offset, chunk.Span))
                taken++;
            else
                await fs.WriteAsync(handle, offset, chunk, CancellationToken.None);
        }
        return taken;
    }

    private Task<byte[]> StoredAsync(string key) => _swift.Memory.ReadAllBytesAsync(key);

    [Fact]
    public async Task A_file_written_in_order_goes_mostly_straight_into_its_parts_and_is_stored_whole()
    {
        var data = TestStores.Pattern(15 * Chunk + 12345, 3);
        var file = await Fs.CreateAsync("seq.bin", 420, OpenIntent.WriteOnly, CancellationToken.None);

        var taken = await WriteInChunksAsync(Fs, file.Handle, data);
        await Fs.FlushAsync(file.Handle, CancellationToken.None);
        await Fs.ReleaseAsync(file.Handle);

        // 5 MiB parts, 1 MiB writes: refused are the first write (no part yet), the third (the
        // first part's buffer grows from 2 MiB to its 5 MiB), and the first write of parts 2, 3
        // and 4 (a full part is sent and a buffer rented): 16 writes, 5 refused.
        Assert.Equal(11, taken);
        Assert.Equal(data, await StoredAsync("seq.bin"));
        Assert.Equal(4, _swift.Faults.CountOf(StoreCall.UploadPart));
        Assert.Equal(0, Fs.Writing.Buffers.InUseBytes);
    }

    [Fact]
    public async Task A_write_that_is_not_at_the_end_is_refused_and_nothing_of_it_is_written()
    {
        var data = TestStores.Pattern(2 * Chunk, 4);
        var file = await Fs.CreateAsync("patched.bin", 420, OpenIntent.WriteOnly, CancellationToken.None);
        await Fs.WriteAsync(file.Handle, 0, data, CancellationToken.None);

        // a rewrite of held-back bytes (a header patched after the body) and a write past the end
        Assert.False(Fs.TryWriteNow(file.Handle, 100, new byte[10]));
        Assert.False(Fs.TryWriteNow(file.Handle, data.Length + 1, new byte[10]));
        Assert.Equal(data.Length, (await Fs.GetAttributesAsync("patched.bin", CancellationToken.None)).Size);
        await Fs.FlushAsync(file.Handle, CancellationToken.None);
        await Fs.ReleaseAsync(file.Handle);
        Assert.Equal(data, await StoredAsync("patched.bin"));
    }

    [Fact]
    public async Task A_handle_that_cannot_take_a_write_at_once_is_refused()
    {
        await _swift.Memory.PutAsync("existing.bin", TestStores.Pattern(Chunk, 5));
        var reader = await Fs.OpenAsync("existing.bin", OpenIntent.ReadOnly, CancellationToken.None);
        var staged = await Fs.OpenAsync("existing.bin", new OpenIntent(Read: true, Write: true, Truncate: false), CancellationToken.None);
        await Fs.WriteAsync(staged.Handle, Chunk, new byte[Chunk], CancellationToken.None);

        Assert.False(Fs.TryWriteNow(reader.Handle, 0, new byte[10]));
        Assert.False(Fs.TryWriteNow(staged.Handle, 2 * Chunk, new byte[10])); // a staging file: its writes may wait for the disk
        Assert.False(Fs.TryWriteNow(12345, 0, new byte[10])); // not open
        Assert.Equal(2 * Chunk, (await Fs.GetAttributesAsync("existing.bin", CancellationToken.None)).Size);
        await Fs.ReleaseAsync(reader.Handle);
        await Fs.ReleaseAsync(staged.Handle);
    }

    [Fact]
    public async Task Where_uploads_complete_only_under_their_own_key_every_write_goes_the_asynchronous_way()
    {
        // S3-like: a copy of the bytes is kept on disk as well, which may wait for the disk
        await using var s3 = new WritingFileSystem();
        var data = TestStores.Pattern(7 * Chunk, 6);
        var file = await s3.FileSystem.CreateAsync("s3.bin", 420, OpenIntent.WriteOnly, CancellationToken.None);

        Assert.Equal(0, await WriteInChunksAsync(s3.FileSystem, file.Handle, data));
        await s3.FileSystem.FlushAsync(file.Handle, CancellationToken.None);
        await s3.FileSystem.ReleaseAsync(file.Handle);
        Assert.Equal(data, await s3.Memory.ReadAllBytesAsync("s3.bin"));
    }

    [Fact]
    public async Task A_write_offered_while_another_waits_for_a_part_slot_is_refused_and_the_file_comes_out_whole()
    {
        // Part uploads wait on a gate: parts 2 and 3 in flight (the first is held back), the
        // write that must send part 4 waits for a slot, holding the file; one offered meanwhile
        // must be refused, not slipped in ahead of it.
        var release = new TaskCompletionSource();
        _swift.Faults.Before(StoreCall.UploadPart, () => release.Task);
        var data = TestStores.Pattern(21 * Chunk, 7);
        var file = await Fs.CreateAsync("held.bin", 420, OpenIntent.WriteOnly, CancellationToken.None);
        await WriteInChunksAsync(Fs, file.Handle, data[..(20 * Chunk)]);
        var waiting = Fs.WriteAsync(file.Handle, 20 * Chunk, data.AsMemory(20 * Chunk, Chunk), CancellationToken.None);
        Assert.False(waiting.IsCompleted);

        Assert.False(Fs.TryWriteNow(file.Handle, 20 * Chunk, data.AsSpan(20 * Chunk, Chunk)));
        release.SetResult();
        await waiting;
        await Fs.FlushAsync(file.Handle, CancellationToken.None);
        await Fs.ReleaseAsync(file.Handle);
        Assert.Equal(data, await StoredAsync("held.bin"));
    }
}
