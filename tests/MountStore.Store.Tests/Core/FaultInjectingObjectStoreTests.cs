using MountStore.Core.Storage;
using MountStore.Testing;
using static MountStore.Testing.FaultInjectingObjectStore;

namespace MountStore.Store.Tests.Core;

/// <summary>The failure-injecting wrapper does what later tests rely on.</summary>
public sealed class FaultInjectingObjectStoreTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Failing_the_second_put_fails_only_that_one_and_stores_nothing_for_it()
    {
        var memory = new InMemoryObjectStore();
        var store = new FaultInjectingObjectStore(memory).FailNth(StoreCall.Put, 2);

        await store.PutAsync("a", new MemoryStream([1]), ObjectWriteOptions.Default, None);
        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.PutAsync("b", new MemoryStream([2]), ObjectWriteOptions.Default, None));
        await store.PutAsync("c", new MemoryStream([3]), ObjectWriteOptions.Default, None);

        Assert.Equal(3, store.CountOf(StoreCall.Put));
        Assert.Null(await memory.HeadAsync("b", None));
        Assert.Equal(2, memory.Count);
    }

    [Fact]
    public async Task Part_uploads_can_fail_from_the_nth_on_and_abort_leaves_nothing()
    {
        var memory = new InMemoryObjectStore();
        var store = new FaultInjectingObjectStore(memory).FailFrom(StoreCall.UploadPart, 2);
        var upload = await store.BeginSegmentedUploadAsync("big", ObjectWriteOptions.Default, None);

        await upload.UploadPartAsync(1, new byte[10], None);
        await Assert.ThrowsAsync<StoreUnavailableException>(() => upload.UploadPartAsync(2, new byte[10], None));
        await upload.AbortAsync(None);

        Assert.Equal(0, memory.PendingPartCount);
        Assert.Equal(0, memory.PendingUploadCount);
        Assert.Null(await memory.HeadAsync("big", None));
    }

    [Fact]
    public async Task A_get_stream_breaks_after_k_bytes_like_a_reset_connection()
    {
        var memory = new InMemoryObjectStore();
        await memory.PutAsync("k", new MemoryStream(new byte[1000]), ObjectWriteOptions.Default, None);
        var store = new FaultInjectingObjectStore(memory).ResetGetStreamsAfter(300);

        await using var content = await store.GetAsync("k", null, None);
        var buffer = new byte[1000];
        var read = 0;
        var e = await Assert.ThrowsAsync<IOException>(async () =>
        {
            int n;
            while ((n = await content.Stream.ReadAsync(buffer.AsMemory(read))) > 0) read += n;
        });

        Assert.Equal(300, read);
        Assert.Contains("reset", e.Message);
    }

    [Fact]
    public async Task Heal_removes_every_fault()
    {
        var store = new FaultInjectingObjectStore(new InMemoryObjectStore()).FailFrom(StoreCall.Head, 1);
        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.HeadAsync("x", None));

        store.Heal();

        Assert.Null(await store.HeadAsync("x", None));
    }

    [Fact]
    public async Task A_delay_holds_the_call_until_cancelled()
    {
        var store = new FaultInjectingObjectStore(new InMemoryObjectStore()).Delay(StoreCall.List, TimeSpan.FromMinutes(5));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.ListAsync(new ListRequest(""), cts.Token));
    }
}
