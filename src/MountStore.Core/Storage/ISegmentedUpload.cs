namespace MountStore.Core.Storage;

/// <summary>
/// An upload in numbered parts. Parts may be sent in any order and in parallel; each is checked
/// against the checksum the store returns. Complete assembles them in part-number order.
/// Abort (or a failed Complete followed by Abort) leaves neither an object nor parts behind.
/// </summary>
public interface ISegmentedUpload
{
    /// <summary>The key the finished object will have.</summary>
    string Key { get; }

    /// <summary>Uploads part <paramref name="partNumber"/> (1-based). Sending the same number again replaces it.</summary>
    Task<UploadedPart> UploadPartAsync(int partNumber, ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>
    /// Makes the object visible, built from <paramref name="parts"/> in part-number order, after
    /// checking that the store holds exactly those parts. Replaces any previous object, unless
    /// the upload's condition does not hold: then it throws <see cref="WriteConflictException"/>
    /// and the parts stay, for <see cref="CompleteUnderAsync"/> or <see cref="AbortAsync"/>.
    /// </summary>
    Task<ObjectInfo> CompleteAsync(IReadOnlyList<UploadedPart> parts, CancellationToken cancellationToken);

    /// <summary>True when the parts can become an object under another key than the one the upload began with (Swift: yes; S3: no).</summary>
    bool CanCompleteUnderAnotherKey { get; }

    /// <summary>
    /// Makes the object visible under <paramref name="key"/> instead, with no condition: where a
    /// writer that lost a conflict keeps its bytes. Only when <see cref="CanCompleteUnderAnotherKey"/>.
    /// </summary>
    Task<ObjectInfo> CompleteUnderAsync(string key, IReadOnlyList<UploadedPart> parts, CancellationToken cancellationToken);

    /// <summary>Removes every part uploaded so far. Safe to call more than once.</summary>
    Task AbortAsync(CancellationToken cancellationToken);
}

/// <summary>One stored part: its number, size and the MD5 we computed and the store confirmed.</summary>
public sealed record UploadedPart(int PartNumber, long Size, string ETag);
