using System.Diagnostics;
using MountStore.Fuse;
using MountStore.Testing;

namespace MountStore.Mount.Tests;

/// <summary>Mounts that change, end while in use, or die: each with its own mount.</summary>
[Collection(MountCollection.Name)]
public class MountLifecycleTests : ContainerTestBase, IAsyncLifetime
{
    public MountLifecycleTests() : base("mountstore-e2e-lifecycle")
    {
    }

    [Fact]
    public async Task Objects_changed_behind_the_mount_show_after_the_ttl()
    {
        using var store = LocalSwiftServer.SwiftStore(Container);
        var folder = "ttl-" + Guid.NewGuid().ToString("N")[..8];
        await store.PutTextAsync($"{folder}/existing.txt", "version one\n");
        await using var mount = await MountProcess.StartAsync($"swift://{Container}", MountProcess.SwiftEnvironment, "--cache-ttl", "1");
        var dir = Path.Combine(mount.Directory, folder);
        Assert.Equal(["existing.txt"], Directory.EnumerateFiles(dir).Select(Path.GetFileName));
        Assert.Equal("version one\n", await File.ReadAllTextAsync(Path.Combine(dir, "existing.txt")));

        await store.PutTextAsync($"{folder}/added.txt", "new\n");
        await store.PutTextAsync($"{folder}/existing.txt", "version two, longer\n");
        await store.DeleteAsync($"{folder}/existing.txt", CancellationToken.None);
        await store.PutTextAsync($"{folder}/existing.txt", "version two, longer\n");
        await Task.Delay(TimeSpan.FromSeconds(1.5)); // past the 1 s TTL

        Assert.Equal(["added.txt", "existing.txt"], Directory.EnumerateFiles(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal("version two, longer\n", await File.ReadAllTextAsync(Path.Combine(dir, "existing.txt")));
        Assert.Equal("new\n", await File.ReadAllTextAsync(Path.Combine(dir, "added.txt")));
    }

    private static Process StartHeldReader(string path)
    {
        // opens the file and reads a little, then holds it open until told to read again
        var info = new ProcessStartInfo(Tools.Python) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("import sys\nf = open(sys.argv[1], 'rb')\nf.read(10)\nprint('open', flush=True)\nsys.stdin.readline()\nprint(len(f.read(10)), flush=True)\n");
        info.ArgumentList.Add(path);
        var process = Process.Start(info)!;
        Assert.Equal("open", process.StandardOutput.ReadLine());
        return process;
    }

    [Fact]
    public async Task Unmount_refuses_while_a_reader_is_active_and_lazy_unmount_ends_the_mount()
    {
        using var store = LocalSwiftServer.SwiftStore(Container);
        await store.PutTextAsync("busy.txt", new string('x', 1000));
        await using var mount = await MountProcess.StartAsync($"swift://{Container}", MountProcess.SwiftEnvironment);
        using var reader = StartHeldReader(Path.Combine(mount.Directory, "busy.txt"));
        try
        {
            var refused = await ProcessRunner.RunAsync(MountProcess.Binary, ["unmount", mount.Directory]);
            Assert.Equal(1, refused.ExitCode);
            Assert.Contains("files are open", refused.StdErr);
            Assert.True(MountTable.IsFuseMounted(mount.Directory));

            var lazy = await ProcessRunner.RunAsync(MountProcess.Binary, ["unmount", "--lazy", mount.Directory]);
            Assert.Equal(0, lazy.ExitCode);
            Assert.False(MountTable.IsFuseMounted(mount.Directory));
            // lazy: the open file keeps working until its reader is done, then the mount ends
            Assert.True(mount.IsRunning);
            await reader.StandardInput.WriteLineAsync("go");
            await reader.StandardInput.FlushAsync();
            Assert.Equal("10", await reader.StandardOutput.ReadLineAsync());
            await reader.WaitForExitAsync();
            Assert.Equal(0, await mount.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        }
        finally
        {
            reader.Kill();
        }
    }

    [Fact]
    public async Task Sigterm_unmounts_cleanly_even_with_a_reader_active()
    {
        using var store = LocalSwiftServer.SwiftStore(Container);
        await store.PutTextAsync("term.txt", new string('y', 1000));
        await using var mount = await MountProcess.StartAsync($"swift://{Container}", MountProcess.SwiftEnvironment);
        using var reader = StartHeldReader(Path.Combine(mount.Directory, "term.txt"));
        try
        {
            await mount.SignalAsync(15);
            Assert.Equal(0, await mount.WaitForExitAsync(TimeSpan.FromSeconds(30)));
            Assert.False(MountTable.IsFuseMounted(mount.Directory));
            Assert.Contains("Unmounted", mount.Output);
        }
        finally
        {
            reader.Kill();
        }
    }

    [Fact]
    public async Task A_killed_mount_process_leaves_no_dead_mount_behind()
    {
        await using var mount = await MountProcess.StartAsync($"swift://{Container}", MountProcess.SwiftEnvironment);
        Directory.EnumerateFileSystemEntries(mount.Directory).ToList();
        // the watch that holds fusermount3's socket: a child of the mount, with no /dev/fuse of its own
        // (one would keep the connection alive, and the mount with it)
        var watch = Assert.Single(ChildrenOf(mount.ProcessId), pid => CommandLineOf(pid).Contains("mountstore-unmount-watch"));
        Assert.DoesNotContain(DescriptorTargetsOf(watch), target => target == "/dev/fuse");
        Assert.Contains(DescriptorTargetsOf(watch), target => target.StartsWith("socket:", StringComparison.Ordinal));

        await KillAndWaitUntilUnmountedAsync(mount);
        Assert.True(HasEnded(watch), "the watch outlived the mount");
    }

    [Fact]
    public async Task Killed_again_and_again_on_a_busy_machine_the_mount_never_stays_behind()
    {
        // fusermount3 alone left a dead mount behind in 3 kills of 19 on a loaded machine: it
        // could look at the mount while the dying process was still closing /dev/fuse.
        using var stop = new CancellationTokenSource();
        var load = Enumerable.Range(0, Environment.ProcessorCount).Select(_ => Task.Run(() =>
        {
            var spin = 0L;
            while (!stop.IsCancellationRequested)
                spin++;
            return spin;
        })).ToList();
        try
        {
            for (var kill = 0; kill < 10; kill++)
            {
                await using var mount = await MountProcess.StartAsync($"swift://{Container}", MountProcess.SwiftEnvironment);
                Directory.EnumerateFileSystemEntries(mount.Directory).ToList();
                await KillAndWaitUntilUnmountedAsync(mount);
            }
        }
        finally
        {
            stop.Cancel();
            await Task.WhenAll(load);
        }
    }

    /// <summary>
    /// kill -9, then waits for auto-unmount (the bound is for a hung test, not a speed check) and
    /// checks the folder reads as a plain one, not "Transport endpoint is not connected".
    /// </summary>
    private static async Task KillAndWaitUntilUnmountedAsync(MountProcess mount)
    {
        await mount.SignalAsync(9);
        await mount.WaitForExitAsync(TimeSpan.FromSeconds(30));
        for (var i = 0; i < 300 && MountTable.IsFuseMounted(mount.Directory); i++)
            await Task.Delay(100);
        Assert.False(MountTable.IsFuseMounted(mount.Directory), $"{mount.Directory} is still mounted 30 s after its process was killed");
        Assert.Empty(Directory.EnumerateFileSystemEntries(mount.Directory));
    }

    private static IEnumerable<int> ChildrenOf(int parent) =>
        Directory.EnumerateDirectories("/proc")
            .Select(path => int.TryParse(Path.GetFileName(path), out var pid) ? pid : 0)
            .Where(pid => pid > 0 && ParentOf(pid) == parent)
            .ToList();

    private static int? ParentOf(int pid) => StatAfterName(pid) is { } fields ? int.Parse(fields[1]) : null;

    /// <summary>Gone, or a zombie waiting for its new parent (the mount that started it is dead) to reap it.</summary>
    private static bool HasEnded(int pid) => StatAfterName(pid) is not { } fields || fields[0] == "Z";

    /// <summary>/proc/PID/stat after "pid (comm)" (comm may hold spaces): state, ppid, ...; null once the process is gone.</summary>
    private static string[]? StatAfterName(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static string CommandLineOf(int pid) => File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');

    private static List<string> DescriptorTargetsOf(int pid) =>
        Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd").Select(fd => new FileInfo(fd).LinkTarget ?? "").ToList();
}
