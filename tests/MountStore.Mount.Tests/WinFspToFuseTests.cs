using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using MountStore.Core.FileSystem;
using MountStore.Core.Storage;
using MountStore.Core.Writing;
using MountStore.Fuse;
using MountStore.Testing;
using MountStore.WinFsp.Adapter;
using MountStore.WinFsp.Native;
using static MountStore.WinFsp.Adapter.WindowsRequestFlags;

namespace MountStore.Mount.Tests;

/// <summary>
/// The two doors over one container: a file written through the Windows door (the WinFsp adapter,
/// called in this process as WinFsp's dispatcher calls it) is read back byte for byte through the
/// Linux door, a real `mountstore mount` over FUSE, by System.IO and by sha256sum.
/// </summary>
[Collection(MountCollection.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class WinFspToFuseTests
{
    [Fact]
    public async Task A_file_written_through_the_WinFsp_adapter_reads_back_byte_for_byte_through_the_FUSE_mount()
    {
        var container = "winfsp-fuse-" + Guid.NewGuid().ToString("N")[..8];
        var staging = Directory.CreateTempSubdirectory("mountstore-winfsp-fuse-").FullName;
        await LocalSwiftServer.CreateContainerAsync(container);
        try
        {
            // Not a whole number of 64 KiB pieces, so the last write is a short one.
            var bytes = new byte[(3 << 20) + 12345];
            new Random(18).NextBytes(bytes);
            using (var store = LocalSwiftServer.SwiftStore(container))
                await WriteThroughTheAdapterAsync(store, staging, "\\results\\run\uFF1A1.bin", bytes);

            var mount = await MountProcess.StartAsync($"swift://{container}", MountProcess.SwiftEnvironment, "--read-only");
            try
            {
                // The Windows name's look-alike is the key's ':' again on Linux.
                var path = Path.Combine(mount.Directory, "results", "run:1.bin");
                Assert.Equal(bytes, await File.ReadAllBytesAsync(path));
                var sum = (await ProcessRunner.RunAsync("sha256sum", [path])).EnsureSuccess("sha256sum").StdOut.Split(' ')[0];
                Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), sum);
            }
            finally
            {
                await mount.DisposeAsync();
            }
            Assert.False(MountTable.IsFuseMounted(mount.Directory), $"{mount.Directory} is still mounted");
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
            await LocalSwiftServer.DeleteContainerAsync(container);
        }
    }

    /// <summary>
    /// As WinFsp calls the file system for CreateDirectory, then CreateFile(CREATE_NEW), WriteFile
    /// in the cache manager's 64 KiB pieces and CloseHandle: GetSecurityByName finds each name free,
    /// Create, Write at growing offsets, Cleanup (which stores the file), Close.
    /// </summary>
    private static async Task WriteThroughTheAdapterAsync(IObjectStore store, string staging, string name, byte[] bytes)
    {
        var options = new FileSystemOptions { Writing = new WriteOptions { StagingDirectory = staging } };
        await using var fileSystem = new MountedFileSystem(store, options, NullLoggerFactory.Instance);
        var adapter = new WinFspAdapter(fileSystem, NullLogger.Instance);
        var folder = name[..name.LastIndexOf('\\')];

        Assert.Equal(NtStatus.ObjectNameNotFound, (await adapter.GetSecurityByNameAsync(folder)).Status);
        var created = await adapter.CreateAsync(folder, DirectoryFile, ReadData, 0);
        Assert.Equal(NtStatus.Success, created.Status);
        Assert.Equal(NtStatus.Success, await adapter.CleanupAsync(created.Value.Context, folder, 0));
        await adapter.CloseAsync(created.Value.Context);

        Assert.Equal(NtStatus.ObjectNameNotFound, (await adapter.GetSecurityByNameAsync(name)).Status);
        created = await adapter.CreateAsync(name, NonDirectoryFile, ReadData | WriteData | AppendData, 0);
        Assert.Equal(NtStatus.Success, created.Status);
        var file = created.Value.Context;
        for (var offset = 0; offset < bytes.Length; offset += 64 << 10)
        {
            var piece = bytes.AsMemory(offset, Math.Min(64 << 10, bytes.Length - offset));
            var written = await adapter.WriteAsync(file, piece, (ulong)offset, writeToEndOfFile: false, constrainedIo: false);
            Assert.Equal((NtStatus.Success, piece.Length), (written.Status, written.Succeeded ? written.Value.Written : -1));
        }
        Assert.Equal(NtStatus.Success, await adapter.CleanupAsync(file, name, 0));
        await adapter.CloseAsync(file);
        Assert.Equal(0, fileSystem.OpenFileCount);
        // Stored under the original key before any mount looks.
        Assert.Equal((long)bytes.Length, (await store.HeadAsync("results/run:1.bin", CancellationToken.None))?.Size);
    }
}
