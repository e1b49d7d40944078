using System.Buffers.Binary;
using System.Security.Cryptography;

namespace MountStore.Testing;

/// <summary>
/// Test content where every byte is a function of its position, so any range of a large object
/// can be checked without keeping the object, and a byte read from the wrong offset shows.
/// </summary>
public static class PositionPattern
{
    /// <summary>Fills <paramref name="destination"/> with the bytes at <paramref name="offset"/>.</summary>
    public static void Fill(long offset, Span<byte> destination, ulong seed = 1)
    {
        Span<byte> block = stackalloc byte[8];
        var at = 0;
        while (at < destination.Length)
        {
            var position = offset + at;
            BinaryPrimitives.WriteUInt64LittleEndian(block, Mix((ulong)(position / 8) ^ (seed * 0x9E3779B97F4A7C15UL)));
            var within = (int)(position % 8);
            var take = Math.Min(8 - within, destination.Length - at);
            block.Slice(within, take).CopyTo(destination[at..]);
            at += take;
        }
    }

    /// <summary>The bytes at [offset, offset + length).</summary>
    public static byte[] Bytes(long offset, int length, ulong seed = 1)
    {
        var bytes = new byte[length];
        Fill(offset, bytes, seed);
        return bytes;
    }

    /// <summary>SHA-256 (hex) of the first <paramref name="length"/> bytes.</summary>
    public static string Sha256(long length, ulong seed = 1)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 20];
        for (long at = 0; at < length; at += buffer.Length)
        {
            var n = (int)Math.Min(buffer.Length, length - at);
            Fill(at, buffer.AsSpan(0, n), seed);
            hash.AppendData(buffer, 0, n);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static ulong Mix(ulong x)
    {
        // splitmix64: cheap, and neighbouring blocks look unrelated
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }
}
