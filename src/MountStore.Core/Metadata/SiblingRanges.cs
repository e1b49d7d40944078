using MountStore.Core.Model;

namespace MountStore.Core.Metadata;

/// <summary>
/// Groups the sibling folders a walk wants listed into ranges a flat listing can cover: folders
/// next to one another in the store's key order ("name/", UTF-8 bytes), with no folder of those
/// given between them that is not wanted (it is listed already, and would be listed again). Long
/// runs are cut in halves until there are as many ranges as may run side by side; runs beyond
/// that many wait for a later step of the walk.
/// </summary>
public static class SiblingRanges
{
    /// <summary>
    /// At most <paramref name="parallel"/> ranges of <paramref name="wanted"/>, each in key order,
    /// the ranges themselves in key order; <paramref name="folders"/> are the parent's subfolders
    /// the walk looks at now.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<string>> Split(IEnumerable<string> folders, IReadOnlySet<string> wanted, int parallel)
    {
        var runs = new List<List<string>>();
        List<string>? run = null;
        foreach (var folder in folders.OrderBy(f => f + "/", Utf8Order.Instance))
        {
            if (!wanted.Contains(folder))
            {
                run = null;
                continue;
            }
            if (run is null)
                runs.Add(run = []);
            run.Add(folder);
        }
        if (runs.Count > parallel)
            runs.RemoveRange(parallel, runs.Count - parallel);
        while (runs.Count < parallel)
        {
            var longest = runs.MaxBy(r => r.Count);
            if (longest is null || longest.Count < 2)
                break;
            var at = runs.IndexOf(longest);
            var half = longest.Count / 2;
            runs.Insert(at + 1, longest[half..]);
            longest.RemoveRange(half, longest.Count - half);
        }
        return runs;
    }
}
