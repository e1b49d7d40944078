using MountStore.Core.Model;
using MountStore.WinFsp.Native;

namespace MountStore.WinFsp.Adapter;

/// <summary>ReadDirectory and GetDirInfoByName: folders as Windows enumerates them.</summary>
internal sealed partial class WinFspAdapter
{
    /// <summary>
    /// ReadDirectory: the entries after <paramref name="marker"/> (all, for null), in the
    /// snapshot's order. An enumeration starts (null marker) with a fresh listing, and its later
    /// pages read the same snapshot, so entries neither repeat nor go missing between pages. The
    /// native layer adds entries until WinFsp's buffer is full; WinFsp sends the last name it took
    /// back as the next marker. <paramref name="pattern"/> is not used: WinFsp filters by pattern
    /// itself unless the volume asks for it (PassQueryDirectoryPattern, which we leave off).
    /// </summary>
    public async Task<WinFspAnswer<IReadOnlyList<WindowsDirectoryEntry>>> ReadDirectoryAsync(FileContext context, string? pattern, string? marker)
    {
        try
        {
            if (!context.IsDirectory)
                return WinFspAnswer.Failure<IReadOnlyList<WindowsDirectoryEntry>>(NtStatus.NotADirectory);
            if (marker is null || context.Listing is null)
            {
                var view = await FileSystem.OpenDirectoryAsync(context.Path, CancellationToken.None).ConfigureAwait(false);
                var parent = context.Path.Length == 0
                    ? WindowsFileInfo.From(view.Attributes)
                    : WindowsFileInfo.From(await FileSystem.GetAttributesAsync(PathNames.ParentOf(context.Path), CancellationToken.None).ConfigureAwait(false));
                context.Listing = DirectorySnapshot.Of(view, parent);
            }
            return WinFspAnswer.Success(context.Listing.ListAfter(marker));
        }
        catch (Exception e)
        {
            return WinFspAnswer.Failure<IReadOnlyList<WindowsDirectoryEntry>>(Fail(e, "ReadDirectory", context.Path));
        }
    }

    /// <summary>
    /// GetDirInfoByName: the entry <paramref name="fileName"/> (one name, as Windows gives it) of the
    /// open folder, under the name the folder lists it by; STATUS_OBJECT_NAME_NOT_FOUND when absent.
    /// </summary>
    public async Task<WinFspAnswer<WindowsDirectoryEntry>> GetDirInfoByNameAsync(FileContext context, string fileName)
    {
        var name = WindowsNames.FromWindows(fileName);
        var path = PathNames.Join(context.Path, name);
        try
        {
            return await FileSystem.LookupAsync(path, CancellationToken.None).ConfigureAwait(false) is { } attributes
                ? WinFspAnswer.Success(new WindowsDirectoryEntry(WindowsNames.ToWindows(name), WindowsFileInfo.From(attributes)))
                : WinFspAnswer.Failure<WindowsDirectoryEntry>(NtStatus.ObjectNameNotFound);
        }
        catch (Exception e)
        {
            return WinFspAnswer.Failure<WindowsDirectoryEntry>(Fail(e, "GetDirInfoByName", path));
        }
    }
}
