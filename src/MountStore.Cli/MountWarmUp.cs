using Microsoft.Extensions.Logging;
using MountStore.Core.FileSystem;
using MountStore.Core.Model;
using MountStore.Core.Storage;

namespace MountStore.Cli;

/// <summary>
/// The first access to a fresh mount used to cost 100 ms more than later ones: code that
/// ReadyToRun leaves to the JIT, and a connection pool of one (the lookup's three requests went
/// out one after another). Before the mount appears, the file system takes a first open's paths
/// for a name nobody uses (<see cref="MountedFileSystem.WarmUpAsync"/>: four requests at once,
/// all answered "not found"), so the user's first `open` finds connections open and that code
/// compiled. Measured, a fresh mount's first `head -c 1` of a listed file went from 27 to 23 ms
/// (median of 15; curl's GET of its first byte: 18 ms). Before, not beside: run in the
/// background it raced the user's first requests, which then compiled what it had not reached
/// yet. It delays the mount by about one round trip (30 ms here), never by more than
/// <see cref="Limit"/>. Failures are ignored: this only prepares, it never decides anything.
/// </summary>
internal static class MountWarmUp
{
    /// <summary>A name no tool uses; the warm-up leaves only a negative cache entry for it behind.</summary>
    public const string Name = ".mountstore-warm-up";

    /// <summary>The longest the warm-up may delay a mount: a slow store is not waited for.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(2);

    /// <summary>Returns when the warm-up is done, or after <paramref name="limit"/>, whichever comes first.</summary>
    public static async Task RunAsync(MountedFileSystem fileSystem, ILogger logger, TimeSpan limit, CancellationToken cancellationToken)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(limit);
        try
        {
            await fileSystem.WarmUpAsync(Name, bounded.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // Whatever it met, the mount goes on: it runs before the mount now, and a failure of
            // its own (an answer of a kind no store class names) must not stop a mount that the
            // access check allowed. The user's own requests meet any real problem and report it.
            logger.LogDebug("Warm-up before mounting: {Message}", e.Message);
        }
    }
}
