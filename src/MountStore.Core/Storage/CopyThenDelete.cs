namespace MountStore.Core.Storage;

/// <summary>
/// Rename for stores without one: copy on the server, check that the copy is the source (same
/// size, and same ETag where the store keeps ETags across a copy), then delete the source.
/// </summary>
public static class CopyThenDelete
{
    /// <summary>Renames <paramref name="sourceKey"/> to <paramref name="destinationKey"/> in <paramref name="store"/>.</summary>
    public static async Task<ObjectInfo> RenameAsync(IObjectStore store, string sourceKey, string destinationKey, CancellationToken cancellationToken)
    {
        var source = await store.HeadAsync(sourceKey, cancellationToken).ConfigureAwait(false)
            ?? throw new ObjectNotFoundException("rename", sourceKey);
        if (sourceKey == destinationKey)
            return source;
        var copy = await store.CopyAsync(sourceKey, destinationKey, null, cancellationToken).ConfigureAwait(false);
        Verify(source, copy);
        await store.DeleteAsync(sourceKey, cancellationToken).ConfigureAwait(false);
        return copy;
    }

    /// <summary>Throws unless <paramref name="copy"/> holds what <paramref name="source"/> held.</summary>
    public static void Verify(ObjectInfo source, ObjectInfo copy)
    {
        // A copy of a segmented object may be stored whole, with an ETag of its own: compare sizes then.
        var sameEtag = source.IsSegmented || copy.IsSegmented || ETags.Normalize(source.ETag) == ETags.Normalize(copy.ETag);
        if (source.Size != copy.Size || !sameEtag)
            throw new IntegrityException("rename", copy.Key,
                $"the copy holds {copy.Size} bytes (ETag {copy.ETag}) but the source held {source.Size} (ETag {source.ETag}); the source was kept");
    }
}
