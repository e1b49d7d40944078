using MountStore.Core.Model;

namespace MountStore.Core.FileSystem;

public sealed partial class MountedFileSystem
{
    /// <summary>
    /// Takes the paths a first open takes, for a name the store does not hold, so that a fresh
    /// mount's first request does not pay for preparing them. ReadyToRun cannot precompile the
    /// runtime's generic plumbing of our async methods (that code belongs to the runtime): each
    /// method's is compiled the first time it waits, and a first open waits in about twenty.
    /// Both paths at once, all answered "not found": the open of a name no listing holds (the
    /// lookup's GET of the first bytes, its folder HEAD and its LIST) and the metadata load of a
    /// listed file (one GET), which an `ls` followed by `head` takes. Leaves only a negative cache
    /// entry for <paramref name="name"/> (both paths note the answer as usual).
    /// </summary>
    public async Task WarmUpAsync(string name, CancellationToken cancellationToken)
    {
        var unlisted = OpenUnlistedAsync(name, cancellationToken);
        var listed = _metadata.LoadAsync(name, new DirectoryListing([], _clock.GetUtcNow()), cancellationToken).AsTask();
        await Task.WhenAll(unlisted, listed).ConfigureAwait(false);
    }

    private async Task OpenUnlistedAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            var opened = await OpenAsync(name, OpenIntent.ReadOnly, cancellationToken).ConfigureAwait(false);
            await ReleaseAsync(opened.Handle).ConfigureAwait(false); // someone did store that name
        }
        catch (FileSystemException e) when (e.Error == FileSystemError.NotFound)
        {
        }
    }
}
