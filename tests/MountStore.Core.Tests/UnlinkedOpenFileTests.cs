using MountStore.Core.FileSystem;
using MountStore.Core.Model;
using MountStore.Testing;
using static MountStore.Testing.FaultInjectingObjectStore;

namespace MountStore.Core.Tests;

/// <summary>
/// POSIX keeps an unlinked (or renamed-over) file alive for the handles open on it until the last
/// one closes; and a handle keeps seeing its own changes once they are stored.
/// </summary>
public sealed class UnlinkedOpenFileTests : IAsyncLifetime
{
    private readonly WritingFileSystem _setup = new();

    private MountedFileSystem Fs => _setup.FileSystem;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _setup.DisposeAsync();

    private async Task<byte[]> ReadAsync(ulong handle, int length)
    {
        var buffer = new byte[length];
        var read = await Fs.ReadAsync(handle, 0, buffer, CancellationToken.None);
        return buffer[..read];
    }

    private async Task<byte[]> StoredAsync(string key) => await _setup.Memory.ReadAllBytesAsync(key);

    [Fact]
    public async Task A_new_file_unlinked_while_open_keeps_working_and_is_never_stored()
    {
        var file = await Fs.CreateAsync("tmp.bin", 384, new OpenIntent(true, true, false), CancellationToken.None);
        await Fs.WriteAsync(file.Handle, 0, "scratch"u8.ToArray(), CancellationToken.None);

        var hidden = await Fs.UnlinkAsync("tmp.bin", CancellationToken.None);

        Assert.NotNull(hidden);
        Assert.Null(await Fs.LookupAsync("tmp.bin", CancellationToken.None));
        Assert.DoesNotContain((await Fs.ListDirectoryAsync("", CancellationToken.None)).Entries, e => e.Name == "tmp.bin");
        var attributes = await Fs.GetAttributesAsync(hidden!, CancellationToken.None);
        Assert.True(attributes.Unlinked);
        Assert.Equal(7, attributes.Size);
        await Fs.WriteAsync(file.Handle, 7, " more"u8.ToArray(), CancellationToken.None);
        Assert.Equal("scratch more"u8.ToArray(), await ReadAsync(file.Handle, 100));
        await Fs.FlushAsync(file.Handle, CancellationToken.None); // close(): succeeds, stores nothing
        await Fs.ReleaseAsync(file.Handle);

        Assert.Equal(0, _setup.Memory.Count);
        Assert.Equal(0, Fs.OpenWriterCount);
    }

    [Fact]
    public async Task A_stored_file_unlinked_while_read_reads_whole_and_leaves_the_store_at_the_last_close()
    {
        var data = TestStores.Pattern(3 << 20);
        await _setup.Memory.PutAsync("data.bin", data);
        var opened = await Fs.OpenAsync("data.bin", OpenIntent.ReadOnly, CancellationToken.None);

        await Fs.UnlinkAsync("data.bin", CancellationToken.None);

        Assert.Equal(1, _setup.Memory.Count); // its handle still reads it
        Assert.Equal(data, await ReadAsync(opened.Handle, data.Length + 10));
        await Fs.ReleaseAsync(opened.Handle);
        Assert.Equal(0, _setup.Memory.Count);
    }

    [Fact]
    public async Task A_new_file_stored_under_the_name_does_not_change_what_the_unlinked_one_reads_and_survives_its_close()
    {
        await _setup.Memory.PutTextAsync("doc.txt", "old version");
        var old = await Fs.OpenAsync("doc.txt", OpenIntent.ReadOnly, CancellationToken.None);
        await Fs.UnlinkAsync("doc.txt", CancellationToken.None);

        var replacement = await Fs.CreateAsync("doc.txt", 420, OpenIntent.WriteOnly, CancellationToken.None);
        await Fs.WriteAsync(replacement.Handle, 0, "new"u8.ToArray(), CancellationToken.None);
        await Fs.FlushAsync(replacement.Handle, CancellationToken.None);
        await Fs.ReleaseAsync(replacement.Handle);

        Assert.Equal("old version"u8.ToArray(), await ReadAsync(old.Handle, 100));
        await Fs.ReleaseAsync(old.Handle);
        Assert.Equal("new"u8.ToArray(), await StoredAsync("doc.txt"));
    }

    [Fact]
    public async Task A_file_renamed_over_while_open_keeps_its_bytes_for_its_handle()
    {
        // the safe-save of an editor, while another program still reads the old file
        await _setup.Memory.PutTextAsync("notes.txt", "what the reader opened");
        await _setup.Memory.PutTextAsync(".notes.txt.swp", "what the editor saved");
        var reader = await Fs.OpenAsync("notes.txt", OpenIntent.ReadOnly, CancellationToken.None);

        var replaced = await Fs.RenameAsync(".notes.txt.swp", "notes.txt", noReplace: false, CancellationToken.None);

        Assert.NotNull(replaced);
        Assert.Equal("what the reader opened"u8.ToArray(), await ReadAsync(reader.Handle, 100));
        Assert.True((await Fs.GetAttributesAsync(replaced!, CancellationToken.None)).Unlinked);
        await Fs.ReleaseAsync(reader.Handle);
        Assert.Equal("what the editor saved"u8.ToArray(), await StoredAsync("notes.txt"));
        Assert.Equal(1, _setup.Memory.Count);
    }

    [Fact]
    public async Task An_unlinked_file_open_for_writing_keeps_what_was_written_into_an_existing_object()
    {
        await _setup.Memory.PutTextAsync("log.txt", "line 1\n");
        var writer = await Fs.OpenAsync("log.txt", new OpenIntent(true, true, false), CancellationToken.None);
        await Fs.WriteAsync(writer.Handle, 7, "line 2\n"u8.ToArray(), CancellationToken.None);

        await Fs.UnlinkAsync("log.txt", CancellationToken.None);
        _setup.Faults.FailFrom(StoreCall.Put, 1); // nothing may be stored any more

        Assert.Equal("line 1\nline 2\n"u8.ToArray(), await ReadAsync(writer.Handle, 100));
        await Fs.FlushAsync(writer.Handle, CancellationToken.None);
        await Fs.ReleaseAsync(writer.Handle);
        Assert.Equal(0, _setup.Memory.Count);
    }

    [Fact]
    public async Task A_file_opened_while_its_writer_is_still_being_released_keeps_its_bytes_after_unlink_and_reuse()
    {
        // cat > f; exec 3< f; rm f; echo new > f; cat <&3 : the kernel's release of the first
        // handle comes late, so the open joins that handle's writer
        var written = await Fs.CreateAsync("f", 420, OpenIntent.WriteOnly, CancellationToken.None);
        await Fs.WriteAsync(written.Handle, 0, "old"u8.ToArray(), CancellationToken.None);
        await Fs.FlushAsync(written.Handle, CancellationToken.None);
        var reader = await Fs.OpenAsync("f", OpenIntent.ReadOnly, CancellationToken.None);
        await Fs.UnlinkAsync("f", CancellationToken.None);
        await Fs.ReleaseAsync(written.Handle);

        var replacement = await Fs.CreateAsync("f", 420, OpenIntent.WriteOnly, CancellationToken.None);
        await Fs.WriteAsync(replacement.Handle, 0, "new"u8.ToArray(), CancellationToken.None);
        await Fs.FlushAsync(replacement.Handle, CancellationToken.None);
        await Fs.ReleaseAsync(replacement.Handle);

        Assert.Equal("old"u8.ToArray(), await ReadAsync(reader.Handle, 10));
        await Fs.ReleaseAsync(reader.Handle);
        Assert.Equal("new"u8.ToArray(), await StoredAsync("f"));
    }

    [Fact]
    public async Task A_handle_that_changed_its_file_reads_the_new_bytes_after_a_flush_stored_them()
    {
        // mmap through a dup of the descriptor: closing the mapping flushes (commits) the file,
        // and the next page fault read through the same handle must not fall back to the
        // version the handle opened (a short read there made the kernel shrink the file, and
        // the program died of SIGBUS)
        await _setup.Memory.PutTextAsync("grow.bin", "0123456789");
        var opened = await Fs.OpenAsync("grow.bin", new OpenIntent(true, true, false), CancellationToken.None);
        await Fs.WriteAsync(opened.Handle, 10, "abcdef"u8.ToArray(), CancellationToken.None);
        await Fs.FlushAsync(opened.Handle, CancellationToken.None);

        Assert.Equal("0123456789abcdef"u8.ToArray(), await ReadAsync(opened.Handle, 100));
        await Fs.ReleaseAsync(opened.Handle);
    }
}
