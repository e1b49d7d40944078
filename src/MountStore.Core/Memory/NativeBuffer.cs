using System.Buffers;
using System.Runtime.InteropServices;

namespace MountStore.Core.Memory;

/// <summary>
/// A read-ahead buffer outside the GC heap. Multi-megabyte arrays would live on the large object
/// heap, be collected only by full GCs, and keep RSS far above what is in use; native blocks are
/// freed (or pooled) exactly when the last reader lets go. Pinning is free, so replies to the
/// kernel go straight from here.
/// </summary>
public sealed unsafe class NativeBuffer : MemoryManager<byte>
{
    private byte* _pointer;

    /// <summary>Allocates <paramref name="length"/> bytes, page aligned.</summary>
    public NativeBuffer(int length)
    {
        Length = length;
        _pointer = (byte*)NativeMemory.AlignedAlloc((nuint)length, 4096);
    }

    /// <summary>Size in bytes.</summary>
    public int Length { get; }

    /// <inheritdoc />
    public override Span<byte> GetSpan() => new(_pointer, Length);

    /// <summary>
    /// A seekable read-only stream over the first <paramref name="length"/> bytes, so an upload
    /// can be retried from the start without copying. Valid while the buffer is.
    /// </summary>
    public Stream AsStream(int length) => new UnmanagedMemoryStream(_pointer, length);

    /// <inheritdoc />
    public override MemoryHandle Pin(int elementIndex = 0) => new(_pointer + elementIndex);

    /// <inheritdoc />
    public override void Unpin()
    {
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (_pointer is null)
            return;
        NativeMemory.AlignedFree(_pointer);
        _pointer = null;
    }
}
