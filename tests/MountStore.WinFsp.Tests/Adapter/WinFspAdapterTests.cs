using MountStore.Core.Model;
using MountStore.Core.Storage;
using MountStore.Testing;
using MountStore.WinFsp.Adapter;
using MountStore.WinFsp.Native;
using static MountStore.WinFsp.Adapter.WindowsRequestFlags;

namespace MountStore.WinFsp.Tests.Adapter;

/// <summary>
/// The adapter driven as WinFsp drives it (<see cref="WindowsHost"/>), against the in-memory
/// store: what Windows programs would see, and what lands in the store.
/// </summary>
public sealed class WinFspAdapterTests : IAsyncLifetime
{
    private readonly InMemoryObjectStore _store = new();
    private WindowsHost _host = null!;

    public Task InitializeAsync()
    {
        _host = new WindowsHost(_store);
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => _host.DisposeAsync().AsTask();

    private WinFspAdapter Adapter => _host.Adapter;

    private static byte[] Pattern(int length, int seed = 7)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    [Fact]
    public async Task A_file_written_through_the_adapter_reads_back_byte_for_byte_through_Core_and_the_store()
    {
        Assert.Equal(NtStatus.Success, (await _host.CreateNewAsync(@"\docs", directory: true)).Status);
        var bytes = Pattern(300_000);
        await _host.WriteNewFileAsync(@"\docs\report.bin", bytes, piece: 65536);

        Assert.Equal(bytes, await _store.ReadAllBytesAsync("docs/report.bin"));
        await using var fresh = _host.FreshMount();
        var opened = await fresh.OpenAsync("docs/report.bin", OpenIntent.ReadOnly, CancellationToken.None);
        var back = new byte[bytes.Length + 10];
        var total = 0;
        int read;
        while ((read = await fresh.ReadAsync(opened.Handle, total, back.AsMemory(total), CancellationToken.None)) > 0)
            total += read;
        await fresh.ReleaseAsync(opened.Handle);
        Assert.Equal(bytes, back[..total]);
        Assert.Equal(bytes, await _host.ReadFileAsync(@"\docs\report.bin", piece: 50_000));
    }

    [Fact]
    public async Task Create_answers_the_new_file_and_folder_and_a_taken_name_collides()
    {
        var folder = await _host.CreateNewAsync(@"\data", directory: true);
        Assert.Equal(NtStatus.Success, folder.Status);
        Assert.Equal(WindowsFileInfo.DirectoryAttribute, folder.Value.Info.FileAttributes);
        Assert.True(folder.Value.Context.IsDirectory);
        await _host.CloseAsync(folder.Value.Context, @"\data");

        var file = await _host.CreateNewAsync(@"\data\empty.txt");
        Assert.Equal(NtStatus.Success, file.Status);
        Assert.Equal(WindowsFileInfo.ArchiveAttribute, file.Value.Info.FileAttributes);
        Assert.Equal(0UL, file.Value.Info.FileSize);
        Assert.Equal(NtStatus.Success, await _host.CloseAsync(file.Value.Context, @"\data\empty.txt"));
        Assert.Empty(await _store.ReadAllBytesAsync("data/empty.txt"));

        // WinFsp calls Create for CREATE_NEW and leaves the collision to the file system.
        Assert.Equal(NtStatus.ObjectNameCollision, (await Adapter.CreateAsync(@"\data\empty.txt", 0, WindowsHost.ReadWrite, 0)).Status);
        Assert.Equal(NtStatus.ObjectNameCollision, (await Adapter.CreateAsync(@"\data", DirectoryFile, WindowsHost.ReadOnlyAccess, 0)).Status);
    }

    [Fact]
    public async Task Statuses_for_missing_names_wrong_kinds_and_the_end_of_a_file()
    {
        Assert.Equal(NtStatus.ObjectNameNotFound, (await Adapter.GetSecurityByNameAsync(@"\nothing.txt")).Status);
        Assert.Equal(NtStatus.ObjectNameNotFound, (await Adapter.OpenAsync(@"\nothing.txt", 0, WindowsHost.ReadOnlyAccess)).Status);
        await _store.PutTextAsync("dir/file.txt", "abc");
        Assert.Equal(NtStatus.FileIsADirectory, (await Adapter.OpenAsync(@"\dir", NonDirectoryFile, WindowsHost.ReadOnlyAccess)).Status);
        Assert.Equal(NtStatus.NotADirectory, (await Adapter.OpenAsync(@"\dir\file.txt", DirectoryFile, WindowsHost.ReadOnlyAccess)).Status);

        var attributes = await Adapter.GetSecurityByNameAsync(@"\dir\file.txt");
        Assert.Equal(NtStatus.Success, attributes.Status);
        Assert.Equal(WindowsFileInfo.ArchiveAttribute, attributes.Value);

        var opened = await _host.OpenAsync(@"\dir\file.txt");
        var buffer = new byte[10];
        var read = await Adapter.ReadAsync(opened.Value.Context, buffer, 0);
        Assert.Equal((NtStatus.Success, 3), (read.Status, read.Value));
        Assert.Equal(NtStatus.EndOfFile, (await Adapter.ReadAsync(opened.Value.Context, buffer, 3)).Status);
        Assert.Equal(NtStatus.EndOfFile, (await Adapter.ReadAsync(opened.Value.Context, buffer, 100)).Status);
        await _host.CloseAsync(opened.Value.Context, @"\dir\file.txt");
    }

    [Fact]
    public async Task Overwrite_empties_the_file_and_may_replace_its_attributes()
    {
        await _store.PutTextAsync("log.txt", new string('x', 1000));
        var opened = await _host.OpenAsync(@"\log.txt", WindowsHost.ReadWrite);
        var emptied = await Adapter.OverwriteAsync(opened.Value.Context, WindowsFileInfo.ReadOnlyAttribute, replaceFileAttributes: true, allocationSize: 0);
        Assert.Equal(NtStatus.Success, emptied.Status);
        Assert.Equal(0UL, emptied.Value.FileSize);
        Assert.Equal(WindowsFileInfo.ArchiveAttribute | WindowsFileInfo.ReadOnlyAttribute, emptied.Value.FileAttributes);
        var written = await Adapter.WriteAsync(opened.Value.Context, "new"u8.ToArray(), 0, writeToEndOfFile: false, constrainedIo: false);
        Assert.Equal(3, written.Value.Written);
        Assert.Equal(NtStatus.Success, await _host.CloseAsync(opened.Value.Context, @"\log.txt"));

        Assert.Equal("new", await _store.ReadTextAsync("log.txt"));
        var mode = (await _host.FreshMount().GetAttributesAsync("log.txt", CancellationToken.None)).Mode;
        Assert.Equal(0u, mode & 0x92); // no write bit left: READONLY is chmod a-w

        // Without replacing, READONLY stays, and an open only to read gets a writer when it needs one.
        var again = await _host.OpenAsync(@"\log.txt");
        var kept = await Adapter.OverwriteAsync(again.Value.Context, 0, replaceFileAttributes: false, allocationSize: 0);
        Assert.Equal(NtStatus.Success, kept.Status);
        Assert.Equal(WindowsFileInfo.ArchiveAttribute | WindowsFileInfo.ReadOnlyAttribute, kept.Value.FileAttributes);
        Assert.Equal(NtStatus.Success, await _host.CloseAsync(again.Value.Context, @"\log.txt"));
        Assert.Empty(await _store.ReadAllBytesAsync("log.txt"));
    }

    [Fact]
    public async Task Write_to_end_of_file_appends_and_constrained_io_never_grows_the_file()
    {
        await _host.WriteNewFileAsync(@"\a.txt", "hello"u8.ToArray());
        var opened = await _host.OpenAsync(@"\a.txt", WindowsHost.ReadWrite);
        var context = opened.Value.Context;

        var appended = await Adapter.WriteAsync(context, " world"u8.ToArray(), ulong.MaxValue, writeToEndOfFile: true, constrainedIo: false);
        Assert.Equal((NtStatus.Success, 6, 11UL), (appended.Status, appended.Value.Written, appended.Value.Info.FileSize));

        // Paging I/O writes whole pages: the part past the end is not the file's.
        var page = new byte[4096];
        "HELLO"u8.CopyTo(page);
        var constrained = await Adapter.WriteAsync(context, page, 0, writeToEndOfFile: false, constrainedIo: true);
        Assert.Equal((NtStatus.Success, 11, 11UL), (constrained.Status, constrained.Value.Written, constrained.Value.Info.FileSize));
        var past = await Adapter.WriteAsync(context, page, 11, writeToEndOfFile: false, constrainedIo: true);
        Assert.Equal((NtStatus.Success, 0, 11UL), (past.Status, past.Value.Written, past.Value.Info.FileSize));

        Assert.Equal(NtStatus.Success, (await Adapter.FlushAsync(context)).Status);
        Assert.Equal("HELLO\0\0\0\0\0\0", await _store.ReadTextAsync("a.txt"));
        Assert.Equal(NtStatus.Success, await _host.CloseAsync(context, @"\a.txt"));
        Assert.Equal(NtStatus.Success, (await Adapter.FlushAsync(null)).Status);
    }

    [Fact]
    public async Task SetFileSize_grows_and_cuts_and_an_allocation_size_only_cuts()
    {
        await _host.WriteNewFileAsync(@"\sized.bin", Pattern(100));
        var opened = await _host.OpenAsync(@"\sized.bin", WindowsHost.ReadWrite);
        var context = opened.Value.Context;

        Assert.Equal(5000UL, (await Adapter.SetFileSizeAsync(context, 5000, setAllocationSize: false)).Value.FileSize);
        Assert.Equal(8192UL, (await Adapter.GetFileInfoAsync(context)).Value.AllocationSize);
        Assert.Equal(5000UL, (await Adapter.SetFileSizeAsync(context, 1 << 20, setAllocationSize: true)).Value.FileSize);
        Assert.Equal(60UL, (await Adapter.SetFileSizeAsync(context, 60, setAllocationSize: true)).Value.FileSize);
        Assert.Equal(NtStatus.Success, await _host.CloseAsync(context, @"\sized.bin"));
        Assert.Equal(Pattern(100)[..60], await _store.ReadAllBytesAsync("sized.bin"));
    }

    [Fact]
    public async Task The_read_only_attribute_is_the_owner_write_bit_and_times_are_kept()
    {
        await _host.WriteNewFileAsync(@"\ro.txt", "keep"u8.ToArray());
        var opened = await _host.OpenAsync(@"\ro.txt");
        var context = opened.Value.Context;
        var when = new DateTimeOffset(2020, 5, 17, 10, 30, 0, TimeSpan.Zero);

        var set = await Adapter.SetBasicInfoAsync(context, WindowsFileInfo.ReadOnlyAttribute, 0, 0, WindowsFileInfo.FileTime(when), 0);
        Assert.Equal(NtStatus.Success, set.Status);
        Assert.Equal(WindowsFileInfo.ArchiveAttribute | WindowsFileInfo.ReadOnlyAttribute, set.Value.FileAttributes);
        Assert.Equal(WindowsFileInfo.FileTime(when), set.Value.LastWriteTime);
        Assert.Equal(NtStatus.Success, await _host.CloseAsync(context, @"\ro.txt"));

        await using (var fresh = _host.FreshMount())
        {
            var attributes = await fresh.GetAttributesAsync("ro.txt", CancellationToken.None);
            Assert.Equal(0u, attributes.Mode & 0x80);
            Assert.Equal(when, attributes.ModifiedTime);
        }
        Assert.Equal(WindowsFileInfo.ArchiveAttribute | WindowsFileInfo.ReadOnlyAttribute, (await Adapter.GetSecurityByNameAsync(@"\ro.txt")).Value);

        var again = await _host.OpenAsync(@"\ro.txt");
        var cleared = await Adapter.SetBasicInfoAsync(again.Value.Context, WindowsFileInfo.ArchiveAttribute, 0, 0, 0, 0);
        Assert.Equal(WindowsFileInfo.ArchiveAttribute, cleared.Value.FileAttributes);
        // INVALID_FILE_ATTRIBUTES leaves them alone.
        var untouched = await Adapter.SetBasicInfoAsync(again.Value.Context, InvalidFileAttributes, 0, 0, 0, 0);
        Assert.Equal(WindowsFileInfo.ArchiveAttribute, untouched.Value.FileAttributes);
        await _host.CloseAsync(again.Value.Context, @"\ro.txt");
        Assert.Equal("keep", await _store.ReadTextAsync("ro.txt"));
    }

    [Fact]
    public async Task Rename_without_replace_refuses_a_taken_name_and_with_replace_takes_it()
    {
        await _host.WriteNewFileAsync(@"\from.txt", "source"u8.ToArray());
        await _host.WriteNewFileAsync(@"\to.txt", "target"u8.ToArray());
        var opened = await _host.OpenAsync(@"\from.txt", WindowsHost.ReadWrite | 0x10000 /* DELETE */);
        var context = opened.Value.Context;

        Assert.Equal(NtStatus.ObjectNameCollision, await Adapter.RenameAsync(context, @"\from.txt", @"\to.txt", replaceIfExists: false));
        Assert.Equal("target", await _store.ReadTextAsync("to.txt"));
        Assert.Equal(NtStatus.Success, await Adapter.RenameAsync(context, @"\from.txt", @"\to.txt", replaceIfExists: true));
        Assert.Equal("to.txt", context.Path);
        Assert.Equal(6UL, (await Adapter.GetFileInfoAsync(context)).Value.FileSize);
        Assert.Equal(NtStatus.Success, await _host.CloseAsync(context, @"\to.txt"));

        Assert.Equal("source", await _store.ReadTextAsync("to.txt"));
        Assert.Null(await _store.HeadAsync("from.txt", CancellationToken.None));
        Assert.Equal(NtStatus.ObjectNameNotFound, (await Adapter.GetSecurityByNameAsync(@"\from.txt")).Status);

        // To a free name; a folder is never replaced.
        Assert.Equal(NtStatus.Success, (await _host.CreateNewAsync(@"\folder", directory: true)).Status);
        var moved = await _host.OpenAsync(@"\to.txt", WindowsHost.ReadWrite);
        Assert.Equal(NtStatus.AccessDenied, await Adapter.RenameAsync(moved.Value.Context, @"\to.txt", @"\folder", replaceIfExists: true));
        Assert.Equal(NtStatus.ObjectPathNotFound, await Adapter.RenameAsync(moved.Value.Context, @"\to.txt", @"\nowhere\moved.txt", replaceIfExists: false));
        Assert.Equal(NtStatus.Success, await Adapter.RenameAsync(moved.Value.Context, @"\to.txt", @"\folder\moved.txt", replaceIfExists: false));
        await _host.CloseAsync(moved.Value.Context, @"\folder\moved.txt");
        Assert.Equal("source", await _store.ReadTextAsync("folder/moved.txt"));
    }

    [Fact]
    public async Task Delete_on_close_removes_a_file_and_an_empty_folder_and_refuses_a_full_one()
    {
        await _host.WriteNewFileAsync(@"\gone.txt", "x"u8.ToArray());
        Assert.Equal(NtStatus.Success, await _host.DeleteAsync(@"\gone.txt"));
        Assert.Null(await _store.HeadAsync("gone.txt", CancellationToken.None));
        Assert.Equal(NtStatus.ObjectNameNotFound, (await Adapter.GetSecurityByNameAsync(@"\gone.txt")).Status);

        Assert.Equal(NtStatus.Success, (await _host.CreateNewAsync(@"\empty", directory: true)).Status);
        Assert.Equal(NtStatus.Success, await _host.DeleteAsync(@"\empty", directory: true));
        Assert.Equal(NtStatus.ObjectNameNotFound, (await Adapter.GetSecurityByNameAsync(@"\empty")).Status);
        Assert.Equal(0, _store.Count);

        Assert.Equal(NtStatus.ObjectPathNotFound, (await _host.CreateNewAsync(@"\full\inside.txt")).Status);
        Assert.Equal(NtStatus.Success, (await _host.CreateNewAsync(@"\full", directory: true)).Status);
        await _host.WriteNewFileAsync(@"\full\inside.txt", "y"u8.ToArray());
        Assert.Equal(NtStatus.DirectoryNotEmpty, await _host.DeleteAsync(@"\full", directory: true));
        // Were the delete pending anyway (the folder filled after CanDelete), Cleanup is refused by Core.
        var full = await _host.OpenAsync(@"\full", WindowsHost.ReadOnlyAccess, DirectoryFile);
        Assert.Equal(NtStatus.DirectoryNotEmpty, await _host.CloseAsync(full.Value.Context, @"\full", delete: true));
        Assert.Equal("y", await _store.ReadTextAsync("full/inside.txt"));
    }

    [Fact]
    public async Task A_file_created_and_deleted_before_its_close_never_reaches_the_store()
    {
        var created = await _host.CreateNewAsync(@"\scratch.tmp");
        await Adapter.WriteAsync(created.Value.Context, Pattern(1000), 0, false, false);
        Assert.Equal(NtStatus.Success, await Adapter.CanDeleteAsync(created.Value.Context, @"\scratch.tmp"));
        Assert.Equal(NtStatus.Success, await _host.CloseAsync(created.Value.Context, @"\scratch.tmp", delete: true));
        Assert.Null(await _store.HeadAsync("scratch.tmp", CancellationToken.None));
        Assert.Equal(NtStatus.ObjectNameNotFound, (await Adapter.GetSecurityByNameAsync(@"\scratch.tmp")).Status);
    }

    [Fact]
    public async Task A_listing_pages_after_each_marker_in_order_with_the_dots_first()
    {
        var names = Enumerable.Range(0, 40).Select(i => $"file-{i:D2}.txt").Append("-first").Append("Zed").Append("zed").ToList();
        foreach (var name in names)
            await _store.PutTextAsync("many/" + name, name);
        await _store.PutTextAsync("many/sub/inner.txt", "z");

        var listed = await _host.ListAsync(@"\many", bufferBytes: 700);
        var expected = names.Append("sub").Order(StringComparer.Ordinal).Prepend("..").Prepend(".").ToList();
        Assert.Equal(expected, listed.Select(e => e.Name).ToList());
        Assert.Equal(WindowsFileInfo.DirectoryAttribute, listed.Single(e => e.Name == "sub").Info.FileAttributes);
        Assert.Equal(11UL, listed.Single(e => e.Name == "file-13.txt").Info.FileSize);

        var root = await _host.ListAsync(@"\");
        Assert.Equal(["many"], root.Select(e => e.Name).ToList());

        // A marker that is no longer there (deleted between two pages) still resumes after its place.
        var folder = await _host.OpenAsync(@"\many", WindowsHost.ReadOnlyAccess, DirectoryFile);
        await Adapter.ReadDirectoryAsync(folder.Value.Context, null, null);
        var after = await Adapter.ReadDirectoryAsync(folder.Value.Context, null, "file-05.txx");
        Assert.Equal(expected.Skip(2).Where(n => string.CompareOrdinal(n, "file-05.txx") > 0).ToList(), after.Value.Select(e => e.Name).ToList());
        Assert.Equal("file-06.txt", after.Value[0].Name);
        Assert.Equal("..", (await Adapter.ReadDirectoryAsync(folder.Value.Context, null, ".")).Value[0].Name);
        Assert.Equal("-first", (await Adapter.ReadDirectoryAsync(folder.Value.Context, null, "..")).Value[0].Name);
        Assert.Empty((await Adapter.ReadDirectoryAsync(folder.Value.Context, null, "zed")).Value);
        await _host.CloseAsync(folder.Value.Context, @"\many");
    }

    [Fact]
    public async Task A_later_page_reads_the_snapshot_its_enumeration_began_with()
    {
        await _store.PutTextAsync("snap/a", "1");
        await _store.PutTextAsync("snap/c", "3");
        var folder = await _host.OpenAsync(@"\snap", WindowsHost.ReadOnlyAccess, DirectoryFile);
        var context = folder.Value.Context;
        Assert.Equal([".", "..", "a", "c"], (await Adapter.ReadDirectoryAsync(context, null, null)).Value.Select(e => e.Name).ToList());

        await _host.WriteNewFileAsync(@"\snap\b", "2"u8.ToArray());
        Assert.Equal(["c"], (await Adapter.ReadDirectoryAsync(context, null, "a")).Value.Select(e => e.Name).ToList());
        // A new enumeration (no marker) sees it.
        Assert.Equal([".", "..", "a", "b", "c"], (await Adapter.ReadDirectoryAsync(context, null, null)).Value.Select(e => e.Name).ToList());
        await _host.CloseAsync(context, @"\snap");
    }

    [Fact]
    public async Task Names_Windows_cannot_show_are_listed_mapped_and_lead_back_to_their_keys()
    {
        var original = Pattern(5000, seed: 3);
        await _store.PutAsync("odd/a:b?.txt", new MemoryStream(original), ObjectWriteOptions.Default, CancellationToken.None);
        await _store.PutTextAsync("odd/CON", "device");
        await _store.PutTextAsync("odd/trailing.", "dot");

        var listed = (await _host.ListAsync(@"\odd")).Select(e => e.Name).ToList();
        Assert.Contains("a\uFF1Ab\uFF1F.txt", listed);
        Assert.Contains("\uFF23ON", listed);
        Assert.Contains("trailing\uFF0E", listed);
        Assert.DoesNotContain(listed, name => name.IndexOfAny(['\\', ':', '*', '?', '"', '<', '>', '|']) >= 0);

        Assert.Equal(original, await _host.ReadFileAsync("\\odd\\a\uFF1Ab\uFF1F.txt"));
        Assert.Equal("device"u8.ToArray(), await _host.ReadFileAsync("\\odd\\\uFF23ON"));

        // What Windows writes under a mapped name lands under the name it stands for.
        await _host.WriteNewFileAsync("\\odd\\new\uFF1Aname\uFF0A", "written"u8.ToArray());
        Assert.Equal("written", await _store.ReadTextAsync("odd/new:name*"));

        var folder = await _host.OpenAsync(@"\odd", WindowsHost.ReadOnlyAccess, DirectoryFile);
        var byName = await Adapter.GetDirInfoByNameAsync(folder.Value.Context, "a\uFF1Ab\uFF1F.txt");
        Assert.Equal((NtStatus.Success, "a\uFF1Ab\uFF1F.txt", 5000UL), (byName.Status, byName.Value.Name, byName.Value.Info.FileSize));
        Assert.Equal(NtStatus.ObjectNameNotFound, (await Adapter.GetDirInfoByNameAsync(folder.Value.Context, "absent")).Status);
        await _host.CloseAsync(folder.Value.Context, @"\odd");
    }

    [Fact]
    public async Task Two_names_that_differ_only_in_case_are_both_reachable()
    {
        await _store.PutTextAsync("Readme", "upper");
        await _store.PutTextAsync("readme", "lower");
        Assert.Equal("upper"u8.ToArray(), await _host.ReadFileAsync(@"\Readme"));
        Assert.Equal("lower"u8.ToArray(), await _host.ReadFileAsync(@"\readme"));
    }

    [Fact]
    public async Task The_volume_reports_its_label_and_sizes_from_statfs()
    {
        var info = Adapter.GetVolumeInfo();
        Assert.Equal(NtStatus.Success, info.Status);
        var statistics = _host.FileSystem.StatFs();
        Assert.Equal(statistics.TotalBlocks * statistics.BlockSize, info.Value.TotalSize);
        Assert.Equal("results".Length * 2, info.Value.VolumeLabelLength);
    }

    [Fact]
    public async Task A_write_through_an_open_that_asked_only_to_read_gets_its_own_writer()
    {
        await _host.WriteNewFileAsync(@"\cached.txt", "aaaa"u8.ToArray());
        var opened = await _host.OpenAsync(@"\cached.txt");
        var written = await Adapter.WriteAsync(opened.Value.Context, "bb"u8.ToArray(), 1, false, false);
        Assert.Equal(NtStatus.Success, written.Status);
        var buffer = new byte[4];
        Assert.Equal(4, (await Adapter.ReadAsync(opened.Value.Context, buffer, 0)).Value);
        Assert.Equal("abba"u8.ToArray(), buffer);
        Assert.Equal(NtStatus.Success, await _host.CloseAsync(opened.Value.Context, @"\cached.txt"));
        Assert.Equal("abba", await _store.ReadTextAsync("cached.txt"));
        Assert.Equal(0, _host.FileSystem.OpenFileCount);
    }
}
