using System.Net;
using System.Security.Cryptography;

namespace MountStore.Core.Storage;

/// <summary>
/// A request body from memory that hashes each slice just before sending it, so the MD5 of a
/// part costs no time of its own: the server reads one slice while the next one is hashed.
/// Hashing the whole part first, then sending it, put 20-40 ms of MD5 in front of every
/// segment's PUT. The hash is checked against the ETag the store answers with.
/// </summary>
public sealed class Md5MemoryContent(ReadOnlyMemory<byte> data) : HttpContent
{
    // large enough that the socket write per slice is cheap, small enough that the server is
    // never kept waiting long for the first bytes
    private const int SliceBytes = 256 * 1024;

    private string? _md5;

    /// <summary>Hex MD5 of the body, once it was sent whole; null before.</summary>
    public string? SentMd5 => _md5;

    /// <inheritdoc />
    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    /// <inheritdoc />
    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        for (var at = 0; at < data.Length; at += SliceBytes)
        {
            var slice = data.Slice(at, Math.Min(SliceBytes, data.Length - at));
            md5.AppendData(slice.Span);
            await stream.WriteAsync(slice, cancellationToken).ConfigureAwait(false);
        }
        _md5 = Convert.ToHexStringLower(md5.GetHashAndReset());
    }

    /// <inheritdoc />
    protected override bool TryComputeLength(out long length)
    {
        length = data.Length;
        return true;
    }
}
