using System.Globalization;
using MountStore.Core.Storage;

namespace MountStore.Core.Writing;

/// <summary>
/// Where the bytes of a writer that lost a conflict go: beside the original, named
/// <c>NAME.conflict-HOST-YYYYMMDD-HHMMSS.EXT</c> (UTC; the extension kept so the copy opens in
/// the same program), e.g. <c>report.conflict-labpc-20261201-101500.csv</c>.
/// </summary>
public static class ConflictCopies
{
    /// <summary>The conflict copy's key for <paramref name="key"/>, written on <paramref name="host"/> at <paramref name="time"/>; <paramref name="attempt"/> above 1 adds "-N".</summary>
    public static string NameFor(string key, string host, DateTimeOffset time, int attempt = 1)
    {
        var slash = key.LastIndexOf('/');
        var folder = key[..(slash + 1)];
        var name = key[(slash + 1)..];
        // a leading dot is a hidden file's name, not an extension
        var dot = name.LastIndexOf('.');
        var (stem, extension) = dot > 0 ? (name[..dot], name[dot..]) : (name, "");
        var stamp = time.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var again = attempt > 1 ? $"-{attempt}" : "";
        return $"{folder}{stem}.conflict-{SafeHost(host)}-{stamp}{again}{extension}";
    }

    /// <summary>A free conflict copy key for <paramref name="key"/>: the first name of the series no object has.</summary>
    public static async Task<string> FreeNameAsync(IObjectStore store, string key, string host, DateTimeOffset time, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var candidate = NameFor(key, host, time, attempt);
            if (await store.HeadAsync(candidate, cancellationToken).ConfigureAwait(false) is null)
                return candidate;
        }
    }

    private static string SafeHost(string host)
    {
        var first = host.Split('.')[0];
        var safe = new string(first.Select(c => char.IsAsciiLetterOrDigit(c) || c == '-' ? char.ToLowerInvariant(c) : '-').ToArray());
        return safe.Length == 0 ? "host" : safe;
    }
}

/// <summary>
/// A commit lost a conflict: the object changed elsewhere since this writer began. The writer's
/// bytes were stored under <see cref="CopyKey"/> (when <see cref="Copy"/> is not null) and the
/// other version under <see cref="Key"/> is untouched.
/// </summary>
public sealed class ConflictCopyException(string key, string copyKey, ObjectInfo? copy, WriteConflictException conflict, Exception? copyFailure = null)
    : IOException(copy is not null
        ? $"'{key}' was changed elsewhere since it was opened here ({conflict.Reason}); this file's bytes were stored as '{copyKey}', the other version was left as it is"
        : $"'{key}' was changed elsewhere since it was opened here ({conflict.Reason}), and this file's bytes could not be stored as '{copyKey}' either: {copyFailure?.Message}", conflict)
{
    /// <summary>The object that changed.</summary>
    public string Key { get; } = key;

    /// <summary>Where this writer's bytes went.</summary>
    public string CopyKey { get; } = copyKey;

    /// <summary>The stored conflict copy; null when even that failed.</summary>
    public ObjectInfo? Copy { get; } = copy;
}
