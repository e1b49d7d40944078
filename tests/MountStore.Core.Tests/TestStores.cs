using MountStore.Core.Storage;
using MountStore.Core.Writing;
using MountStore.Testing;

namespace MountStore.Core.Tests;

/// <summary>Small helpers to fill an in-memory store.</summary>
internal static class TestStores
{
    public static async Task PutAsync(this IObjectStore store, string key, byte[] bytes) =>
        await store.PutAsync(key, new MemoryStream(bytes), new ObjectWriteOptions(), CancellationToken.None);

    /// <summary>An in-memory store with S3's 5 MiB minimum part, as the write tests use it.</summary>
    public static InMemoryObjectStore ForWriting() => new(new StoreLimits { MinPartBytes = 5 << 20, MaxParts = 10_000 });

    /// <summary>A Swift-like store: its segments can become an object under any key.</summary>
    public static InMemoryObjectStore SwiftLike() => new(new StoreLimits { MinPartBytes = 1, MaxParts = 1_000, PartsCanMoveToAnotherKey = true });

    /// <summary>Small parts, two in flight, a 40 MiB buffer: multipart behaviour at test sizes.</summary>
    public static WriteOptions SmallParts(string stagingDirectory) =>
        new() { PartBytes = 5 << 20, MaxPartsInFlight = 2, MemoryBudgetBytes = 40L << 20, StagingDirectory = stagingDirectory };

    /// <summary>Deterministic bytes whose value depends on their position, so misplaced bytes show.</summary>
    public static byte[] Pattern(int length, int seed = 7)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
