using MountStore.Core.Storage;
using MountStore.Testing;

namespace MountStore.Core.Tests;

/// <summary>Small helpers to fill an in-memory store.</summary>
internal static class TestStores
{
    public static async Task PutAsync(this IObjectStore store, string key, byte[] bytes) =>
        await store.PutAsync(key, new MemoryStream(bytes), new ObjectWriteOptions(), CancellationToken.None);

    /// <summary>Deterministic bytes whose value depends on their position, so misplaced bytes show.</summary>
    public static byte[] Pattern(int length, int seed = 7)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
