using MountStore.Core.Memory;
namespace MountStore.Core.Prefetch;

/// <summary>
/// One ranged GET into a pooled buffer. Reference counted: the read-ahead queue holds one
/// reference and every read copying from it holds another, so the buffer goes back to the pool
/// only when nobody reads it and the GET has stopped writing into it.
/// </summary>
internal sealed class FetchedRange
{
    private readonly ReadBufferPool _pool;
    private int _references = 1;

    public FetchedRange(long start, int length, NativeBuffer buffer, ReadBufferPool pool)
    {
        Start = start;
        Length = length;
        Buffer = buffer;
        _pool = pool;
    }

    public long Start { get; }

    public int Length { get; }

    public long End => Start + Length;

    public NativeBuffer Buffer { get; }

    /// <summary>Completes when the bytes are in <see cref="Buffer"/>; faults when the GET failed.</summary>
    public Task Completion { get; set; } = Task.CompletedTask;

    public void AddReference() => Interlocked.Increment(ref _references);

    public void Release()
    {
        if (Interlocked.Decrement(ref _references) != 0)
            return;
        if (Completion.IsCompleted)
            _pool.Return(Buffer);
        else
            Completion.ContinueWith(_ => _pool.Return(Buffer), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }
}
