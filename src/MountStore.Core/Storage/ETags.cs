using System.Security.Cryptography;

namespace MountStore.Core.Storage;

/// <summary>The ETag arithmetic both stores share: MD5 as lower-case hex, quotes stripped.</summary>
public static class ETags
{
    /// <summary>The ETag without surrounding quotes, in lower case.</summary>
    public static string Normalize(string? etag) => (etag ?? "").Trim().Trim('"').ToLowerInvariant();

    /// <summary>MD5 of <paramref name="data"/> as lower-case hex: the ETag of a plain object.</summary>
    public static string Md5Hex(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(MD5.HashData(data));

    /// <summary>
    /// The ETag of an object made of parts: MD5 of the concatenated binary MD5s of the parts,
    /// followed by <c>-N</c> on S3; Swift SLO uses the MD5 of the concatenated hex ETags.
    /// </summary>
    public static string MultipartS3(IEnumerable<string> partETags)
    {
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        var count = 0;
        foreach (var etag in partETags)
        {
            md5.AppendData(Convert.FromHexString(Normalize(etag)));
            count++;
        }
        return $"{Convert.ToHexStringLower(md5.GetHashAndReset())}-{count}";
    }

    /// <summary>The ETag Swift gives a Static Large Object: MD5 of its segments' hex ETags joined.</summary>
    public static string SwiftSlo(IEnumerable<string> segmentETags)
    {
        var joined = string.Concat(segmentETags.Select(Normalize));
        return Md5Hex(System.Text.Encoding.ASCII.GetBytes(joined));
    }
}
