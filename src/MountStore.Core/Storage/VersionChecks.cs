namespace MountStore.Core.Storage;

/// <summary>
/// The checks that keep a read to one version of an object and a write from replacing a version
/// it did not start from, written once for every store. Stores put the condition on the request
/// where their server honours it; these are the HEAD-based halves: what a 412 means, and the
/// check just before a write on servers that cannot make the write itself conditional.
/// </summary>
public static class VersionChecks
{
    /// <summary>True when two ETags name the same version (quotes and case aside).</summary>
    public static bool Same(string? a, string? b) => a is not null && b is not null && ETags.Normalize(a) == ETags.Normalize(b);

    /// <summary>
    /// After a conditional GET was answered 412: throws <see cref="ObjectChangedException"/> when
    /// the object is another version now or gone; returns normally when it is still
    /// <paramref name="expected"/>, which means the server refuses the condition itself.
    /// </summary>
    public static async Task ConfirmUnchangedAfterRefusalAsync(IObjectStore store, string key, string expected, CancellationToken cancellationToken)
    {
        var now = await store.HeadAsync(key, cancellationToken).ConfigureAwait(false);
        if (now is null || !Same(now.ETag, expected))
            throw new ObjectChangedException("GET", key, expected, now?.ETag);
    }

    /// <summary>Throws <see cref="ObjectChangedException"/> when a GET's answer is of another version than <paramref name="expected"/>.</summary>
    public static void EnsureVersion(ObjectContent content, string key, string? expected)
    {
        if (expected is not null && !Same(content.Info.ETag, expected))
            throw new ObjectChangedException("GET", key, expected, content.Info.ETag);
    }

    /// <summary>
    /// The check a store without conditional writes makes just before writing: throws
    /// <see cref="WriteConflictException"/> when <paramref name="options"/>' condition does not
    /// hold now. The window between this HEAD and the write remains.
    /// </summary>
    public static async Task CheckBeforeWriteAsync(IObjectStore store, string operation, string key, ObjectWriteOptions options, CancellationToken cancellationToken)
    {
        if (!options.IsConditional) return;
        var now = await store.HeadAsync(key, cancellationToken).ConfigureAwait(false);
        ThrowIfConflict(operation, key, options, now);
    }

    /// <summary>Throws <see cref="WriteConflictException"/> when <paramref name="now"/> (the object in the store, or null) breaks <paramref name="options"/>' condition.</summary>
    public static void ThrowIfConflict(string operation, string key, ObjectWriteOptions options, ObjectInfo? now)
    {
        if (options.ExpectNoObject && now is not null)
            throw new WriteConflictException(operation, key, $"another object (ETag {now.ETag}) was stored under this new name meanwhile");
        if (options.ExpectETag is { } expected && !Same(now?.ETag, expected))
            throw new WriteConflictException(operation, key, now is null
                ? $"the version this write started from ({expected}) was deleted meanwhile"
                : $"the version this write started from ({expected}) was replaced meanwhile by {now.ETag}");
    }

    /// <summary>Throws <see cref="WriteConflictException"/> when <paramref name="now"/> is none of <paramref name="versions"/> (null: any will do).</summary>
    public static void ThrowUnlessOneOf(string operation, string key, IReadOnlyCollection<string>? versions, ObjectInfo now)
    {
        if (versions is null || !versions.Any(v => v.Length > 0) || versions.Any(v => Same(v, now.ETag))) return;
        throw new WriteConflictException(operation, key, $"it was changed elsewhere since this mount looked at it (now ETag {now.ETag}); it was left in place");
    }

    /// <summary>
    /// After a conditional write was answered 412: the object that is there now may be this
    /// writer's own earlier attempt, whose answer was lost (same ETag as the bytes sent); that is
    /// success, and its info is returned. Anything else is a conflict.
    /// </summary>
    public static async Task<ObjectInfo> OwnWriteOrConflictAsync(IObjectStore store, string operation, string key, ObjectWriteOptions options, string sentETag, CancellationToken cancellationToken)
    {
        var now = await store.HeadAsync(key, cancellationToken).ConfigureAwait(false);
        if (now is not null && Same(now.ETag, sentETag)) return now;
        ThrowIfConflict(operation, key, options, now);
        // the condition holds now but was refused a moment ago: someone changed it twice
        throw new WriteConflictException(operation, key, "the object changed while this write was being stored");
    }
}
