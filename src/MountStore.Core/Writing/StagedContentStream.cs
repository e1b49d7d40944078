using Microsoft.Win32.SafeHandles;

namespace MountStore.Core.Writing;

/// <summary>
/// Reads a staging file by position without owning its handle (a FileStream would close it), and
/// seeks, so an upload that breaks off can be sent again from the start.
/// </summary>
internal sealed class StagedContentStream(SafeFileHandle file, long length) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length => length;
    public override long Position { get; set; }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var count = (int)Math.Min(buffer.Length, Math.Max(0, length - Position));
        if (count == 0) return 0;
        var got = RandomAccess.Read(file, buffer[..count], Position);
        Position += got;
        return got;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var count = (int)Math.Min(buffer.Length, Math.Max(0, length - Position));
        if (count == 0) return 0;
        var got = await RandomAccess.ReadAsync(file, buffer[..count], Position, cancellationToken).ConfigureAwait(false);
        Position += got;
        return got;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => Position + offset,
        _ => length + offset,
    };

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
