using MountStore.Core.Model;
using MountStore.Core.Storage;

namespace MountStore.Core.Writing;

/// <summary>The object metadata format as a store write takes it.</summary>
public static class FileMetadataWriteOptions
{
    /// <summary>How to write an object with this metadata, keeping <paramref name="foreign"/> keys other tools set.</summary>
    public static ObjectWriteOptions ToWriteOptions(this FileMetadata metadata, IReadOnlyDictionary<string, string>? foreign = null)
    {
        var (values, contentType) = metadata.Write(foreign);
        return new ObjectWriteOptions { Metadata = values, ContentType = contentType };
    }
}
