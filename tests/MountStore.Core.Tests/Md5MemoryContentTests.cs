using System.Security.Cryptography;
using MountStore.Core.Storage;

namespace MountStore.Core.Tests;

public sealed class Md5MemoryContentTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(256 * 1024 - 1)]
    [InlineData(256 * 1024)]
    [InlineData(256 * 1024 + 1)]
    [InlineData(3 * 1024 * 1024 + 5)]
    public async Task Sends_the_bytes_whole_and_knows_their_MD5_once_sent(int length)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        using var content = new Md5MemoryContent(bytes);
        Assert.Null(content.SentMd5);
        Assert.Equal(length, content.Headers.ContentLength);

        using var sent = new MemoryStream();
        await content.CopyToAsync(sent);

        Assert.Equal(bytes, sent.ToArray());
        Assert.Equal(Convert.ToHexStringLower(MD5.HashData(bytes)), content.SentMd5);
    }
}
