namespace MountStore.Core.Prefetch;

/// <summary>
/// The bytes of one read as slices of the read-ahead buffers holding them, valid until disposed.
/// Lets the FUSE layer reply straight from those buffers with one vectored write, no copy.
/// </summary>
public sealed class ReadResult : IDisposable
{
    private readonly List<FetchedRange> _ranges;
    private bool _disposed;

    internal ReadResult(List<ReadOnlyMemory<byte>> segments, List<FetchedRange> ranges)
    {
        Segments = segments;
        _ranges = ranges;
        Length = segments.Sum(s => s.Length);
    }

    /// <summary>The first <paramref name="length"/> bytes of an array (reads of a file with unsaved changes).</summary>
    public static ReadResult FromArray(byte[] buffer, int length) => length == 0 ? Empty : new([buffer.AsMemory(0, length)], []);

    /// <summary>An empty read (at or past the end of the file).</summary>
    public static ReadResult Empty { get; } = new([], []);

    /// <summary>The bytes, in order.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> Segments { get; }

    /// <summary>Total bytes.</summary>
    public int Length { get; }

    /// <summary>Copies the bytes into <paramref name="destination"/>; returns how many.</summary>
    public int CopyTo(Memory<byte> destination)
    {
        var at = 0;
        foreach (var segment in Segments)
        {
            segment.CopyTo(destination[at..]);
            at += segment.Length;
        }
        return at;
    }

    /// <summary>Lets the buffers go back to the pool.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        foreach (var range in _ranges)
            range.Release();
    }
}
