namespace MountStore.Core.Storage;

/// <summary>
/// One container or bucket, seen as a flat space of keys. Everything the filesystem needs from
/// a store and nothing more: it never sees a path or an inode, and the filesystem never sees an
/// HTTP header. Every failure is an <see cref="ObjectStoreException"/> subtype.
/// </summary>
public interface IObjectStore
{
    /// <summary>Where this store points, for logs and errors, e.g. <c>swift://photos</c>. Never holds a secret.</summary>
    string Description { get; }

    /// <summary>What this store can hold: name length, part sizes and counts, object size.</summary>
    StoreLimits Limits { get; }

    /// <summary>
    /// Checks that the credentials work and the container exists. Throws
    /// <see cref="AuthenticationFailedException"/> or <see cref="ContainerNotFoundException"/>.
    /// </summary>
    Task VerifyAccessAsync(CancellationToken cancellationToken);

    /// <summary>
    /// One page of the keys under <paramref name="prefix"/>, in the store's byte order. With a
    /// delimiter, keys that continue past it after the prefix are rolled up into
    /// <see cref="ListingPage.CommonPrefixes"/>. Pass the page's <see cref="ListingPage.ContinuationToken"/>
    /// back to get the next page; null means the listing is complete.
    /// </summary>
    Task<ListingPage> ListAsync(ListRequest request, CancellationToken cancellationToken);

    /// <summary>Size, ETag, dates, content type and user metadata of one object; null when absent.</summary>
    Task<ObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// The object's bytes, or the bytes of <paramref name="range"/>. A range that starts at or
    /// past the end yields an empty stream; one that runs past the end is cut at the end.
    /// Throws <see cref="ObjectNotFoundException"/> when the object is absent.
    /// </summary>
    Task<ObjectContent> GetAsync(string key, ByteRange? range, CancellationToken cancellationToken);

    /// <summary>
    /// As <see cref="GetAsync(string, ByteRange?, CancellationToken)"/>, but only from the version
    /// <paramref name="ifMatch"/> names (when not null): the request is conditional on it (HTTP
    /// If-Match), and if the object is another version now, or gone, it throws
    /// <see cref="ObjectChangedException"/> and returns no bytes. A server that refuses the
    /// condition for an unchanged object (RGW's Swift API for large objects) is detected and the
    /// GET sent without it; the caller still checks the answer's ETag.
    /// </summary>
    Task<ObjectContent> GetAsync(string key, ByteRange? range, string? ifMatch, CancellationToken cancellationToken);

    /// <summary>
    /// Writes a whole object in one request, replacing any previous one (and, on stores that keep
    /// them apart, the previous version's segments). The bytes are checked against the ETag the
    /// store returns. A non-seekable stream is not retried once sending has begun. A condition in
    /// <paramref name="options"/> that does not hold is a <see cref="WriteConflictException"/>.
    /// </summary>
    Task<ObjectInfo> PutAsync(string key, Stream content, ObjectWriteOptions options, CancellationToken cancellationToken);

    /// <summary>
    /// Server-side copy of <paramref name="sourceKey"/> to <paramref name="destinationKey"/>, an
    /// independent object afterwards. With <paramref name="replaceMetadata"/> the copy gets exactly
    /// that user metadata; without, it keeps the source's.
    /// </summary>
    Task<ObjectInfo> CopyAsync(string sourceKey, string destinationKey, IReadOnlyDictionary<string, string>? replaceMetadata, CancellationToken cancellationToken);

    /// <summary>
    /// Gives <paramref name="sourceKey"/> the name <paramref name="destinationKey"/>: a server-side
    /// copy, checked against the source, then the source is deleted. Replaces any object at the
    /// destination. A large object keeps its segments (Swift copies the manifest, not the bytes).
    /// If anything fails the source is still there.
    /// </summary>
    Task<ObjectInfo> RenameAsync(string sourceKey, string destinationKey, CancellationToken cancellationToken);

    /// <summary>
    /// As <see cref="RenameAsync(string, string, CancellationToken)"/>, replacing an object at the
    /// destination only if it is one of <paramref name="destinationVersions"/> (null: any), where
    /// the store can tell (Swift: one HEAD); else <see cref="WriteConflictException"/> and nothing
    /// moves. S3 renames without looking.
    /// </summary>
    Task<ObjectInfo> RenameAsync(string sourceKey, string destinationKey, IReadOnlyCollection<string>? destinationVersions, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes an object, and its segments for a large object. Deleting an absent object is not
    /// an error (stores answer that differently; callers know from their cache what existed).
    /// </summary>
    Task DeleteAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// As <see cref="DeleteAsync(string, CancellationToken)"/>, but only an object that is one of
    /// <paramref name="versions"/> (its ETag as a listing or a HEAD spells it; null: any): where
    /// the store can tell (Swift, which looks at the object before deleting it anyway), another
    /// version is left in place and <see cref="WriteConflictException"/> thrown. Stores that delete
    /// without looking (S3) delete whatever is there.
    /// </summary>
    Task DeleteAsync(string key, IReadOnlyCollection<string>? versions, CancellationToken cancellationToken);

    /// <summary>
    /// True when <see cref="DeleteAsync(string, IReadOnlyCollection{string}, CancellationToken)"/>
    /// asks about the object before deleting it (Swift: a HEAD, for its kind and version). A
    /// caller that asked moments ago can hand that answer to
    /// <see cref="DeleteAsync(string, IReadOnlyCollection{string}, ObjectInfo, CancellationToken)"/>
    /// and spare the delete its round trip.
    /// </summary>
    bool InspectsBeforeDelete => false;

    /// <summary>
    /// As <see cref="DeleteAsync(string, IReadOnlyCollection{string}, CancellationToken)"/>, with
    /// <paramref name="inspected"/>: what <see cref="HeadAsync"/> answered for
    /// <paramref name="key"/> moments ago, taken instead of asking again. Never a listing entry:
    /// a listing cannot tell a large object from a plain one on every server. How old an answer
    /// may be is the caller's decision. A store that does not look before deleting ignores it.
    /// </summary>
    Task DeleteAsync(string key, IReadOnlyCollection<string>? versions, ObjectInfo inspected, CancellationToken cancellationToken) =>
        DeleteAsync(key, versions, cancellationToken);

    /// <summary>
    /// Starts an upload made of numbered parts (Swift SLO, S3 multipart). Nothing is visible
    /// under <paramref name="key"/> until <see cref="ISegmentedUpload.CompleteAsync"/> succeeds;
    /// a condition in <paramref name="options"/> is checked there.
    /// </summary>
    Task<ISegmentedUpload> BeginSegmentedUploadAsync(string key, ObjectWriteOptions options, CancellationToken cancellationToken);
}
