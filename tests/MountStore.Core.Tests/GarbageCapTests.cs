using MountStore.Core.Memory;

namespace MountStore.Core.Tests;

public sealed class GarbageCapTests
{
    private const long Cap = 8L << 20;
    private static byte[]? _lastChunk;

    /// <summary>A cap over a scripted heap that has taken its first look (its starting point).</summary>
    private static (ScriptedHeap Heap, GarbageCap Cap) Looked()
    {
        var heap = new ScriptedHeap();
        var cap = GarbageCap.Manual(Cap, heap);
        cap.Check();
        return (heap, cap);
    }

    [Fact]
    public void Nothing_is_collected_while_the_garbage_stays_under_the_cap()
    {
        var heap = new ScriptedHeap();
        var cap = GarbageCap.Manual(Cap, heap);
        Assert.False(cap.Check()); // the first look only takes the starting point
        heap.Allocate(Cap);
        Assert.False(cap.Check());
        Assert.Equal(0, heap.CollectionsAsked);
    }

    [Fact]
    public void Past_the_cap_one_young_collection_is_asked_for_and_the_count_starts_again_from_it()
    {
        var (heap, cap) = Looked();
        heap.Allocate(Cap + 1);
        Assert.True(cap.Check());
        Assert.Equal(1, heap.CollectionsAsked);
        Assert.False(cap.Check()); // nothing allocated since
        heap.Allocate(Cap);
        Assert.False(cap.Check());
        heap.Allocate(1);
        Assert.True(cap.Check());
        Assert.Equal(2, cap.CollectionsAsked);
    }

    [Fact]
    public void A_collection_the_runtime_made_on_its_own_restarts_the_count_at_the_next_look()
    {
        var (heap, cap) = Looked();
        heap.Allocate(Cap - 1);
        heap.CollectYoungByRuntime();
        heap.Allocate(Cap - 1);
        Assert.False(cap.Check()); // 2 caps allocated, but the runtime collected: the count starts here
        heap.Allocate(Cap);
        Assert.False(cap.Check());
        heap.Allocate(1);
        Assert.True(cap.Check());
        Assert.Equal(1, heap.CollectionsAsked);
    }

    [Fact]
    public void On_the_real_heap_garbage_never_outgrows_the_cap_by_more_than_what_is_allocated_between_two_looks()
    {
        var cap = GarbageCap.Manual(Cap, GarbageCap.Runtime);
        var collectionsBefore = GC.CollectionCount(0);
        cap.Check();
        const int chunk = 32 << 10, chunksPerLook = 32; // a look after every MiB
        long garbage = 0;
        for (var i = 0; i < 64 * chunksPerLook; i++)
        {
            Volatile.Write(ref _lastChunk, new byte[chunk]); // kept in a field, so no allocation is optimised away
            garbage += chunk;
            if (i % chunksPerLook == chunksPerLook - 1)
                cap.Check();
        }
        // 64 MiB of garbage, a look after each MiB, a cap of 8 MiB: a young collection (ours, or
        // the runtime's when other tests allocate too) at least every 9 MiB.
        Assert.Equal(64L << 20, garbage);
        Assert.True(GC.CollectionCount(0) - collectionsBefore >= 7, $"{GC.CollectionCount(0) - collectionsBefore} young collections for 64 MiB of garbage");
    }

    [Fact]
    public void A_budget_the_user_set_for_the_runtime_wins_and_no_cap_is_started()
    {
        Assert.Null(GarbageCap.Start(Cap, GarbageCap.DefaultCheckInterval, new Dictionary<string, string?> { ["DOTNET_GCgen0size"] = "0x4000000" }));
        Assert.Null(GarbageCap.Start(Cap, GarbageCap.DefaultCheckInterval, new Dictionary<string, string?> { ["COMPlus_GCgen0size"] = "0x4000000" }));
        using var started = GarbageCap.Start(Cap, GarbageCap.DefaultCheckInterval, new Dictionary<string, string?> { ["DOTNET_GCgen0size"] = "" });
        Assert.NotNull(started);
    }

    /// <summary>A heap whose allocations and collections the test makes.</summary>
    private sealed class ScriptedHeap : IManagedHeap
    {
        public long AllocatedBytes { get; private set; }

        public int YoungCollections { get; private set; }

        public int CollectionsAsked { get; private set; }

        public void Allocate(long bytes) => AllocatedBytes += bytes;

        public void CollectYoungByRuntime() => YoungCollections++;

        public void CollectYoung()
        {
            YoungCollections++;
            CollectionsAsked++;
        }
    }
}
