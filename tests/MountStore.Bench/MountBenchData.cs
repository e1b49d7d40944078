using System.Text;
using MountStore.Core.Storage;
using MountStore.Testing;

namespace MountStore.Bench;

/// <summary>
/// The container `make bench` reads through MountStore, rclone and s3fs: a 1 GiB SLO, 10,000
/// small objects in 100 folders, and sixteen 64 MiB objects. Written once per server.
/// </summary>
public static class MountBenchData
{
    public const string Container = "mountstore-bench";
    private const string Complete = ".bench-complete-v1";

    public static async Task EnsureAsync()
    {
        await LocalSwiftServer.CreateContainerAsync(Container);
        using var swift = LocalSwiftServer.SwiftStore(Container);
        if (await swift.HeadAsync(Complete, CancellationToken.None) is not null)
        {
            Console.WriteLine($"{Container}: already prepared");
            return;
        }
        Console.WriteLine($"{Container}: writing 1 GiB SLO, 10,000 small objects in 100 folders, 16 x 64 MiB");
        await PatternUploads.WriteAsync(swift, "big.bin", 1L << 30, seed: 11);
        await Parallel.ForEachAsync(Enumerable.Range(0, 10_000), new ParallelOptions { MaxDegreeOfParallelism = 24 }, async (i, ct) =>
            await swift.PutAsync($"tree/d{i / 100:D2}/f{i % 100:D3}.txt", new MemoryStream(Encoding.UTF8.GetBytes($"object {i}\n")), new ObjectWriteOptions(), ct));
        await Parallel.ForEachAsync(Enumerable.Range(0, 16), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, ct) =>
            await swift.PutAsync($"par/p{i:D2}.bin", new MemoryStream(PositionPattern.Bytes(0, 64 << 20, (ulong)(100 + i))), new ObjectWriteOptions(), ct));
        await swift.PutAsync(Complete, new MemoryStream("done"u8.ToArray()), new ObjectWriteOptions(), CancellationToken.None);
    }
}
