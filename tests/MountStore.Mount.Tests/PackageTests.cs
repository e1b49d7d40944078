using MountStore.Fuse;
using MountStore.Testing;

namespace MountStore.Mount.Tests;

/// <summary>
/// The .deb `make deb` builds (make test builds it first), installed on this machine with dpkg
/// and used as an administrator would: the installed binary, `mount -t mountstore`, an fstab
/// line with _netdev, the man page and the systemd unit. Removed again at the end.
/// </summary>
[Collection(MountCollection.Name)]
public sealed class PackageTests : ContainerTestBase, IAsyncLifetime, IDisposable
{
    private readonly ServiceFiles _files = new();

    public PackageTests() : base("mountstore-e2e-package")
    {
    }

    public void Dispose() => _files.Dispose();

    private static string Package
    {
        get
        {
            var path = Path.Combine(RepoPaths.Root, "build", "mountstore.deb");
            return File.Exists(path) ? path : throw new InvalidOperationException($"{path} is missing: run `make deb` (make test does)");
        }
    }

    private static async Task<ProcessRunner.Result> RunAsync(string file, params string[] args) =>
        await ProcessRunner.RunAsync(file, args, timeout: TimeSpan.FromMinutes(3));

    private static async Task UnmountAsync(string directory)
    {
        if (MountTable.IsFuseMounted(directory) && (await RunAsync("umount", directory)).ExitCode != 0)
            FuseMount.Detach(directory);
    }

    [Fact]
    public async Task The_installed_package_mounts_through_its_binary_mount_t_mountstore_and_an_fstab_line()
    {
        using var store = LocalSwiftServer.SwiftStore(Container);
        await store.PutTextAsync("shared/results/table.csv", "a,b\n1,2\n");
        (await RunAsync("dpkg", "-i", Package)).EnsureSuccess("dpkg -i");
        var directory = MountProcess.NewMountPoint();
        try
        {
            var files = (await RunAsync("dpkg", "-L", "mountstore")).EnsureSuccess("dpkg -L").StdOut;
            foreach (var path in new[] { "/usr/bin/mountstore", "/sbin/mount.mountstore", "/lib/systemd/system/mountstore@.service", "/usr/share/man/man1/mountstore.1.gz" })
                Assert.Contains(path, files);
            var depends = (await RunAsync("dpkg-query", "-W", "-f=${Depends}", "mountstore")).StdOut;
            Assert.Contains("fuse3", depends);
            Assert.Contains("mount.mountstore", (await RunAsync("zcat", "/usr/share/man/man1/mountstore.1.gz")).StdOut);

            // 1. the installed binary (self-contained: it does not use the repository's .NET build)
            (await RunAsync("/usr/bin/mountstore", "mount", "--daemon", "--env-file", _files.EnvFile, "--log-to", Path.Combine(_files.Folder, "a.log"),
                $"swift://{Container}/shared", directory)).EnsureSuccess("/usr/bin/mountstore mount --daemon");
            Assert.Equal("a,b\n1,2\n", await File.ReadAllTextAsync(Path.Combine(directory, "results", "table.csv")));
            Assert.Contains("/usr/lib/mountstore/mountstore", await File.ReadAllTextAsync($"/proc/{Tools.MountProcessId(directory)}/cmdline"));
            (await RunAsync("/usr/bin/mountstore", "unmount", directory)).EnsureSuccess("mountstore unmount");
            await WaitUnmountedAsync(directory);

            // 2. mount -t mountstore, as in the issue: a prefix, ro, allow_other, uid
            (await RunAsync("mount", "-t", "mountstore", $"swift://{Container}/shared/results", directory,
                "-o", $"ro,allow_other,uid=1000,env_file={_files.EnvFile}")).EnsureSuccess("mount -t mountstore");
            Assert.Contains($" {directory} fuse.mountstore ro,", await File.ReadAllTextAsync("/proc/mounts"));
            Assert.Equal("1000", (await Tools.RunAsync("stat", "-c", "%u", Path.Combine(directory, "table.csv"))).Trim());
            Assert.Contains("allow_other", (await File.ReadAllLinesAsync("/proc/mounts")).Single(l => l.Contains($" {directory} ")));
            (await RunAsync("umount", directory)).EnsureSuccess("umount");
            await WaitUnmountedAsync(directory);

            // 3. an fstab line (its own fstab file, so the machine's is left alone)
            var fstab = Path.Combine(_files.Folder, "fstab");
            await File.WriteAllTextAsync(fstab, $"swift://{Container}/shared  {directory}  mountstore  _netdev,nofail,credentials={_files.EnvFile},cache_ttl=5  0  0\n");
            (await RunAsync("mount", "--fstab", fstab, directory)).EnsureSuccess("mount --fstab");
            Assert.True(MountTable.IsFuseMounted(directory));
            await File.WriteAllTextAsync(Path.Combine(directory, "results", "written.txt"), "through fstab\n");
            Assert.Equal("through fstab\n", await store.ReadTextAsync("shared/results/written.txt"));
            (await RunAsync("umount", directory)).EnsureSuccess("umount");
            await WaitUnmountedAsync(directory);

            // 4. the systemd unit template is valid for an instance
            var unit = Path.Combine(_files.Folder, "mountstore@results.service");
            File.Copy("/lib/systemd/system/mountstore@.service", unit);
            var verify = await RunAsync("systemd-analyze", "verify", unit);
            Assert.True(verify.ExitCode == 0, verify.StdErr);
        }
        finally
        {
            await UnmountAsync(directory);
            (await RunAsync("dpkg", "--purge", "mountstore")).EnsureSuccess("dpkg --purge");
        }
        Assert.False(File.Exists("/usr/bin/mountstore"));
        Assert.False(File.Exists("/sbin/mount.mountstore"));
    }

    private static async Task WaitUnmountedAsync(string directory)
    {
        for (var i = 0; i < 100 && MountTable.IsFuseMounted(directory); i++)
            await Task.Delay(100);
        Assert.False(MountTable.IsFuseMounted(directory));
    }
}
