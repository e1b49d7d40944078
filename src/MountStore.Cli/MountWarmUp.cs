using Microsoft.Extensions.Logging;
using MountStore.Core.FileSystem;
using MountStore.Core.Model;
using MountStore.Core.Storage;

namespace MountStore.Cli;

/// <summary>
/// The first access to a fresh mount used to cost 100 ms more than later ones: code that
/// ReadyToRun leaves to the JIT, and a connection pool of one (the lookup's three requests went
/// out one after another). Right after mounting, one lookup of a name nobody uses runs in the
/// background (its GET of the first bytes, its HEAD and its LIST, all answered "not found"), so
/// the user's first `open` finds connections open and that code compiled. Failures are ignored:
/// this only prepares, it never decides anything.
/// </summary>
internal static class MountWarmUp
{
    /// <summary>A name no tool uses; a lookup of it leaves only a negative cache entry behind.</summary>
    public const string Name = ".mountstore-warm-up";

    public static async Task RunAsync(MountedFileSystem fileSystem, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            await fileSystem.LookupAsync(Name, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is FileSystemException or ObjectStoreException or OperationCanceledException or IOException)
        {
            logger.LogDebug("Warm-up after mounting: {Message}", e.Message);
        }
    }
}
