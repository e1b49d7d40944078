using MountStore.WinFsp.Native;

namespace MountStore.WinFsp.Adapter;

/// <summary>CanDelete and Rename: names changing under open contexts.</summary>
internal sealed partial class WinFspAdapter
{
    /// <summary>
    /// CanDelete (asked when a delete is set on an open): a folder with anything in it answers
    /// STATUS_DIRECTORY_NOT_EMPTY, so the program is told at once rather than at close.
    /// </summary>
    public async Task<int> CanDeleteAsync(FileContext context, string? fileName)
    {
        try
        {
            if (!context.IsDirectory)
                return NtStatus.Success;
            var listing = await FileSystem.ListDirectoryAsync(context.Path, CancellationToken.None).ConfigureAwait(false);
            return listing.Entries.Count == 0 ? NtStatus.Success : NtStatus.DirectoryNotEmpty;
        }
        catch (Exception e)
        {
            return Fail(e, "CanDelete", context.Path);
        }
    }

    /// <summary>
    /// Rename the open <paramref name="context"/> to <paramref name="newFileName"/>. A name in use
    /// answers STATUS_OBJECT_NAME_COLLISION unless <paramref name="replaceIfExists"/>, and a
    /// folder is never replaced (STATUS_ACCESS_DENIED, as NTFS answers). Contexts open on the old
    /// names follow them.
    /// </summary>
    public async Task<int> RenameAsync(FileContext context, string fileName, string newFileName, bool replaceIfExists)
    {
        var from = context.Path;
        var to = WindowsNames.ToObjectPath(newFileName);
        try
        {
            if (await FileSystem.LookupAsync(to, CancellationToken.None).ConfigureAwait(false) is { } existing && from != to)
            {
                if (!replaceIfExists)
                    return NtStatus.ObjectNameCollision;
                if (existing.IsDirectory)
                    return NtStatus.AccessDenied;
            }
            if (!await ParentIsFolderAsync(to).ConfigureAwait(false))
                return NtStatus.ObjectPathNotFound;
            var replacedStillOpenAs = await FileSystem.RenameAsync(from, to, noReplace: !replaceIfExists, CancellationToken.None).ConfigureAwait(false);
            if (replacedStillOpenAs is not null)
                _contexts.MoveFile(to, replacedStillOpenAs);
            _contexts.Move(from, to);
            return NtStatus.Success;
        }
        catch (Exception e)
        {
            return Fail(e, "Rename", from);
        }
    }
}
