namespace MountStore.Core.Memory;

/// <summary>What <see cref="GarbageCap"/> reads and asks of the managed heap.</summary>
internal interface IManagedHeap
{
    /// <summary>Bytes allocated since the process started.</summary>
    long AllocatedBytes { get; }

    /// <summary>Collections of the youngest generation so far (each older collection counts too).</summary>
    int YoungCollections { get; }

    /// <summary>Collects the youngest generation now.</summary>
    void CollectYoung();
}
