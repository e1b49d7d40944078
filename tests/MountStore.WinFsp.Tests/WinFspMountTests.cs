using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging.Abstractions;
using MountStore.Testing;
using MountStore.WinFsp.Mounting;
using MountStore.WinFsp.Native;
using MountStore.WinFsp.Tests.Adapter;

namespace MountStore.WinFsp.Tests;

/// <summary>
/// The volume's life cycle as WinFspMount drives it: which WinFsp functions it calls, in which
/// order, with which volume parameters and mount point, and how it cleans up when a step is
/// refused or WinFsp ends the volume by itself. WinFsp's five life-cycle functions are stand-ins
/// recording their calls (the driver needs Windows); they behave as fs.c documents.
/// </summary>
public sealed class WinFspMountTests : IAsyncDisposable
{
    private static readonly List<string> Calls = [];
    private static FspVolumeParams _parameters;
    private static unsafe FspFileSystemInterface* _table;
    private static unsafe FspFileSystem* _created;
    private static int _mountPointStatus;

    private readonly WindowsHost _host = new(new InMemoryObjectStore());
    private readonly WinFspApi _api;

    public unsafe WinFspMountTests()
    {
        lock (Calls)
            Calls.Clear();
        _mountPointStatus = NtStatus.Success;
        _api = WinFspApi.ForVolume(&Create, &SetMountPoint, &StartDispatcher, &StopDispatcher, &Delete,
            WinFspApi.ForServing(null, null, null));
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    private static void Record(string call)
    {
        lock (Calls)
            Calls.Add(call);
    }

    private static string[] Recorded()
    {
        lock (Calls)
            return [.. Calls];
    }

    [UnmanagedCallersOnly]
    private static unsafe int Create(char* device, FspVolumeParams* parameters, FspFileSystemInterface* table, FspFileSystem** created)
    {
        Record($"create {new string(device)}");
        _parameters = *parameters;
        _table = table;
        *created = _created = (FspFileSystem*)NativeMemory.AllocZeroed(792); // FSP_FILE_SYSTEM's full size
        return NtStatus.Success;
    }

    // As fs.c: a null mount point takes the next free letter (here always Z:), kept in FSP_FILE_SYSTEM.MountPoint.
    [UnmanagedCallersOnly]
    private static unsafe int SetMountPoint(FspFileSystem* fileSystem, char* mountPoint)
    {
        var asked = mountPoint is null ? null : new string(mountPoint);
        Record($"mount-point {asked ?? "null"}");
        if (_mountPointStatus != NtStatus.Success)
            return _mountPointStatus;
        *(nint*)((byte*)fileSystem + FspFileSystem.MountPointOffset) = Marshal.StringToHGlobalUni(asked ?? "Z:");
        return NtStatus.Success;
    }

    [UnmanagedCallersOnly]
    private static unsafe int StartDispatcher(FspFileSystem* fileSystem, uint threads)
    {
        Record($"start {threads}");
        return NtStatus.Success;
    }

    // As fs.c: the dispatcher's last act is DispatcherStopped, Normally = TRUE when stopped by this call.
    [UnmanagedCallersOnly]
    private static unsafe void StopDispatcher(FspFileSystem* fileSystem)
    {
        Record("stop");
        _table->DispatcherStopped(fileSystem, 1);
    }

    [UnmanagedCallersOnly]
    private static unsafe void Delete(FspFileSystem* fileSystem)
    {
        Record("delete");
        var mountPoint = *(nint*)((byte*)fileSystem + FspFileSystem.MountPointOffset);
        if (mountPoint != 0)
            Marshal.FreeHGlobal(mountPoint);
        NativeMemory.Free(fileSystem);
    }

    private WinFspMount Start(WinFspMountOptions options) =>
        WinFspMount.Start(_api, _host.FileSystem, options, NullLoggerFactory.Instance, new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.Zero));

    [Fact]
    public async Task A_mount_on_the_next_free_letter_creates_a_disk_volume_mounts_it_starts_it_and_unmount_stops_and_deletes_it()
    {
        var mount = Start(new WinFspMountOptions { FileInfoTimeout = TimeSpan.FromSeconds(2.5) });

        Assert.Equal(["create WinFsp.Disk", "mount-point null", "start 0"], Recorded());
        Assert.Equal("Z:", mount.MountPoint);
        Assert.False(mount.Completion.IsCompleted);

        await mount.DisposeAsync();
        Assert.Equal(0, await mount.Completion.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(["create WinFsp.Disk", "mount-point null", "start 0", "stop", "delete"], Recorded());
    }

    [Fact]
    public async Task The_volume_is_case_sensitive_unicode_without_ACLs_with_4096_byte_units_and_the_attribute_timeout()
    {
        await using var mount = Start(new WinFspMountOptions { MountPoint = "X:", FileInfoTimeout = TimeSpan.FromSeconds(2.5) });

        Assert.Contains("mount-point X:", Recorded());
        Assert.Equal(FspVolumeParams.CurrentVersion, _parameters.Version);
        Assert.Equal((4096, 1, 255), (_parameters.SectorSize, _parameters.SectorsPerAllocationUnit, _parameters.MaxComponentLength));
        Assert.Equal(2500u, _parameters.FileInfoTimeout);
        Assert.Equal(FspVolumeFlags.CaseSensitiveSearch | FspVolumeFlags.CasePreservedNames | FspVolumeFlags.UnicodeOnDisk
            | FspVolumeFlags.PostCleanupWhenModifiedOnly | FspVolumeFlags.PassQueryDirectoryFileName, _parameters.Flags);
        var created = new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.Zero).ToFileTime();
        Assert.Equal((ulong)created, _parameters.VolumeCreationTime);
        Assert.Equal((uint)(created / 10_000_000), _parameters.VolumeSerialNumber);
        Assert.Equal("MountStore", FileSystemName());
        Assert.Equal("", Prefix()); // a disk volume: WinFsp reads no UNC prefix
        Assert.True(TableIsFilled(), "the adapter's table was given");
    }

    private static unsafe string FileSystemName()
    {
        var parameters = _parameters;
        return new string(parameters.FileSystemName);
    }

    private static unsafe string Prefix()
    {
        var parameters = _parameters;
        return new string(parameters.Prefix);
    }

    private static unsafe bool TableIsFilled() =>
        _table->GetVolumeInfo is not null && _table->Read is not null && _table->DispatcherStopped is not null;

    // What WinFsp's dispatcher thread does when the driver ends the volume: DispatcherStopped with Normally = FALSE.
    private static unsafe void DriverEndsTheVolume() => _table->DispatcherStopped(_created, 0);

    [Fact]
    public async Task A_read_only_mount_says_so_to_Windows()
    {
        await using var mount = Start(new WinFspMountOptions { MountPoint = @"C:\data\climate", ReadOnly = true });

        Assert.Contains(@"mount-point C:\data\climate", Recorded());
        Assert.True(_parameters.Flags.HasFlag(FspVolumeFlags.ReadOnlyVolume));
        Assert.Equal(@"C:\data\climate", mount.MountPoint);
    }

    [Fact]
    public void A_refused_mount_point_is_one_clear_line_and_the_created_volume_is_deleted_unstarted()
    {
        _mountPointStatus = NtStatus.ObjectNameCollision;

        var refused = Assert.Throws<WinFspMountException>(() => Start(new WinFspMountOptions { MountPoint = "X:" }));

        Assert.Equal("WinFsp could not mount it on X:: the drive letter is in use or the folder already exists (STATUS_OBJECT_NAME_COLLISION)", refused.Message);
        Assert.Equal(["create WinFsp.Disk", "mount-point X:", "delete"], Recorded());
    }

    [Fact]
    public async Task When_WinFsp_ends_the_volume_itself_the_mount_stops_deletes_it_and_completes_with_1()
    {
        var mount = Start(new WinFspMountOptions { MountPoint = "X:" });

        DriverEndsTheVolume();

        Assert.Equal(1, await mount.Completion.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(["create WinFsp.Disk", "mount-point X:", "start 0", "stop", "delete"], Recorded());
    }
}
