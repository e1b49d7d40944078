using System.Text;
using MountStore.Core.Storage;

namespace MountStore.Testing;

/// <summary>Puts small UTF-8 text objects, the way most test set-up needs them.</summary>
public static class ObjectStoreText
{
    /// <summary>Writes <paramref name="text"/> to <paramref name="key"/> with an optional content type and metadata.</summary>
    public static Task<ObjectInfo> PutTextAsync(this IObjectStore store, string key, string text, string? contentType = null, Dictionary<string, string>? metadata = null) =>
        store.PutAsync(key, new MemoryStream(Encoding.UTF8.GetBytes(text)), new ObjectWriteOptions { ContentType = contentType, Metadata = metadata ?? ObjectInfo.NoMetadata }, CancellationToken.None);

    /// <summary>The whole object's bytes.</summary>
    public static async Task<byte[]> ReadAllBytesAsync(this IObjectStore store, string key)
    {
        await using var content = await store.GetAsync(key, null, CancellationToken.None);
        using var copy = new MemoryStream();
        await content.Stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    /// <summary>The whole object as UTF-8 text.</summary>
    public static async Task<string> ReadTextAsync(this IObjectStore store, string key)
    {
        await using var content = await store.GetAsync(key, null, CancellationToken.None);
        using var reader = new StreamReader(content.Stream, Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }
}
