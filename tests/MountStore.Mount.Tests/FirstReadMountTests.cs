using MountStore.Testing;

namespace MountStore.Mount.Tests;

/// <summary>
/// The first read of a file in a fresh mount: the lookup asks with a GET of the first bytes
/// (not a HEAD), and the read that follows takes them from there. Files from python-swiftclient
/// (a plain object and an SLO), read with `head`, through Swift and through S3.
/// </summary>
[Collection(MountCollection.Name)]
public sealed class FirstReadMountTests : IAsyncLifetime
{
    private const string Container = "mountstore-e2e-first-read";
    private readonly string _work = Path.Combine(Path.GetTempPath(), "mountstore-first-read-e2e-" + Guid.NewGuid().ToString("N")[..8]);

    public async Task InitializeAsync()
    {
        await LocalSwiftServer.CreateContainerAsync(Container);
        Directory.CreateDirectory(_work);
        await UploadAsync("plain.csv", 3_000_000);
        await UploadAsync("model.bin", 3 << 20, "--use-slo", "--segment-size", "1048576");
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_work, recursive: true);
        return Task.CompletedTask;
    }

    private async Task UploadAsync(string name, int size, params string[] options)
    {
        var bytes = new byte[size];
        new Random(size).NextBytes(bytes);
        await File.WriteAllBytesAsync(Path.Combine(_work, name), bytes);
        await LocalSwiftServer.UploadWithSwiftClientAsync(Container, Path.Combine(_work, name), name, options: options);
    }

    /// <summary>
    /// Waits for the warm-up's requests (two GETs, a HEAD and a LIST) to be counted, so the counts
    /// below are this test's alone. They run before the mount appears; the wait covers a warm-up
    /// cut short by its time limit on a slow machine, whose answers come later.
    /// </summary>
    private static async Task WarmUpDoneAsync(MountProcess mount)
    {
        for (var i = 0; i < 100; i++)
        {
            if (await mount.SucceededRequestsAsync("get") >= 2 && await mount.SucceededRequestsAsync("head") >= 1 && await mount.SucceededRequestsAsync("list") >= 1)
                return;
            await Task.Delay(100);
        }
        Assert.Fail("the warm-up's requests were not counted within 10 s");
    }

    [Theory]
    [InlineData("swift", "plain.csv")]
    [InlineData("swift", "model.bin")]
    [InlineData("s3", "plain.csv")]
    [InlineData("s3", "model.bin")]
    public async Task The_first_bytes_of_a_file_in_a_fresh_mount_come_with_its_lookup_in_one_get(string remote, string name)
    {
        await using var mount = await MountProcess.StartAsync($"{remote}://{Container}",
            remote == "swift" ? MountProcess.SwiftEnvironment : MountProcess.S3Environment, "--read-only");

        await WarmUpDoneAsync(mount);
        var (getsBefore, headsBefore) = (await mount.SucceededRequestsAsync("get"), await mount.SucceededRequestsAsync("head"));

        var firstBytes = await Tools.RunAsync("sh", "-c", "head -c 4000 \"$1\" | sha256sum", "_", Path.Combine(mount.Directory, name));

        var expected = await Tools.RunAsync("sh", "-c", "head -c 4000 \"$1\" | sha256sum", "_", Path.Combine(_work, name));
        Assert.Equal(expected, firstBytes);
        Assert.Equal(getsBefore + 1, await mount.SucceededRequestsAsync("get")); // the lookup's, which brought the bytes
        Assert.Equal(headsBefore + 1, await mount.SucceededRequestsAsync("head")); // "name/", in case it were a folder; none of the file
        // the rest of the file is read on from the store
        Assert.Equal(await Tools.Sha256SumAsync(Path.Combine(_work, name)), await Tools.Sha256SumAsync(Path.Combine(mount.Directory, name)));
    }
}
