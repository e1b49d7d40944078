using MountStore.Testing;
using MountStore.WinFsp.Native;

namespace MountStore.WinFsp.Tests.Adapter;

/// <summary>
/// The adapter over the local Swift server (127.0.0.1:8080, which must be running): what a
/// Windows program writes, renames and deletes lands in the container under the original keys.
/// </summary>
public sealed class WinFspAdapterSwiftTests
{
    [Fact]
    public async Task Create_write_rename_over_and_delete_on_close_reach_the_Swift_container()
    {
        var container = "winfsp-adapter-" + Guid.NewGuid().ToString("N")[..8];
        await LocalSwiftServer.CreateContainerAsync(container);
        using var store = LocalSwiftServer.SwiftStore(container);
        await using var host = new WindowsHost(store);
        var bytes = new byte[3 << 20];
        new Random(11).NextBytes(bytes);

        Assert.Equal(NtStatus.Success, (await host.CreateNewAsync(@"\results", directory: true)).Status);
        await host.WriteNewFileAsync("\\results\\run\uFF1A1.bin", bytes, piece: 1 << 20);
        await host.WriteNewFileAsync(@"\results\latest.bin", "old"u8.ToArray());
        Assert.Equal(bytes, await store.ReadAllBytesAsync("results/run:1.bin"));

        var opened = await host.OpenAsync("\\results\\run\uFF1A1.bin", WindowsHost.ReadWrite);
        Assert.Equal(NtStatus.ObjectNameCollision, await host.Adapter.RenameAsync(opened.Value.Context, "\\results\\run\uFF1A1.bin", @"\results\latest.bin", replaceIfExists: false));
        Assert.Equal(NtStatus.Success, await host.Adapter.RenameAsync(opened.Value.Context, "\\results\\run\uFF1A1.bin", @"\results\latest.bin", replaceIfExists: true));
        Assert.Equal(NtStatus.Success, await host.CloseAsync(opened.Value.Context, @"\results\latest.bin"));
        Assert.Equal(bytes, await store.ReadAllBytesAsync("results/latest.bin"));
        Assert.Null(await store.HeadAsync("results/run:1.bin", CancellationToken.None));

        var listed = await host.ListAsync(@"\results");
        Assert.Equal([".", "..", "latest.bin"], listed.Select(e => e.Name).ToList());
        Assert.Equal((ulong)bytes.Length, listed[2].Info.FileSize);

        Assert.Equal(NtStatus.DirectoryNotEmpty, await host.DeleteAsync(@"\results", directory: true));
        Assert.Equal(NtStatus.Success, await host.DeleteAsync(@"\results\latest.bin"));
        Assert.Equal(NtStatus.Success, await host.DeleteAsync(@"\results", directory: true));
        Assert.Equal(NtStatus.ObjectNameNotFound, (await host.Adapter.GetSecurityByNameAsync(@"\results")).Status);
        Assert.Null(await store.HeadAsync("results/latest.bin", CancellationToken.None));
    }
}
