using System.Text.Json.Serialization;

namespace MountStore.Core.DiskCache;

/// <summary>
/// What is saved beside a cached object's data file: which object version the bytes belong to
/// and which ranges of it are present. A later mount trusts exactly these ranges, and only for
/// this ETag.
/// </summary>
internal sealed record CachedObjectState(string Key, string ETag, long Size, List<long[]> Ranges);

[JsonSerializable(typeof(CachedObjectState))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
internal sealed partial class CachedObjectStateJson : JsonSerializerContext;
