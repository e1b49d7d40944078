namespace MountStore.Core.Memory;

/// <summary>
/// Keeps the garbage on the managed heap under a fixed amount. The runtime sizes its youngest
/// generation from the CPU's largest cache, and a machine or VM that reports a cache of hundreds
/// of MB (the test machines report 260 MiB) lets over 100 MB of garbage pile up before the first
/// collection: the mount's resident memory grows by that much on top of --memory-limit, and no
/// limit of ours covers it. The runtime's own knob (DOTNET_GCgen0size) is read only from the
/// environment, before the program starts. This does the same from inside: a timer looks at what
/// was allocated since the last collection, and past the cap asks for a collection of the
/// youngest generation, which costs well under a millisecond when little of it survives, as on
/// a mount's paths (buffers are native memory, not managed).
/// </summary>
public sealed class GarbageCap : IDisposable
{
    private readonly long _capBytes;
    private readonly IManagedHeap _heap;
    private readonly Timer? _timer;
    private readonly TimeSpan _busyInterval;
    private long _allocatedAtLastCollection, _allocatedAtLastCheck;
    private int _collectionsSeen = -1, _checking, _collectionsAsked;

    /// <summary>8 MiB: about the youngest generation of a machine with a usual (10-16 MB) cache.</summary>
    public const long DefaultCapBytes = 8L << 20;

    /// <summary>How often the timer looks while the mount allocates: at the highest rates measured (tens of MB/s) a few MB get past the cap.</summary>
    public static readonly TimeSpan DefaultCheckInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>How often it looks while nothing is allocated, so an idle mount wakes once a second, not ten times.</summary>
    public static readonly TimeSpan IdleCheckInterval = TimeSpan.FromSeconds(1);

    /// <summary>Less than this allocated between two looks is idle.</summary>
    private const long IdleBytes = 256 << 10;

    private GarbageCap(long capBytes, IManagedHeap heap, TimeSpan? checkInterval)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capBytes, 1L << 20);
        _capBytes = capBytes;
        _heap = heap;
        if (checkInterval is { } interval)
        {
            _busyInterval = interval;
            _timer = new Timer(_ => OnTimer(), null, interval, Timeout.InfiniteTimeSpan);
        }
    }

    private void OnTimer()
    {
        Check();
        var allocated = _heap.AllocatedBytes;
        var idle = allocated - Interlocked.Exchange(ref _allocatedAtLastCheck, allocated) < IdleBytes;
        try
        {
            _timer!.Change(idle ? IdleCheckInterval : _busyInterval, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // disposed while this callback ran: the mount is ending
        }
    }

    /// <summary>
    /// Starts capping the garbage of this process, unless the environment already sets the
    /// runtime's own budget (the user chose one: theirs wins), in which case it returns null.
    /// </summary>
    public static GarbageCap? Start(long capBytes, TimeSpan checkInterval, IReadOnlyDictionary<string, string?> environment)
    {
        foreach (var prefix in new[] { "DOTNET_", "COMPlus_" })
        {
            if (!string.IsNullOrEmpty(environment.GetValueOrDefault(prefix + "GCgen0size")))
                return null;
        }
        return new GarbageCap(capBytes, RuntimeHeap.Instance, checkInterval);
    }

    /// <summary>A cap over <paramref name="heap"/> that checks only when <see cref="Check"/> is called (for tests).</summary>
    internal static GarbageCap Manual(long capBytes, IManagedHeap heap) => new(capBytes, heap, checkInterval: null);

    /// <summary>Collections this cap asked for.</summary>
    public int CollectionsAsked => Volatile.Read(ref _collectionsAsked);

    /// <summary>Asks for a collection of the youngest generation if more than the cap was allocated since the last one; true if it did.</summary>
    public bool Check()
    {
        // A slow collection must not pile up timer callbacks behind it.
        if (Interlocked.Exchange(ref _checking, 1) == 1)
            return false;
        try
        {
            var allocated = _heap.AllocatedBytes;
            var collections = _heap.YoungCollections;
            if (collections != _collectionsSeen)
            {
                // The runtime collected on its own (or this is the first look): count from here.
                _collectionsSeen = collections;
                _allocatedAtLastCollection = allocated;
                return false;
            }
            if (allocated - _allocatedAtLastCollection <= _capBytes)
                return false;
            _heap.CollectYoung();
            Interlocked.Increment(ref _collectionsAsked);
            _collectionsSeen = _heap.YoungCollections;
            _allocatedAtLastCollection = _heap.AllocatedBytes;
            return true;
        }
        finally
        {
            Volatile.Write(ref _checking, 0);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _timer?.Dispose();

    /// <summary>The runtime's managed heap.</summary>
    internal static IManagedHeap Runtime => RuntimeHeap.Instance;

    private sealed class RuntimeHeap : IManagedHeap
    {
        public static readonly RuntimeHeap Instance = new();

        public long AllocatedBytes => GC.GetTotalAllocatedBytes(precise: false);

        public int YoungCollections => GC.CollectionCount(0);

        public void CollectYoung() => GC.Collect(0, GCCollectionMode.Forced, blocking: true, compacting: false);
    }
}
