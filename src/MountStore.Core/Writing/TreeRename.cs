using System.Diagnostics;
using Microsoft.Extensions.Logging;
using MountStore.Core.Storage;

namespace MountStore.Core.Writing;

/// <summary>
/// Moves every key under one prefix to another: object stores have no folders to rename, so a
/// folder rename is one verified rename per key, several at a time. Not atomic: while it runs,
/// and after a failure, some keys are under the new name and the rest under the old one, each
/// exactly once. Progress is logged so a long rename is not mistaken for a hang.
/// </summary>
public sealed class TreeRename(IObjectStore store, string fromPrefix, string toPrefix, int parallelism, ILogger logger)
{
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(5);

    /// <summary>Keys moved so far.</summary>
    public int Moved => _moved;

    private int _moved;

    /// <summary>Moves the keys; throws after the first failure, once the renames in flight have finished.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var keys = new List<string>();
        await foreach (var page in store.ListAllAsync(fromPrefix, null, cancellationToken).ConfigureAwait(false))
            keys.AddRange(page.Objects.Select(o => o.Key));
        var clock = Stopwatch.StartNew();
        var lastReport = TimeSpan.Zero;
        logger.LogInformation("Renaming folder '{From}' to '{To}': {Count} objects", fromPrefix, toPrefix, keys.Count);
        try
        {
            await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken }, async (key, ct) =>
            {
                await store.RenameAsync(key, toPrefix + key[fromPrefix.Length..], ct).ConfigureAwait(false);
                var moved = Interlocked.Increment(ref _moved);
                if (clock.Elapsed - lastReport > ProgressEvery)
                {
                    lastReport = clock.Elapsed;
                    logger.LogInformation("Renaming '{From}': {Moved} of {Count} objects moved", fromPrefix, moved, keys.Count);
                }
            }).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            logger.LogError("Renaming folder '{From}' to '{To}' stopped after {Moved} of {Count} objects: {Message}. " +
                "Each object is under exactly one of the two names; run the same mv again to finish.", fromPrefix, toPrefix, _moved, keys.Count, e.Message);
            throw;
        }
    }
}
