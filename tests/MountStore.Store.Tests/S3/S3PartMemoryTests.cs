using MountStore.Core.Memory;
using MountStore.Core.Storage;
using MountStore.Testing;

namespace MountStore.Store.Tests.S3;

/// <summary>Tests that measure this process's allocations, so nothing else runs beside them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AllocationMeasuringCollection
{
    public const string Name = "allocation measuring";
}

/// <summary>S3 parts go up from the native buffer they were written into, without a managed copy.</summary>
[Collection(AllocationMeasuringCollection.Name)]
public sealed class S3PartMemoryTests() : ContainerTestBase("mountstore-s3-parts"), IAsyncLifetime
{
    [Fact]
    public async Task Parts_in_native_buffers_upload_without_being_copied_into_managed_arrays()
    {
        const int partSize = 16 << 20, parts = 3;
        using var store = LocalSwiftServer.S3Store(Container);
        var buffers = Enumerable.Range(0, parts).Select(i =>
        {
            var buffer = new NativeBuffer(partSize);
            new Random(i).NextBytes(buffer.GetSpan());
            return buffer;
        }).ToList();
        var upload = await store.BeginSegmentedUploadAsync("parts.bin", ObjectWriteOptions.Default, CancellationToken.None);
        // warm up the client, so its first-use allocations are not counted
        var sent = new List<UploadedPart> { await upload.UploadPartAsync(1, buffers[0].Memory, CancellationToken.None) };

        var before = GC.GetTotalAllocatedBytes(precise: true);
        for (var i = 1; i < parts; i++)
            sent.Add(await upload.UploadPartAsync(i + 1, buffers[i].Memory, CancellationToken.None));
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        // a copy per part would be 32 MiB; what remains is the client's own per-request overhead
        Assert.True(allocated < 8 << 20, $"{allocated >> 20} MiB allocated to send {parts - 1} parts of {partSize >> 20} MiB");
        var info = await upload.CompleteAsync(sent, CancellationToken.None);
        Assert.Equal((long)parts * partSize, info.Size);
        await using var content = await store.GetAsync("parts.bin", new ByteRange(partSize, 4096), CancellationToken.None);
        var head = new byte[4096];
        await content.Stream.ReadExactlyAsync(head);
        Assert.Equal(buffers[1].GetSpan()[..4096].ToArray(), head);
        await store.DeleteAsync("parts.bin", CancellationToken.None);
        buffers.ForEach(b => ((IDisposable)b).Dispose());
    }
}
