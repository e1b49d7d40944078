using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging.Abstractions;
using MountStore.Testing;
using MountStore.WinFsp.Adapter;
using MountStore.WinFsp.Dispatch;
using MountStore.WinFsp.Native;
using static MountStore.WinFsp.Adapter.WindowsRequestFlags;

namespace MountStore.WinFsp.Tests.Adapter;

/// <summary>
/// The interface table's [UnmanagedCallersOnly] entries, called through their function pointers
/// as WinFsp's dispatcher calls them (NUL-terminated UTF-16 names, file contexts as opaque
/// values, pending Read, Write and ReadDirectory answered through SendResponse with the request's
/// hint). The three WinFsp functions the entries call are stand-ins here (this process has no
/// WinFsp); the Windows-ABI run of the same pattern is WineBindingTests'.
/// </summary>
public sealed unsafe class WinFspEntriesTests : IDisposable
{
    private const ulong Hint = 0x5EED;
    private static readonly ConcurrentQueue<FspTransactResponse> Responses = new();
    private static readonly SemaphoreSlim Arrived = new(0);
    private static FspOperationContext* _operation;

    private static readonly ConcurrentDictionary<FspTransactKind, int> WentPending = new();

    private readonly InMemoryObjectStore _store = new();
    private readonly WindowsHost _host;
    private readonly DispatchedVolume _volume;
    private readonly FspFileSystem* _fileSystem;

    public WinFspEntriesTests()
    {
        // Reads and listings wait on the store, so those entries answer STATUS_PENDING.
        _host = new WindowsHost(new FaultInjectingObjectStore(_store)
            .Delay(FaultInjectingObjectStore.StoreCall.Get, TimeSpan.FromMilliseconds(20))
            .Delay(FaultInjectingObjectStore.StoreCall.List, TimeSpan.FromMilliseconds(20)));
        var request = (FspTransactRequest*)NativeMemory.AllocZeroed((nuint)sizeof(FspTransactRequest));
        request->Hint = Hint;
        _operation = (FspOperationContext*)NativeMemory.AllocZeroed((nuint)sizeof(FspOperationContext));
        _operation->Request = request;
        var api = WinFspApi.ForServing(&SendResponse, &GetOperationContext, &AddDirInfo);
        _volume = new DispatchedVolume(_host.Adapter, api, NullLogger.Instance);
        _fileSystem = (FspFileSystem*)NativeMemory.AllocZeroed(792); // FSP_FILE_SYSTEM's full size
        _volume.Attach(_fileSystem);
    }

    public void Dispose()
    {
        _volume.Dispose();
        NativeMemory.Free(_fileSystem);
        NativeMemory.Free(_operation->Request);
        NativeMemory.Free(_operation);
        _host.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [UnmanagedCallersOnly]
    private static FspOperationContext* GetOperationContext() => _operation;

    [UnmanagedCallersOnly]
    private static void SendResponse(FspFileSystem* fileSystem, FspTransactResponse* response)
    {
        Responses.Enqueue(*response);
        Arrived.Release();
    }

    // A stand-in for FspFileSystemAddDirInfo: entries 8-byte aligned, a zero size as the end marker.
    [UnmanagedCallersOnly]
    private static byte AddDirInfo(FspDirInfo* entry, void* buffer, uint length, uint* used)
    {
        var size = entry is null ? sizeof(ushort) : entry->Size;
        var aligned = (uint)((size + 7) & ~7);
        if (*used + aligned > length) return 0;
        if (entry is null)
            *(ushort*)((byte*)buffer + *used) = 0;
        else
            Buffer.MemoryCopy(entry, (byte*)buffer + *used, length - *used, size);
        *used += aligned;
        return 1;
    }

    // The status of a call that may have gone pending, and its Information (bytes) either way.
    private static (int Status, uint Information) Settle(int status, uint immediate, FspTransactKind kind)
    {
        if (status != NtStatus.Pending)
            return (status, immediate);
        WentPending.AddOrUpdate(kind, 1, (_, n) => n + 1);
        Assert.True(Arrived.Wait(TimeSpan.FromSeconds(30)), "no response was sent for a pending request");
        Assert.True(Responses.TryDequeue(out var response));
        Assert.Equal((Hint, kind), (response.Hint, response.Kind));
        return (response.Status, response.Information);
    }

    private FspFileSystemInterface* Table => _volume.Table;

    // The test calls the table as the dispatcher does, from a thread that waits; so does this.
    private byte[] Stored(string key) => _store.ReadAllBytesAsync(key).GetAwaiter().GetResult();

    private void Put(string key, string text) => _store.PutTextAsync(key, text).GetAwaiter().GetResult();

    private static List<string> NamesIn(byte* buffer, uint used, out bool ended)
    {
        var names = new List<string>();
        ended = false;
        for (uint at = 0; at < used;)
        {
            var entry = (FspDirInfo*)(buffer + at);
            if (entry->Size == 0)
            {
                ended = true;
                break;
            }
            names.Add(FspDirInfo.NameOf(entry).ToString());
            at += (uint)((entry->Size + 7) & ~7);
        }
        return names;
    }

    [Fact]
    public void The_table_serves_a_file_from_create_to_delete_with_pending_reads_writes_and_listings()
    {
        uint attributes;
        nuint securitySize = 99;
        fixed (char* missing = @"\results\run:1.bin")
            Assert.Equal(NtStatus.ObjectNameNotFound, Table->GetSecurityByName(_fileSystem, missing, &attributes, null, &securitySize));

        nint folder, file;
        FspFileInfo info;
        fixed (char* name = @"\results")
            Assert.Equal(NtStatus.Success, Table->Create(_fileSystem, name, DirectoryFile, ReadData, 0, null, 0, &folder, &info));
        Assert.Equal(WindowsFileInfo.DirectoryAttribute, info.FileAttributes);
        var mapped = "\\results\\run\uFF1A1.bin";
        fixed (char* name = mapped)
            Assert.Equal(NtStatus.Success, Table->Create(_fileSystem, name, NonDirectoryFile, ReadData | WriteData, 0, null, 0, &file, &info));

        var bytes = new byte[200_000];
        new Random(5).NextBytes(bytes);
        uint transferred = 0;
        fixed (byte* data = bytes)
        {
            var status = Table->Write(_fileSystem, file, data, 0, (uint)bytes.Length, 0, 0, &transferred, &info);
            Assert.Equal((NtStatus.Success, (uint)bytes.Length), Settle(status, transferred, FspTransactKind.Write));
        }
        fixed (char* name = mapped)
            Table->Cleanup(_fileSystem, file, name, 0);
        Table->Close(_fileSystem, file);
        Assert.Equal(bytes, Stored("results/run:1.bin"));

        fixed (char* name = mapped)
        {
            Assert.Equal(NtStatus.Success, Table->GetSecurityByName(_fileSystem, name, &attributes, null, &securitySize));
            Assert.Equal((WindowsFileInfo.ArchiveAttribute, (nuint)0), (attributes, securitySize));
            Assert.Equal(NtStatus.Success, Table->Open(_fileSystem, name, NonDirectoryFile, ReadData, &file, &info));
        }
        Assert.Equal((ulong)bytes.Length, info.FileSize);
        var back = new byte[bytes.Length];
        fixed (byte* target = back)
        {
            for (uint done = 0; done < back.Length;)
            {
                var status = Table->Read(_fileSystem, file, target + done, done, (uint)back.Length - done, &transferred);
                var (settled, read) = Settle(status, transferred, FspTransactKind.Read);
                Assert.Equal(NtStatus.Success, settled);
                done += read;
            }
            var end = Table->Read(_fileSystem, file, target, (ulong)back.Length, 10, &transferred);
            Assert.Equal(NtStatus.EndOfFile, Settle(end, transferred, FspTransactKind.Read).Status);
        }
        Assert.Equal(bytes, back);

        // Listing: a small buffer, resumed after the last name each time, until the end marker.
        fixed (char* name = @"\results\zeta")
        {
            nint another;
            Assert.Equal(NtStatus.Success, Table->Create(_fileSystem, name, 0, ReadData | WriteData, 0, null, 0, &another, &info));
            Table->Cleanup(_fileSystem, another, name, 0);
            Table->Close(_fileSystem, another);
        }
        var listed = new List<string>();
        var buffer = stackalloc byte[300];
        string? marker = null;
        for (var pages = 0; pages < 10; pages++)
        {
            int status;
            fixed (char* after = marker)
                status = Table->ReadDirectory(_fileSystem, folder, null, after, buffer, 300, &transferred);
            var (settled, used) = Settle(status, transferred, FspTransactKind.QueryDirectory);
            Assert.Equal(NtStatus.Success, settled);
            var page = NamesIn(buffer, used, out var ended);
            listed.AddRange(page);
            if (ended) break;
            marker = page[^1];
        }
        Assert.Equal([".", "..", "run\uFF1A1.bin", "zeta"], listed);

        var entry = default(FspDirInfoEntry);
        fixed (char* name = "run\uFF1A1.bin")
            Assert.Equal(NtStatus.Success, Table->GetDirInfoByName(_fileSystem, folder, name, &entry.Head));
        Assert.Equal("run\uFF1A1.bin", FspDirInfo.NameOf(&entry.Head).ToString());
        Assert.Equal((ulong)bytes.Length, entry.Head.FileInfo.FileSize);

        fixed (char* from = mapped)
        fixed (char* to = @"\results\zeta")
        {
            Assert.Equal(NtStatus.ObjectNameCollision, Table->Rename(_fileSystem, file, from, to, 0));
            Assert.Equal(NtStatus.Success, Table->Rename(_fileSystem, file, from, to, 1));
        }
        fixed (char* name = @"\results")
            Assert.Equal(NtStatus.DirectoryNotEmpty, Table->CanDelete(_fileSystem, folder, name));
        fixed (char* name = @"\results\zeta")
        {
            Assert.Equal(NtStatus.Success, Table->CanDelete(_fileSystem, file, name));
            Table->Cleanup(_fileSystem, file, name, CleanupDelete);
        }
        Table->Close(_fileSystem, file);
        fixed (char* name = @"\results")
        {
            Assert.Equal(NtStatus.Success, Table->CanDelete(_fileSystem, folder, name));
            Table->Cleanup(_fileSystem, folder, name, CleanupDelete);
        }
        Table->Close(_fileSystem, folder);
        Assert.Equal(0, _store.Count);

        // A folder this mount has not listed yet: its listing waits on the store.
        Put("other/a.txt", "a");
        nint other;
        fixed (char* name = @"\other")
            Assert.Equal(NtStatus.Success, Table->Open(_fileSystem, name, DirectoryFile, ReadData, &other, &info));
        var whole = stackalloc byte[4096];
        var first = Table->ReadDirectory(_fileSystem, other, null, null, whole, 4096, &transferred);
        var (listedStatus, listedBytes) = Settle(first, transferred, FspTransactKind.QueryDirectory);
        Assert.Equal(NtStatus.Success, listedStatus);
        Assert.Equal([".", "..", "a.txt"], NamesIn(whole, listedBytes, out var complete));
        Assert.True(complete);
        Table->Close(_fileSystem, other);
        Assert.True(WentPending.Keys.Order().SequenceEqual([FspTransactKind.Read, FspTransactKind.Write, FspTransactKind.QueryDirectory]), "went pending: " + string.Join(",", WentPending));
        Assert.Equal(0, _host.FileSystem.OpenFileCount);

        FspVolumeInfo volume;
        Assert.Equal(NtStatus.Success, Table->GetVolumeInfo(_fileSystem, &volume));
        Assert.Equal("results".Length * 2, volume.VolumeLabelLength);
    }
}
