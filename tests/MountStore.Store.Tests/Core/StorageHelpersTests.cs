using MountStore.Core.Storage;
using MountStore.Core.Model;

namespace MountStore.Store.Tests.Core;

/// <summary>ETag arithmetic and key ordering shared by both stores.</summary>
public sealed class StorageHelpersTests
{
    [Fact]
    public void Utf8_order_puts_supplementary_characters_after_the_bmp_as_bytes_do()
    {
        var keys = new List<string> { "😀", "～", "a", "A", "é" };
        keys.Sort(Utf8Order.Instance);
        Assert.Equal(["A", "a", "é", "～", "😀"], keys);
        // the UTF-16 ordinal order disagrees, which is why Utf8Order exists
        Assert.True(string.CompareOrdinal("😀", "～") < 0);
    }

    [Fact]
    public void Multipart_etag_is_md5_of_binary_part_md5s_with_the_part_count()
    {
        var a = ETags.Md5Hex("part one"u8);
        var b = ETags.Md5Hex("part two"u8);
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(
            Convert.FromHexString(a).Concat(Convert.FromHexString(b)).ToArray())) + "-2";
        Assert.Equal(expected, ETags.MultipartS3([a, "\"" + b.ToUpperInvariant() + "\""]));
    }

    [Fact]
    public void Swift_slo_etag_is_md5_of_the_joined_hex_etags()
    {
        var a = ETags.Md5Hex("x"u8);
        var b = ETags.Md5Hex("y"u8);
        Assert.Equal(ETags.Md5Hex(System.Text.Encoding.ASCII.GetBytes(a + b)), ETags.SwiftSlo([a, b]));
    }

    [Fact]
    public void Key_validation_counts_utf8_bytes()
    {
        var limits = new StoreLimits { MaxKeyBytes = 10 };
        limits.ValidateKey("PUT", "ééééé"); // 10 bytes
        var e = Assert.Throws<InvalidObjectNameException>(() => limits.ValidateKey("PUT", "éééééa"));
        Assert.Contains("11 bytes", e.Message);
        Assert.Throws<InvalidObjectNameException>(() => limits.ValidateKey("PUT", ""));
    }
}
