using System.Text.Json.Serialization;
using MountStore.Core.Model;

namespace MountStore.Core.Writing;

/// <summary>
/// A file whose close() returned before it reached the store, as recorded on disk beside its
/// bytes: everything a later mount needs to upload it as the writer would have (the key, mode,
/// owner and times, other tools' metadata kept, and the version it replaces, so the upload stays
/// conditional), and what went wrong with it so far.
/// </summary>
public sealed record PendingUpload(
    string Id,
    string Key,
    long Length,
    NodeKind Kind,
    uint Permissions,
    uint? Uid,
    uint? Gid,
    DateTimeOffset? ModifiedTime,
    DateTimeOffset? AccessTime,
    DateTimeOffset ClosedAt,
    Dictionary<string, string>? ForeignMetadata,
    string? BaseVersion,
    bool ExistsInStore,
    string? LastError = null)
{
    /// <summary>
    /// SHA-256 of the bytes, for a record kept in its data file's attribute with one flush: a
    /// crash during that flush may leave the record on disk without all the bytes, and this is
    /// how the next mount tells (the close never returned: the file is reported, not uploaded).
    /// </summary>
    public string? Sha256 { get; init; }
}

[JsonSerializable(typeof(PendingUpload))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
internal sealed partial class PendingUploadJson : JsonSerializerContext;
