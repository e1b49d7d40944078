using MountStore.Core.FileSystem;
using MountStore.Core.Model;
using MountStore.WinFsp.Native;
using static MountStore.WinFsp.Adapter.WindowsRequestFlags;

namespace MountStore.WinFsp.Adapter;

/// <summary>Create, Open, Overwrite, Cleanup and Close: the life of a file context.</summary>
internal sealed partial class WinFspAdapter
{
    /// <summary>
    /// Create: a folder when <paramref name="createOptions"/> has FILE_DIRECTORY_FILE, else a file
    /// opened for reading and writing. STATUS_OBJECT_NAME_COLLISION when the name is taken (WinFsp
    /// leaves that check to the file system). READONLY in <paramref name="fileAttributes"/> makes
    /// the file's owner unable to write, as on the FUSE side.
    /// </summary>
    public async Task<WinFspAnswer<(FileContext Context, FspFileInfo Info)>> CreateAsync(string fileName, uint createOptions, uint grantedAccess, uint fileAttributes)
    {
        var path = WindowsNames.ToObjectPath(fileName);
        try
        {
            if (await FileSystem.LookupAsync(path, CancellationToken.None).ConfigureAwait(false) is not null)
                return WinFspAnswer.Failure<(FileContext, FspFileInfo)>(NtStatus.ObjectNameCollision);
            if (!await ParentIsFolderAsync(path).ConfigureAwait(false))
                return WinFspAnswer.Failure<(FileContext, FspFileInfo)>(NtStatus.ObjectPathNotFound);
            var readOnly = (fileAttributes & WindowsFileInfo.ReadOnlyAttribute) != 0;
            FileContext context;
            NodeAttributes attributes;
            if ((createOptions & DirectoryFile) != 0)
            {
                attributes = await FileSystem.MakeDirectoryAsync(path, FileSystem.Options.DirectoryMode, CancellationToken.None).ConfigureAwait(false);
                context = new FileContext(path, isDirectory: true, opened: null);
            }
            else
            {
                var opened = await FileSystem.CreateAsync(path, PermissionsFor(FileSystem.Options.FileMode, readOnly), new OpenIntent(Read: true, Write: true, Truncate: false), CancellationToken.None).ConfigureAwait(false);
                attributes = opened.Attributes;
                // A new file is stored by its cleanup even when nothing is written: an empty file is a file.
                context = new FileContext(path, isDirectory: false, opened, openedForWrite: true) { Written = true };
            }
            _contexts.Add(context);
            return WinFspAnswer.Success((context, WindowsFileInfo.From(attributes)));
        }
        catch (Exception e)
        {
            return WinFspAnswer.Failure<(FileContext, FspFileInfo)>(Fail(e, "Create", path));
        }
    }

    /// <summary>
    /// Open: a folder opens as a context to enumerate; a file opens in Core, for writing only when
    /// <paramref name="grantedAccess"/> lets the caller write (an open to read attributes, as
    /// Explorer makes by the hundred, must not start a writer).
    /// </summary>
    public async Task<WinFspAnswer<(FileContext Context, FspFileInfo Info)>> OpenAsync(string fileName, uint createOptions, uint grantedAccess)
    {
        var path = WindowsNames.ToObjectPath(fileName);
        try
        {
            var attributes = await FileSystem.GetAttributesAsync(path, CancellationToken.None).ConfigureAwait(false);
            if (attributes.IsDirectory && (createOptions & NonDirectoryFile) != 0)
                return WinFspAnswer.Failure<(FileContext, FspFileInfo)>(NtStatus.FileIsADirectory);
            if (!attributes.IsDirectory && (createOptions & DirectoryFile) != 0)
                return WinFspAnswer.Failure<(FileContext, FspFileInfo)>(NtStatus.NotADirectory);
            FileContext context;
            if (attributes.IsDirectory)
            {
                context = new FileContext(path, isDirectory: true, opened: null);
            }
            else
            {
                var write = (grantedAccess & (WriteData | AppendData)) != 0;
                var opened = await FileSystem.OpenAsync(path, new OpenIntent(Read: true, Write: write, Truncate: false), CancellationToken.None).ConfigureAwait(false);
                context = new FileContext(path, isDirectory: false, opened, write);
                attributes = opened.Attributes;
            }
            _contexts.Add(context);
            return WinFspAnswer.Success((context, WindowsFileInfo.From(attributes)));
        }
        catch (Exception e)
        {
            return WinFspAnswer.Failure<(FileContext, FspFileInfo)>(Fail(e, "Open", path));
        }
    }

    /// <summary>
    /// Overwrite (FILE_OVERWRITE, FILE_SUPERSEDE): the open file becomes empty; its attributes
    /// become <paramref name="fileAttributes"/> when <paramref name="replaceFileAttributes"/>,
    /// else READONLY in them is added. The allocation size is a hint an object store has no use for.
    /// </summary>
    public async Task<WinFspAnswer<FspFileInfo>> OverwriteAsync(FileContext context, uint fileAttributes, bool replaceFileAttributes, ulong allocationSize)
    {
        try
        {
            var handle = await WritableHandleAsync(context).ConfigureAwait(false);
            var current = await FileSystem.GetAttributesAsync(context.Path, CancellationToken.None).ConfigureAwait(false);
            var readOnly = (fileAttributes & WindowsFileInfo.ReadOnlyAttribute) != 0;
            var keepReadOnly = !replaceFileAttributes && (current.Mode & OwnerWrite) == 0;
            var permissions = PermissionsFor(current.Mode, readOnly || keepReadOnly);
            var changes = new AttributeChanges(Size: 0, Permissions: permissions == (current.Mode & PermissionBits) ? null : permissions);
            var attributes = await FileSystem.SetAttributesAsync(context.Path, handle, changes, CancellationToken.None).ConfigureAwait(false);
            context.Written = true;
            return WinFspAnswer.Success(WindowsFileInfo.From(attributes));
        }
        catch (Exception e)
        {
            return WinFspAnswer.Failure<FspFileInfo>(Fail(e, "Overwrite", context.Path));
        }
    }

    /// <summary>
    /// Cleanup (the last handle of this open is closed): with FspCleanupDelete in
    /// <paramref name="flags"/>, the file or empty folder is deleted; otherwise a file written
    /// through this open is committed to the store. WinFsp ignores Cleanup's result, so a failure
    /// here reaches the log, not the program; the status is returned for the tests and the log.
    /// </summary>
    public async Task<int> CleanupAsync(FileContext context, string? fileName, uint flags)
    {
        try
        {
            if ((flags & CleanupDelete) != 0)
            {
                if (context.IsDirectory)
                {
                    await FileSystem.RemoveDirectoryAsync(context.Path, CancellationToken.None).ConfigureAwait(false);
                }
                else if (await FileSystem.UnlinkAsync(context.Path, CancellationToken.None).ConfigureAwait(false) is { } stillOpenAs)
                {
                    _contexts.MoveFile(context.Path, stillOpenAs);
                }
                return NtStatus.Success;
            }
            if (context.Written)
            {
                await FileSystem.FlushAsync(context.Handle, CancellationToken.None).ConfigureAwait(false);
                context.Written = false;
            }
            return NtStatus.Success;
        }
        catch (Exception e)
        {
            return Fail(e, "Cleanup", context.Path);
        }
    }

    /// <summary>Close: the context ends and Core's handles with it. Nothing is answered to WinFsp.</summary>
    public async Task CloseAsync(FileContext context)
    {
        _contexts.Remove(context);
        try
        {
            if (context.Opened is { } opened)
                await FileSystem.ReleaseAsync(opened.Handle).ConfigureAwait(false);
            if (context.WriteHandle is { } writeHandle)
                await FileSystem.ReleaseAsync(writeHandle).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Fail(e, "Close", context.Path);
        }
    }

    /// <summary>
    /// Whether the folder <paramref name="path"/> would be in exists. Core would make it (a key
    /// under a prefix makes a folder), but Windows expects STATUS_OBJECT_PATH_NOT_FOUND there.
    /// </summary>
    private async Task<bool> ParentIsFolderAsync(string path)
    {
        var parent = PathNames.ParentOf(path);
        return parent.Length == 0 || await FileSystem.LookupAsync(parent, CancellationToken.None).ConfigureAwait(false) is { IsDirectory: true };
    }

    /// <summary>
    /// A handle of <paramref name="context"/> that may write. An open without write access gets
    /// one on its first write: Windows' cache manager may write back through any open of the file,
    /// not only the one that wrote.
    /// </summary>
    private async Task<ulong> WritableHandleAsync(FileContext context)
    {
        var opened = context.Opened ?? throw new FileSystemException(FileSystemError.IsADirectory, context.Path, "is a directory");
        if (context.OpenedForWrite)
            return opened.Handle;
        if (context.WriteHandle is { } earlier)
            return earlier;
        var writable = await FileSystem.OpenAsync(context.Path, new OpenIntent(Read: true, Write: true, Truncate: false), CancellationToken.None).ConfigureAwait(false);
        context.WriteHandle = writable.Handle;
        return writable.Handle;
    }
}
