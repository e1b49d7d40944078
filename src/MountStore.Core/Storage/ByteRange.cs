namespace MountStore.Core.Storage;

/// <summary>A span of an object's bytes: <see cref="Length"/> bytes from <see cref="Offset"/>.</summary>
public readonly record struct ByteRange
{
    /// <summary>A range of <paramref name="length"/> bytes (at least 1) starting at <paramref name="offset"/>.</summary>
    public ByteRange(long offset, long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        Offset = offset;
        Length = length;
    }

    /// <summary>First byte of the range.</summary>
    public long Offset { get; }

    /// <summary>Number of bytes asked for; fewer come back when the object ends first.</summary>
    public long Length { get; }

    /// <summary>Last byte of the range, inclusive, as HTTP Range headers count.</summary>
    public long LastInclusive => Offset + Length - 1;

    /// <summary>The HTTP form, <c>bytes=first-last</c>.</summary>
    public string ToHttpHeaderValue() => $"bytes={Offset}-{LastInclusive}";
}
