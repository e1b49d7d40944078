using System.Text;
using MountStore.Core.Storage;

namespace MountStore.Testing;

/// <summary>Puts small UTF-8 text objects, the way most test set-up needs them.</summary>
public static class ObjectStoreText
{
    /// <summary>Writes <paramref name="text"/> to <paramref name="key"/> with an optional content type and metadata.</summary>
    public static Task<ObjectInfo> PutTextAsync(this IObjectStore store, string key, string text, string? contentType = null, Dictionary<string, string>? metadata = null) =>
        store.PutAsync(key, new MemoryStream(Encoding.UTF8.GetBytes(text)), new ObjectWriteOptions { ContentType = contentType, Metadata = metadata ?? ObjectInfo.NoMetadata }, CancellationToken.None);
}
