using Microsoft.Extensions.Logging.Abstractions;
using MountStore.Core.FileSystem;
using MountStore.Core.Storage;
using MountStore.Core.Writing;
using MountStore.WinFsp.Adapter;
using MountStore.WinFsp.Native;
using static MountStore.WinFsp.Adapter.WindowsRequestFlags;

namespace MountStore.WinFsp.Tests.Adapter;

/// <summary>
/// Plays WinFsp's dispatcher against a <see cref="WinFspAdapter"/>: the calls it makes for a
/// CreateFile, a write, a close or an enumeration, in its order, with its arguments (Windows
/// paths, create options, granted access, cleanup flags, a directory buffer filled entry by
/// entry as FspFileSystemAddDirInfo fills it, the last name taken sent back as the marker).
/// </summary>
internal sealed class WindowsHost : IAsyncDisposable
{
    public const uint ReadWrite = ReadData | WriteData | AppendData, ReadOnlyAccess = ReadData;

    private readonly string _staging = Path.Combine(Path.GetTempPath(), "mountstore-winfsp-" + Guid.NewGuid().ToString("N")[..8]);

    public WindowsHost(IObjectStore store)
    {
        Store = store;
        FileSystem = Mount(store, _staging);
        Adapter = new WinFspAdapter(FileSystem, NullLogger.Instance, "results");
    }

    public IObjectStore Store { get; }

    public MountedFileSystem FileSystem { get; }

    public WinFspAdapter Adapter { get; }

    /// <summary>A second, independent mount of the same store (to read back what the adapter wrote).</summary>
    public MountedFileSystem FreshMount() => Mount(Store, _staging + "-fresh");

    private static MountedFileSystem Mount(IObjectStore store, string staging) =>
        new(store, new FileSystemOptions { Writing = new WriteOptions { StagingDirectory = staging } }, NullLoggerFactory.Instance);

    /// <summary>CreateFile with CREATE_NEW: WinFsp asks the name's attributes, then Create.</summary>
    public async Task<WinFspAnswer<(FileContext Context, FspFileInfo Info)>> CreateNewAsync(string name, bool directory = false, uint attributes = 0)
    {
        var known = await Adapter.GetSecurityByNameAsync(name);
        if (known.Succeeded)
            return WinFspAnswer.Failure<(FileContext, FspFileInfo)>(NtStatus.ObjectNameCollision);
        Assert.Equal(NtStatus.ObjectNameNotFound, known.Status);
        return await Adapter.CreateAsync(name, directory ? DirectoryFile : NonDirectoryFile, directory ? ReadOnlyAccess : ReadWrite, attributes);
    }

    /// <summary>CreateFile with OPEN_EXISTING.</summary>
    public async Task<WinFspAnswer<(FileContext Context, FspFileInfo Info)>> OpenAsync(string name, uint access = ReadOnlyAccess, uint options = 0)
    {
        var known = await Adapter.GetSecurityByNameAsync(name);
        if (!known.Succeeded)
            return WinFspAnswer.Failure<(FileContext, FspFileInfo)>(known.Status);
        return await Adapter.OpenAsync(name, options, access);
    }

    /// <summary>The one handle of an open is closed: Cleanup, then Close.</summary>
    public async Task<int> CloseAsync(FileContext context, string name, bool delete = false)
    {
        var status = await Adapter.CleanupAsync(context, name, delete ? CleanupDelete : 0);
        await Adapter.CloseAsync(context);
        return status;
    }

    /// <summary>DeleteFile: open, set the disposition (CanDelete), close with the delete flag.</summary>
    public async Task<int> DeleteAsync(string name, bool directory = false)
    {
        var opened = await OpenAsync(name, ReadOnlyAccess, directory ? DirectoryFile : NonDirectoryFile);
        if (!opened.Succeeded)
            return opened.Status;
        var context = opened.Value.Context;
        var allowed = await Adapter.CanDeleteAsync(context, name);
        var cleanup = await CloseAsync(context, name, delete: allowed == NtStatus.Success);
        return allowed != NtStatus.Success ? allowed : cleanup;
    }

    /// <summary>A new file holding <paramref name="bytes"/>, written in pieces of <paramref name="piece"/> bytes, closed.</summary>
    public async Task WriteNewFileAsync(string name, byte[] bytes, int piece = 4096)
    {
        var created = await CreateNewAsync(name);
        Assert.Equal(NtStatus.Success, created.Status);
        var context = created.Value.Context;
        for (var offset = 0; offset < bytes.Length; offset += piece)
        {
            var written = await Adapter.WriteAsync(context, bytes.AsMemory(offset, Math.Min(piece, bytes.Length - offset)), (ulong)offset, writeToEndOfFile: false, constrainedIo: false);
            Assert.Equal(NtStatus.Success, written.Status);
        }
        Assert.Equal(NtStatus.Success, await CloseAsync(context, name));
    }

    /// <summary>The whole file, read through the adapter in pieces until STATUS_END_OF_FILE.</summary>
    public async Task<byte[]> ReadFileAsync(string name, int piece = 4096)
    {
        var opened = await OpenAsync(name);
        Assert.Equal(NtStatus.Success, opened.Status);
        var context = opened.Value.Context;
        var result = new MemoryStream();
        var buffer = new byte[piece];
        while (true)
        {
            var read = await Adapter.ReadAsync(context, buffer, (ulong)result.Length);
            if (read.Status == NtStatus.EndOfFile)
                break;
            Assert.Equal(NtStatus.Success, read.Status);
            result.Write(buffer, 0, read.Value);
        }
        await CloseAsync(context, name);
        return result.ToArray();
    }

    /// <summary>
    /// One page of an enumeration: the entries ReadDirectory gives, packed as FspFileSystemAddDirInfo
    /// packs them (each FSP_FSCTL_DIR_INFO head and name, 8-byte aligned) into a buffer of
    /// <paramref name="bufferBytes"/>, up to the first that does not fit.
    /// </summary>
    public async Task<(int Status, List<WindowsDirectoryEntry> Page)> ReadDirectoryPageAsync(FileContext folder, string? marker, int bufferBytes)
    {
        var answer = await Adapter.ReadDirectoryAsync(folder, null, marker);
        if (!answer.Succeeded)
            return (answer.Status, []);
        var page = new List<WindowsDirectoryEntry>();
        var used = 0;
        foreach (var entry in answer.Value)
        {
            var size = EntrySize(entry);
            if (used + size > bufferBytes)
                break;
            used += size;
            page.Add(entry);
        }
        return (NtStatus.Success, page);
    }

    /// <summary>Every entry of the folder <paramref name="name"/>, page by page, each page resumed after the last name of the one before.</summary>
    public async Task<List<WindowsDirectoryEntry>> ListAsync(string name, int bufferBytes = 1024)
    {
        var opened = await OpenAsync(name, ReadOnlyAccess, DirectoryFile);
        Assert.Equal(NtStatus.Success, opened.Status);
        var all = new List<WindowsDirectoryEntry>();
        string? marker = null;
        while (true)
        {
            var (status, page) = await ReadDirectoryPageAsync(opened.Value.Context, marker, bufferBytes);
            Assert.Equal(NtStatus.Success, status);
            if (page.Count == 0)
                break;
            all.AddRange(page);
            marker = page[^1].Name;
        }
        await CloseAsync(opened.Value.Context, name);
        return all;
    }

    private static unsafe int EntrySize(WindowsDirectoryEntry entry)
    {
        var filled = default(FspDirInfoEntry);
        filled.Set(entry.Name, entry.Info);
        return (filled.Head.Size + 7) & ~7;
    }

    public async ValueTask DisposeAsync()
    {
        await FileSystem.DisposeAsync();
        foreach (var folder in new[] { _staging, _staging + "-fresh" })
        {
            if (Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
        }
    }
}
