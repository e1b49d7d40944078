using System.Runtime.InteropServices;

namespace MountStore.WinFsp.Native;

/// <summary>
/// The WinFsp functions the binding calls, bound by name from the loaded DLL into unmanaged
/// function pointers (no delegates to keep alive, no marshalling: every argument is blittable).
/// Strings are NUL-terminated UTF-16 (PWSTR), as everywhere in WinFsp.
/// </summary>
internal sealed unsafe class WinFspApi
{
    /// <summary>The device a disk volume is created on (a drive letter or a folder mount point).</summary>
    public const string DiskDeviceName = "WinFsp.Disk";

    /// <summary>The device a network volume is created on (drive letters only, with a UNC prefix).</summary>
    public const string NetDeviceName = "WinFsp.Net";

    /// <summary>FspFileSystemCreate(device path, volume parameters, interface, file system out): creates the volume, not yet mounted.</summary>
    public readonly delegate* unmanaged<char*, FspVolumeParams*, FspFileSystemInterface*, FspFileSystem**, int> FileSystemCreate;

    /// <summary>FspFileSystemSetMountPoint(file system, "X:", a folder, or null for the next free letter from Z: down).</summary>
    public readonly delegate* unmanaged<FspFileSystem*, char*, int> FileSystemSetMountPoint;

    /// <summary>FspFileSystemStartDispatcher(file system, thread count; 0 for WinFsp's default).</summary>
    public readonly delegate* unmanaged<FspFileSystem*, uint, int> FileSystemStartDispatcher;

    /// <summary>FspFileSystemStopDispatcher(file system): returns when the dispatcher's threads have ended.</summary>
    public readonly delegate* unmanaged<FspFileSystem*, void> FileSystemStopDispatcher;

    /// <summary>FspFileSystemDelete(file system): removes the mount point and frees the object.</summary>
    public readonly delegate* unmanaged<FspFileSystem*, void> FileSystemDelete;

    /// <summary>FspFileSystemSendResponse(file system, response): completes a request that returned STATUS_PENDING.</summary>
    public readonly delegate* unmanaged<FspFileSystem*, FspTransactResponse*, void> FileSystemSendResponse;

    /// <summary>FspFileSystemGetOperationContext(): the request being served on this thread (valid inside a callback only).</summary>
    public readonly delegate* unmanaged<FspOperationContext*> FileSystemGetOperationContext;

    /// <summary>FspFileSystemAddDirInfo(entry or null for the end, buffer, length, bytes used in/out): 0 when the buffer is full.</summary>
    public readonly delegate* unmanaged<FspDirInfo*, void*, uint, uint*, byte> FileSystemAddDirInfo;

    private WinFspApi(nint library, string path)
    {
        FileSystemCreate = (delegate* unmanaged<char*, FspVolumeParams*, FspFileSystemInterface*, FspFileSystem**, int>)Export(library, path, "FspFileSystemCreate");
        FileSystemSetMountPoint = (delegate* unmanaged<FspFileSystem*, char*, int>)Export(library, path, "FspFileSystemSetMountPoint");
        FileSystemStartDispatcher = (delegate* unmanaged<FspFileSystem*, uint, int>)Export(library, path, "FspFileSystemStartDispatcher");
        FileSystemStopDispatcher = (delegate* unmanaged<FspFileSystem*, void>)Export(library, path, "FspFileSystemStopDispatcher");
        FileSystemDelete = (delegate* unmanaged<FspFileSystem*, void>)Export(library, path, "FspFileSystemDelete");
        FileSystemSendResponse = (delegate* unmanaged<FspFileSystem*, FspTransactResponse*, void>)Export(library, path, "FspFileSystemSendResponse");
        FileSystemGetOperationContext = (delegate* unmanaged<FspOperationContext*>)Export(library, path, "FspFileSystemGetOperationContext");
        FileSystemAddDirInfo = (delegate* unmanaged<FspDirInfo*, void*, uint, uint*, byte>)Export(library, path, "FspFileSystemAddDirInfo");
    }

    // Only the functions used while serving requests; the volume's life cycle is left unbound.
    private WinFspApi(delegate* unmanaged<FspFileSystem*, FspTransactResponse*, void> sendResponse,
        delegate* unmanaged<FspOperationContext*> getOperationContext,
        delegate* unmanaged<FspDirInfo*, void*, uint, uint*, byte> addDirInfo)
    {
        FileSystemSendResponse = sendResponse;
        FileSystemGetOperationContext = getOperationContext;
        FileSystemAddDirInfo = addDirInfo;
    }

    // Every function given (a test host that plays WinFsp's volume life cycle too).
    private WinFspApi(delegate* unmanaged<char*, FspVolumeParams*, FspFileSystemInterface*, FspFileSystem**, int> create,
        delegate* unmanaged<FspFileSystem*, char*, int> setMountPoint,
        delegate* unmanaged<FspFileSystem*, uint, int> startDispatcher,
        delegate* unmanaged<FspFileSystem*, void> stopDispatcher,
        delegate* unmanaged<FspFileSystem*, void> delete,
        WinFspApi serving)
    {
        FileSystemCreate = create;
        FileSystemSetMountPoint = setMountPoint;
        FileSystemStartDispatcher = startDispatcher;
        FileSystemStopDispatcher = stopDispatcher;
        FileSystemDelete = delete;
        FileSystemSendResponse = serving.FileSystemSendResponse;
        FileSystemGetOperationContext = serving.FileSystemGetOperationContext;
        FileSystemAddDirInfo = serving.FileSystemAddDirInfo;
    }

    /// <summary>
    /// An API whose volume life cycle is the given functions and whose serving functions are
    /// <paramref name="serving"/>'s (for a test host that plays WinFsp without its DLL).
    /// </summary>
    internal static WinFspApi ForVolume(delegate* unmanaged<char*, FspVolumeParams*, FspFileSystemInterface*, FspFileSystem**, int> create,
        delegate* unmanaged<FspFileSystem*, char*, int> setMountPoint,
        delegate* unmanaged<FspFileSystem*, uint, int> startDispatcher,
        delegate* unmanaged<FspFileSystem*, void> stopDispatcher,
        delegate* unmanaged<FspFileSystem*, void> delete,
        WinFspApi serving) =>
        new(create, setMountPoint, startDispatcher, stopDispatcher, delete, serving);

    /// <summary>
    /// An API of the three functions the table's entries call while serving (for a test host that
    /// plays the dispatcher without WinFsp); calling any other member of it is an error.
    /// </summary>
    internal static WinFspApi ForServing(delegate* unmanaged<FspFileSystem*, FspTransactResponse*, void> sendResponse,
        delegate* unmanaged<FspOperationContext*> getOperationContext,
        delegate* unmanaged<FspDirInfo*, void*, uint, uint*, byte> addDirInfo) =>
        new(sendResponse, getOperationContext, addDirInfo);

    /// <summary>Loads the installed WinFsp; throws <see cref="WinFspNotInstalledException"/> with a one-line reason when it cannot.</summary>
    public static WinFspApi Load()
    {
        var (handle, path) = WinFspLibrary.Load();
        return Bind(handle, path);
    }

    /// <summary>Binds the functions of the library already loaded from <paramref name="path"/>.</summary>
    internal static WinFspApi Bind(nint library, string path) => new(library, path);

    /// <summary>
    /// The request hint of the operation being served on this thread, which the pending Read,
    /// Write or ReadDirectory's later response must carry; call it before the callback returns.
    /// </summary>
    public ulong CurrentRequestHint() => FileSystemGetOperationContext()->Request->Hint;

    /// <summary>Sends <paramref name="response"/> for a request that returned STATUS_PENDING.</summary>
    public void SendResponse(FspFileSystem* fileSystem, FspTransactResponse response) =>
        FileSystemSendResponse(fileSystem, &response);

    private static nint Export(nint library, string path, string name) =>
        NativeLibrary.TryGetExport(library, name, out var address)
            ? address
            : throw new WinFspNotInstalledException(
                $"{path} has no {name}, so it is not a WinFsp this MountStore can use: install the current WinFsp from {WinFspNotInstalledException.DownloadUrl}");
}
