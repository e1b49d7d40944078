using System.Security.Cryptography;
using MountStore.Testing;

namespace MountStore.Mount.Tests;

/// <summary>The write path through an s3:// mount, checked through the Swift API of the same server.</summary>
[Collection(MountCollection.Name)]
public class S3WriteMountTests(S3WritableMount mount) : IClassFixture<S3WritableMount>
{
    [Fact]
    public async Task A_large_write_becomes_a_multipart_object_and_rename_and_rm_follow_it()
    {
        var folder = Path.Combine(mount.Root, "s3-" + Guid.NewGuid().ToString("N")[..8]);
        var prefix = Path.GetFileName(folder) + "/";
        Directory.CreateDirectory(folder);
        var data = new byte[40 << 20];
        new Random(7).NextBytes(data);
        await File.WriteAllBytesAsync(Path.Combine(folder, "big.bin"), data);
        using var viaSwift = LocalSwiftServer.SwiftStore(mount.Container);
        Assert.True((await viaSwift.HeadAsync(prefix + "big.bin", CancellationToken.None))!.IsSegmented); // s3api keeps a multipart upload as an SLO

        File.Move(Path.Combine(folder, "big.bin"), Path.Combine(folder, "moved.bin"));
        var head = await viaSwift.HeadAsync(prefix + "moved.bin", CancellationToken.None);
        Assert.Equal(data.Length, head!.Size);
        Assert.Null(await viaSwift.HeadAsync(prefix + "big.bin", CancellationToken.None));
        using (var content = await viaSwift.GetAsync(prefix + "moved.bin", null, CancellationToken.None))
            Assert.Equal(SHA256.HashData(data), await SHA256.HashDataAsync(content.Stream));

        Directory.Delete(folder, recursive: true);
        Assert.Null(await viaSwift.HeadAsync(prefix + "moved.bin", CancellationToken.None));
        Assert.False(Directory.Exists(folder));
    }
}
