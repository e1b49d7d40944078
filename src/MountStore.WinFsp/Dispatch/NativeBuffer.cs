using System.Buffers;

namespace MountStore.WinFsp.Dispatch;

/// <summary>
/// WinFsp's request buffer as <see cref="Memory{T}"/>, so Core reads into it and writes from it
/// directly. WinFsp keeps the buffer valid until the request is answered, which is after the
/// task using this memory has finished; nothing may hold the memory past that.
/// </summary>
internal sealed unsafe class NativeBuffer(void* pointer, int length) : MemoryManager<byte>
{
    public override Span<byte> GetSpan() => new(pointer, length);

    // The memory is WinFsp's and never moves.
    public override MemoryHandle Pin(int elementIndex = 0) => new((byte*)pointer + elementIndex);

    public override void Unpin()
    {
    }

    protected override void Dispose(bool disposing)
    {
    }
}
