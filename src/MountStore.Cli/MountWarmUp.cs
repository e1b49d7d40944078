using Microsoft.Extensions.Logging;
using MountStore.Core.FileSystem;
using MountStore.Core.Model;
using MountStore.Core.Storage;

namespace MountStore.Cli;

/// <summary>
/// The first access to a fresh mount used to cost 100 ms more than later ones: code that
/// ReadyToRun leaves to the JIT, and a connection pool of one (the lookup's three requests went
/// out one after another). Right after mounting, one lookup of a name nobody uses and one ranged
/// GET of it run in the background (three HEAD/LIST requests and a GET, all answered "not
/// found"), so the user's first `open` finds connections open and that code compiled. Failures
/// are ignored: this only prepares, it never decides anything.
/// </summary>
internal static class MountWarmUp
{
    /// <summary>A name no tool uses; a lookup of it leaves only a negative cache entry behind.</summary>
    public const string Name = ".mountstore-warm-up";

    public static async Task RunAsync(MountedFileSystem fileSystem, IObjectStore store, string rootPrefix, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            var lookup = fileSystem.LookupAsync(Name, cancellationToken).AsTask();
            var read = ReadAsync(store, rootPrefix + Name, cancellationToken);
            await Task.WhenAll(lookup, read).ConfigureAwait(false);
        }
        catch (Exception e) when (e is FileSystemException or ObjectStoreException or OperationCanceledException or IOException)
        {
            logger.LogDebug("Warm-up after mounting: {Message}", e.Message);
        }
    }

    private static async Task ReadAsync(IObjectStore store, string key, CancellationToken cancellationToken)
    {
        try
        {
            await using var content = await store.GetAsync(key, new ByteRange(0, 1), cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectNotFoundException)
        {
            // the expected answer
        }
    }
}
