using Microsoft.Extensions.Logging;
using MountStore.Core.FileSystem;
using MountStore.Core.Storage;
using MountStore.Core.Writing;
using MountStore.WinFsp.Adapter;
using MountStore.WinFsp.Dispatch;
using MountStore.WinFsp.Native;

namespace MountStore.WinFsp.WineProbe;

/// <summary>
/// A store served through the Windows door as the CLI serves it: Core's MountedFileSystem, the
/// WinFspAdapter over it, the interface table of WinFspEntries through a DispatchedVolume, handed
/// to FspFileSystemCreate; mounted at M:, the dispatcher started and stopped. Under wine the DLL
/// is native/winfsp_standin.c, whose dispatcher runs its script through the table before
/// FspFileSystemStopDispatcher returns.
/// </summary>
internal static class ProbeVolume
{
    /// <summary>Serves <paramref name="store"/> until the dispatcher stops; returns the exit code.</summary>
    public static async Task<int> ServeAsync(WinFspApi api, IObjectStore store, ILoggerFactory loggers)
    {
        var staging = Directory.CreateTempSubdirectory("mountstore-probe-").FullName;
        try
        {
            // 5 MiB parts (the smallest allowed) rather than 16: the script's 12 MiB file is then
            // stored as a segmented (SLO) upload of three parts, as a large file is, not one PUT.
            var options = new FileSystemOptions { Writing = new WriteOptions { PartBytes = 5 << 20, StagingDirectory = staging } };
            await using var fileSystem = new MountedFileSystem(store, options, loggers);
            var logger = loggers.CreateLogger("MountStore.WinFsp");
            using var volume = new DispatchedVolume(new WinFspAdapter(fileSystem, logger, "MountStore"), api, logger);
            var exitCode = Serve(api, volume);
            Console.WriteLine($"probe: open files left {fileSystem.OpenFileCount}");
            return exitCode;
        }
        finally
        {
            RemoveStaging(staging);
        }
    }

    // A staging file still there is a handle Core did not close: said on stdout, where the test
    // looks, rather than thrown (an unhandled exception under wine starts its debugger).
    private static void RemoveStaging(string staging)
    {
        try
        {
            Directory.Delete(staging, recursive: true);
        }
        catch (IOException e)
        {
            Console.WriteLine($"probe: staging folder not removed: {e.Message}");
        }
    }

    // Apart from ServeAsync: pointers cannot live in an async method.
    private static unsafe int Serve(WinFspApi api, DispatchedVolume volume)
    {
        var parameters = VolumeParameters();
        FspFileSystem* fileSystem;
        int status;
        fixed (char* device = WinFspApi.DiskDeviceName)
            status = api.FileSystemCreate(device, &parameters, volume.Table, &fileSystem);
        if (!Succeeded("FspFileSystemCreate", status)) return 2;
        volume.Attach(fileSystem);
        try
        {
            fixed (char* mountPoint = "M:")
                status = api.FileSystemSetMountPoint(fileSystem, mountPoint);
            if (!Succeeded("FspFileSystemSetMountPoint", status)) return 2;
            status = api.FileSystemStartDispatcher(fileSystem, 0);
            if (!Succeeded("FspFileSystemStartDispatcher", status)) return 2;
            api.FileSystemStopDispatcher(fileSystem);
        }
        finally
        {
            api.FileSystemDelete(fileSystem);
        }
        Console.WriteLine("probe: done");
        return 0;
    }

    /// <summary>
    /// The probe's own volume parameters; the stand-in checks each value and flag bit where the
    /// Windows x64 compiler puts it.
    /// </summary>
    private static FspVolumeParams VolumeParameters()
    {
        var parameters = default(FspVolumeParams);
        parameters.Version = FspVolumeParams.CurrentVersion;
        parameters.SectorSize = 4096;
        parameters.SectorsPerAllocationUnit = 1;
        parameters.MaxComponentLength = 255;
        parameters.FileInfoTimeout = 1000;
        parameters.Flags = FspVolumeFlags.CaseSensitiveSearch | FspVolumeFlags.CasePreservedNames
            | FspVolumeFlags.UnicodeOnDisk | FspVolumeFlags.PostCleanupWhenModifiedOnly;
        parameters.TimeoutFlags = FspVolumeTimeoutFlags.VolumeInfoTimeoutValid;
        parameters.VolumeInfoTimeout = 2000;
        parameters.SetFileSystemName("MountStore");
        return parameters;
    }

    private static bool Succeeded(string call, int status)
    {
        if (status == NtStatus.Success) return true;
        Console.WriteLine($"probe: {call} failed with 0x{status:X8}");
        return false;
    }
}
