using System.Security.Cryptography;
using MountStore.Core.Storage;
using MountStore.Testing;

namespace MountStore.Mount.Tests;

/// <summary>
/// Mounts of the second implementation (Ceph RGW, both APIs) and of a Keystone-protected Swift,
/// driven with real tools and checked through the store layer.
/// </summary>
[Collection(MountCollection.Name)]
public class OtherServerMountTests
{
    internal static IReadOnlyDictionary<string, string> RgwSwiftEnvironment { get; } = new Dictionary<string, string>
    {
        ["ST_AUTH"] = LocalRgw.SwiftAuthUrl.ToString(),
        ["ST_USER"] = LocalRgw.SwiftUser,
        ["ST_KEY"] = LocalRgw.SwiftKey,
    };

    internal static IReadOnlyDictionary<string, string> RgwS3Environment { get; } = new Dictionary<string, string>
    {
        ["AWS_ACCESS_KEY_ID"] = LocalRgw.AccessKey,
        ["AWS_SECRET_ACCESS_KEY"] = LocalRgw.SecretKey,
        ["AWS_ENDPOINT_URL"] = LocalRgw.Endpoint.ToString(),
        ["AWS_REGION"] = "us-east-1",
    };

    private static async Task<(byte[] Data, string Source)> LocalFileAsync(int bytes)
    {
        var data = RandomNumberGenerator.GetBytes(bytes);
        var source = Path.Combine(Path.GetTempPath(), $"mountstore-src-{Guid.NewGuid():N}.bin");
        await File.WriteAllBytesAsync(source, data);
        return (data, source);
    }

    /// <summary>cp a large file in, see its size after a fresh mount (a new listing), check it with sha256sum, mv it, rm it.</summary>
    private static async Task LargeFileRoundTripAsync(string remote, IReadOnlyDictionary<string, string> env, IObjectStore check, string folder)
    {
        var (data, source) = await LocalFileAsync(40 << 20);
        try
        {
            await using (var mount = await MountProcess.StartAsync(remote, env))
            {
                Directory.CreateDirectory(Path.Combine(mount.Directory, folder));
                await Tools.RunAsync("cp", source, Path.Combine(mount.Directory, folder, "big.bin"));
            }
            Assert.True((await check.HeadAsync($"{folder}/big.bin", CancellationToken.None))!.IsSegmented);
            await using (var mount = await MountProcess.StartAsync(remote, env))
            {
                var path = Path.Combine(mount.Directory, folder, "big.bin");
                Assert.Equal(data.Length, new FileInfo(path).Length); // from the listing of a fresh mount
                Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(data)), await Tools.Sha256SumAsync(path));
                await Tools.RunAsync("mv", path, Path.Combine(mount.Directory, folder, "moved.bin"));
                Assert.Equal(data.Length, new FileInfo(Path.Combine(mount.Directory, folder, "moved.bin")).Length);
                await Tools.RunAsync("rm", "-r", Path.Combine(mount.Directory, folder));
            }
            Assert.Null(await check.HeadAsync($"{folder}/big.bin", CancellationToken.None));
            Assert.Null(await check.HeadAsync($"{folder}/moved.bin", CancellationToken.None));
        }
        finally
        {
            File.Delete(source);
        }
    }

    [Fact]
    public async Task A_swift_mount_of_rgw_writes_lists_renames_and_removes_a_segmented_file()
    {
        const string container = "mountstore-e2e-rgw-swift";
        await LocalRgw.CreateBucketAsync(container);
        using var check = LocalRgw.SwiftStore(container);
        var folder = "rgw-" + Guid.NewGuid().ToString("N")[..8];

        await LargeFileRoundTripAsync($"swift://{container}", RgwSwiftEnvironment, check, folder);

        // rm took the segments along, including those the rename left under the old name
        var left = 0;
        using var segments = LocalRgw.SwiftStore(container + "_segments");
        await foreach (var page in segments.ListAllAsync(folder + "/", null)) left += page.Objects.Count;
        Assert.Equal(0, left);
    }

    [Fact]
    public async Task An_s3_mount_of_rgw_writes_lists_renames_and_removes_a_multipart_file()
    {
        const string bucket = "mountstore-e2e-rgw-s3";
        await LocalRgw.CreateBucketAsync(bucket);
        using var check = LocalRgw.S3Store(bucket);

        await LargeFileRoundTripAsync($"s3://{bucket}", RgwS3Environment, check, "rgw-" + Guid.NewGuid().ToString("N")[..8]);
    }

    [Fact]
    public async Task A_mount_with_a_keystone_application_credential_reads_and_writes_the_project()
    {
        var keystone = await LocalKeystone.EnsureRunningAsync();
        const string container = "mountstore-e2e-keystone";
        using var check = await keystone.SwiftStoreAsync(container);
        var env = keystone.ApplicationCredentialEnvironment().ToDictionary(p => p.Key, p => p.Value!);
        var name = $"notes-{Guid.NewGuid():N}.txt";

        await using (var mount = await MountProcess.StartAsync($"swift://{container}", env))
        {
            await File.WriteAllTextAsync(Path.Combine(mount.Directory, name), "written through Keystone");
            Assert.Contains(name, Directory.GetFiles(mount.Directory).Select(Path.GetFileName));
        }

        Assert.Equal("written through Keystone", await check.ReadTextAsync(name));
        await check.DeleteAsync(name, CancellationToken.None);
    }
}
