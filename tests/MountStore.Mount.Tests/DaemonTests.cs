using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using MountStore.Fuse;
using MountStore.Testing;

namespace MountStore.Mount.Tests;

/// <summary>
/// Running as a service, for real: --daemon, its log file, `mountstore status` (with an upload in
/// progress), systemd's readiness protocol, and the mount.mountstore helper.
/// </summary>
[Collection(MountCollection.Name)]
public sealed class DaemonTests : ContainerTestBase, IAsyncLifetime, IDisposable
{
    private readonly ServiceFiles _files = new();

    public DaemonTests() : base("mountstore-e2e-daemon")
    {
    }

    public void Dispose() => _files.Dispose();

    private static Task<ProcessRunner.Result> MountStoreAsync(params string[] args) =>
        ProcessRunner.RunAsync(MountProcess.Binary, args, timeout: TimeSpan.FromMinutes(3));

    /// <summary>Unmounts <paramref name="directory"/> and waits for the daemon to be gone from the mount table.</summary>
    private static async Task UnmountAsync(string directory)
    {
        if (!MountTable.IsFuseMounted(directory))
            return;
        var result = await MountStoreAsync("unmount", directory);
        if (result.ExitCode != 0)
            FuseMount.Detach(directory);
    }

    [Fact]
    public async Task Daemon_returns_once_the_mount_is_ready_and_logs_to_its_file_with_levels()
    {
        using var store = LocalSwiftServer.SwiftStore(Container);
        await store.PutTextAsync("daemon/hello.txt", "hello from the daemon\n");
        var directory = MountProcess.NewMountPoint();
        var log = Path.Combine(_files.Folder, "logs", "mount.log");
        try
        {
            var result = await MountStoreAsync("mount", "--daemon", "--env-file", _files.EnvFile, "--log-to", log, $"swift://{Container}", directory);
            result.EnsureSuccess("mountstore mount --daemon");
            // no polling: when the command returns, the mount is there
            Assert.True(MountTable.IsFuseMounted(directory), "not mounted when --daemon returned");
            Assert.Contains($"Mounted swift://{Container} on {directory}", result.StdOut);
            Assert.Contains($"logs: {log}", result.StdOut);
            Assert.Equal("hello from the daemon\n", await File.ReadAllTextAsync(Path.Combine(directory, "daemon", "hello.txt")));
            Assert.Matches(@"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} info mountstore: Mounted", await File.ReadAllTextAsync(log));
        }
        finally
        {
            await UnmountAsync(directory);
        }
        for (var i = 0; i < 100 && !(await File.ReadAllTextAsync(log)).Contains("Unmounted"); i++)
            await Task.Delay(100);
        Assert.Contains($"info mountstore: Unmounted {directory}", await File.ReadAllTextAsync(log));
    }

    [Fact]
    public async Task Daemon_that_cannot_mount_exits_non_zero_with_the_reason_and_leaves_nothing_mounted()
    {
        var directory = MountProcess.NewMountPoint();
        var log = Path.Combine(_files.Folder, "missing.log");
        var result = await MountStoreAsync("mount", "--daemon", "--env-file", _files.EnvFile, "--log-to", log, "swift://no-such-container-for-daemon", directory);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("no-such-container-for-daemon", result.StdErr);
        Assert.Contains("no such container", result.StdErr);
        Assert.False(MountTable.IsFuseMounted(directory));
        Assert.Contains("error mountstore: cannot mount swift://no-such-container-for-daemon", await File.ReadAllTextAsync(log));

        var open = Path.Combine(_files.Folder, "open.env");
        File.Copy(_files.EnvFile, open);
        File.SetUnixFileMode(open, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        var refused = await MountStoreAsync("mount", "--daemon", "--env-file", open, "--log-to", log, $"swift://{Container}", directory);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains($"chmod 600 {open}", refused.StdErr);
        Assert.DoesNotContain(LocalSwiftServer.Key, refused.StdErr);
        Assert.False(MountTable.IsFuseMounted(directory));
    }

    [Fact]
    public async Task Status_shows_a_running_uploads_progress_from_another_process()
    {
        var directory = MountProcess.NewMountPoint();
        var key = $"status/{Guid.NewGuid():N}.bin";
        try
        {
            var log = Path.Combine(_files.Folder, "status.log");
            (await MountStoreAsync("mount", "--daemon", "--env-file", _files.EnvFile, "--log-to", log, "--log-level", "debug",
                "--part-size", "8", $"swift://{Container}", directory)).EnsureSuccess("mount");
            async Task<JsonElement> StatusJsonAsync()
            {
                var answer = await MountStoreAsync("status", "--json", directory);
                Assert.True(answer.ExitCode == 0, $"status --json: {answer.StdErr}\nmount log:\n{await File.ReadAllTextAsync(log)}");
                return JsonDocument.Parse(answer.StdOut).RootElement;
            }

            Directory.CreateDirectory(Path.Combine(directory, "status"));
            // A writer that writes 25 MiB, then holds the file open until told to close it.
            var writer = new System.Diagnostics.ProcessStartInfo(Tools.Python) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
            writer.ArgumentList.Add("-c");
            writer.ArgumentList.Add("import sys\nf = open(sys.argv[1], 'wb')\nfor i in range(25):\n    f.write(bytes([i]) * (1 << 20))\nf.flush()\nprint('written', flush=True)\nsys.stdin.readline()\nf.close()\nprint('closed', flush=True)\n");
            writer.ArgumentList.Add(Path.Combine(directory, key));
            using var python = System.Diagnostics.Process.Start(writer)!;
            Assert.Equal("written", await python.StandardOutput.ReadLineAsync());

            // Parts 2 and 3 (8 MiB each) go up while the file is open: part 1 waits for close (a
            // header may still be rewritten) and part 4 is still being filled.
            JsonElement upload = default;
            for (var i = 0; i < 300; i++)
            {
                var json = await StatusJsonAsync();
                var uploads = json.GetProperty("uploads");
                if (uploads.GetArrayLength() == 1 && uploads[0].GetProperty("bytesStored").GetInt64() == 16L << 20)
                {
                    upload = uploads[0];
                    break;
                }
                await Task.Delay(100);
            }
            Assert.Equal(JsonValueKind.Object, upload.ValueKind);
            Assert.Equal(key, upload.GetProperty("key").GetString());
            Assert.Equal(25L << 20, upload.GetProperty("bytesWritten").GetInt64());
            Assert.False(upload.GetProperty("closing").GetBoolean());

            var text = (await MountStoreAsync("status", directory)).EnsureSuccess("status").StdOut;
            Assert.Contains($"swift://{Container} on {directory}", text);
            Assert.Contains("uploads in progress: 1", text);
            Assert.Contains(key, text);
            Assert.Contains("[###################...........]  64% 16.0 MiB of 25.0 MiB stored", text);

            await python.StandardInput.WriteLineAsync();
            await python.StandardInput.FlushAsync();
            Assert.Equal("closed", await python.StandardOutput.ReadLineAsync());
            var after = await StatusJsonAsync();
            Assert.Equal(0, after.GetProperty("uploads").GetArrayLength());
            Assert.True(after.GetProperty("uploadsCompleted").GetInt64() >= 1);
            var requests = after.GetProperty("requests").EnumerateArray().ToDictionary(r => r.GetProperty("operation").GetString()!, r => r.GetProperty("count").GetInt64());
            Assert.Equal(4, requests["upload-part"]);
            Assert.Equal(1, requests["complete-upload"]);

            // only the mounting user can reach the socket
            var sockets = Directory.GetFiles("/run/mountstore", "*.sock");
            Assert.NotEmpty(sockets);
            Assert.All(sockets, socket => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(socket)));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode("/run/mountstore"));
        }
        finally
        {
            await UnmountAsync(directory);
        }
        var gone = await MountStoreAsync("status", directory);
        Assert.Equal(1, gone.ExitCode);
        Assert.Contains("is not mounted by MountStore", gone.StdErr);
    }

    [Fact]
    public async Task A_new_mount_removes_status_sockets_left_by_killed_mounts()
    {
        Directory.CreateDirectory("/run/mountstore");
        var stale = Path.Combine("/run/mountstore", $"stale-{Guid.NewGuid():N}.sock");
        // bound by a process that then exits without removing it: what a killed mount leaves
        // (.NET removes its own socket files on dispose, so Python makes this one)
        await Tools.RunAsync(Tools.Python, "-c", "import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])", stale);
        Assert.True(File.Exists(stale));
        await using var mount = await MountProcess.StartAsync($"swift://{Container}", MountProcess.SwiftEnvironment);
        for (var i = 0; i < 100 && File.Exists(stale); i++)
            await Task.Delay(50);
        Assert.False(File.Exists(stale));
        (await MountStoreAsync("status", mount.Directory)).EnsureSuccess("status of the new mount");
    }

    [Fact]
    public async Task Status_watch_redraws_every_second_and_ends_when_the_mount_ends()
    {
        var directory = MountProcess.NewMountPoint();
        (await MountStoreAsync("mount", "--daemon", "--env-file", _files.EnvFile, "--log-to", Path.Combine(_files.Folder, "watch.log"),
            $"swift://{Container}", directory)).EnsureSuccess("mount");
        var start = new System.Diagnostics.ProcessStartInfo(MountProcess.Binary) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { "status", "--watch", directory })
            start.ArgumentList.Add(argument);
        using var watch = System.Diagnostics.Process.Start(start)!;
        var output = watch.StandardOutput.ReadToEndAsync();
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(2.5));
        }
        finally
        {
            await UnmountAsync(directory);
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await watch.WaitForExitAsync(timeout.Token);
        var text = await output;
        Assert.Equal(0, watch.ExitCode);
        Assert.True(text.Split("\u001b[H\u001b[2J").Length >= 3, text); // redrawn at least twice
        Assert.EndsWith($"The mount on {directory} has ended.\n", text);
    }

    [Fact]
    public async Task Under_systemd_the_mount_reports_ready_once_mounted_and_stopping_on_sigterm()
    {
        var socketPath = Path.Combine(_files.Folder, "notify.socket");
        using var notify = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        notify.Bind(new UnixDomainSocketEndPoint(socketPath));
        var environment = new Dictionary<string, string>(MountProcess.SwiftEnvironment) { ["NOTIFY_SOCKET"] = socketPath };
        await using var mount = await MountProcess.StartAsync($"swift://{Container}", environment);

        var buffer = new byte[1024];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var ready = Encoding.UTF8.GetString(buffer, 0, await notify.ReceiveAsync(buffer, SocketFlags.None, timeout.Token));
        Assert.StartsWith("READY=1\n", ready);
        Assert.Contains($"STATUS=Mounted swift://{Container} on {mount.Directory}", ready);
        Assert.True(MountTable.IsFuseMounted(mount.Directory));

        await mount.SignalAsync(15);
        var stopping = Encoding.UTF8.GetString(buffer, 0, await notify.ReceiveAsync(buffer, SocketFlags.None, timeout.Token));
        Assert.Equal("STOPPING=1", stopping);
        Assert.Equal(0, await mount.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.False(MountTable.IsFuseMounted(mount.Directory));
    }

    [Fact]
    public async Task The_systemd_units_own_command_line_mounts_reports_ready_and_unmounts_on_stop()
    {
        // systemd is not PID 1 here, so do what it would: read the unit's ExecStart and
        // ExecStopPost, load its EnvironmentFile, split $VAR into words, and talk sd_notify.
        var unit = await File.ReadAllLinesAsync(Path.Combine(RepoPaths.Root, "packaging", "systemd", "mountstore@.service"));
        string Line(string key) => unit.Single(l => l.StartsWith(key + "=", StringComparison.Ordinal))[(key.Length + 1)..]
            .Replace("/etc/mountstore/%i.env", Path.Combine(_files.Folder, "results.env"))
            .Replace("/usr/bin/mountstore", MountProcess.Binary);
        Assert.Equal("notify", Line("Type"));
        Assert.Equal("on-failure", Line("Restart"));
        var directory = MountProcess.NewMountPoint();
        await File.WriteAllLinesAsync(Path.Combine(_files.Folder, "results.env"),
        [
            $"MOUNTSTORE_REMOTE=swift://{Container}",
            $"MOUNTSTORE_DIR={directory}",
            "MOUNTSTORE_OPTIONS=\"--cache-ttl 60 --log-to stderr\"",
            .. await File.ReadAllLinesAsync(_files.EnvFile),
        ]);
        File.SetUnixFileMode(Path.Combine(_files.Folder, "results.env"), UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var socketPath = Path.Combine(_files.Folder, "unit-notify.socket");
        using var notify = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        notify.Bind(new UnixDomainSocketEndPoint(socketPath));
        var start = new System.Diagnostics.ProcessStartInfo("/bin/bash") { UseShellExecute = false, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"set -a; . {Path.Combine(_files.Folder, "results.env")}; set +a; exec {Line("ExecStart")}");
        start.Environment["NOTIFY_SOCKET"] = socketPath;
        foreach (var name in MountProcess.SwiftEnvironment.Keys)
            start.Environment.Remove(name); // credentials come from the unit's file only
        using var service = System.Diagnostics.Process.Start(start)!;
        var errors = service.StandardError.ReadToEndAsync();
        try
        {
            var buffer = new byte[1024];
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var ready = Encoding.UTF8.GetString(buffer, 0, await notify.ReceiveAsync(buffer, SocketFlags.None, timeout.Token));
            Assert.StartsWith("READY=1", ready);
            Assert.True(MountTable.IsFuseMounted(directory));
            await File.WriteAllTextAsync(Path.Combine(directory, "unit.txt"), "written under the unit\n");

            // systemctl stop: SIGTERM to the main process (KillMode=mixed)
            (await ProcessRunner.RunAsync("kill", ["-15", service.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])).EnsureSuccess("kill -15");
            var stopping = Encoding.UTF8.GetString(buffer, 0, await notify.ReceiveAsync(buffer, SocketFlags.None, timeout.Token));
            Assert.Equal("STOPPING=1", stopping);
            await service.WaitForExitAsync(timeout.Token);
            Assert.True(service.ExitCode == 0, await errors);
        }
        catch
        {
            if (!service.HasExited)
                service.Kill();
            throw;
        }
        Assert.False(MountTable.IsFuseMounted(directory), "still mounted after a clean stop");
        using var store = LocalSwiftServer.SwiftStore(Container);
        Assert.Equal("written under the unit\n", await store.ReadTextAsync("unit.txt"));
        // ExecStopPost clears a dead mount after a crash; after a clean stop it has nothing to do.
        var stopPost = Line("ExecStopPost").TrimStart('-').Replace("${MOUNTSTORE_DIR}", directory);
        Assert.Contains("fusermount3 -uz", stopPost);
        await ProcessRunner.RunAsync("/bin/sh", ["-c", stopPost]);
        Assert.False(MountTable.IsFuseMounted(directory));
    }

    [Fact]
    public async Task Mount_helper_takes_fstab_options_and_refuses_a_readable_env_file()
    {
        using var store = LocalSwiftServer.SwiftStore(Container);
        await store.PutTextAsync("helper/prefix/inside.txt", "inside\n");
        var directory = MountProcess.NewMountPoint();
        var environment = new Dictionary<string, string> { ["MOUNTSTORE_BIN"] = MountProcess.Binary };
        try
        {
            var result = await ProcessRunner.RunAsync(ServiceFiles.MountHelper,
                [$"swift://{Container}/helper/prefix", directory, "-o", $"ro,_netdev,nofail,uid=4321,gid=4322,file_mode=0600,cache_ttl=5,env_file={_files.EnvFile}"], environment);
            result.EnsureSuccess("mount.mountstore");
            Assert.True(MountTable.IsFuseMounted(directory));
            var file = Path.Combine(directory, "inside.txt");
            Assert.Equal("inside\n", await File.ReadAllTextAsync(file));
            var owner = (await Tools.RunAsync("stat", "-c", "%u %g %a", file)).Trim();
            Assert.Equal("4321 4322 600", owner);
            var write = await ProcessRunner.RunAsync("touch", [Path.Combine(directory, "new.txt")]);
            Assert.Contains("Read-only file system", write.StdErr);
        }
        finally
        {
            await UnmountAsync(directory);
        }

        File.SetUnixFileMode(_files.EnvFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        var refused = await ProcessRunner.RunAsync(ServiceFiles.MountHelper, [$"swift://{Container}", directory, "-o", $"credentials={_files.EnvFile}"], environment);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("chmod 600", refused.StdErr);
        Assert.False(MountTable.IsFuseMounted(directory));

        var unknown = await ProcessRunner.RunAsync(ServiceFiles.MountHelper, [$"swift://{Container}", directory, "-o", "ro,colour=blue"], environment);
        Assert.NotEqual(0, unknown.ExitCode);
        Assert.Contains("unknown mount option 'colour=blue'", unknown.StdErr);
    }
}
