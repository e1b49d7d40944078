using System.Diagnostics;
using System.Text;
using MountStore.Fuse;
using MountStore.Testing;

namespace MountStore.Mount.Tests;

/// <summary>
/// A real `bin/mountstore mount` process, as a user runs it: started with credentials in its
/// environment, ready once the kernel lists the mount, stopped with SIGTERM.
/// </summary>
public sealed class MountProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private int _disposed;

    private MountProcess(Process process, string directory)
    {
        _process = process;
        Directory = directory;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>The mount point.</summary>
    public string Directory { get; }

    /// <summary>The mount process id.</summary>
    public int ProcessId => _process.Id;

    /// <summary>Everything the process wrote so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
                return _output.ToString();
        }
    }

    /// <summary>The CLI binary `make build` leaves behind.</summary>
    public static string Binary
    {
        get
        {
            var path = Path.Combine(RepoPaths.Root, "bin", "mountstore");
            return File.Exists(path) ? path : throw new InvalidOperationException($"{path} is missing: run `make build` first");
        }
    }

    /// <summary>Credentials for a swift:// remote on the local server (v1 auth).</summary>
    public static IReadOnlyDictionary<string, string> SwiftEnvironment => LocalSwiftServer.SwiftClientEnvironment;

    /// <summary>Credentials for an s3:// remote on the local server's s3api.</summary>
    public static IReadOnlyDictionary<string, string> S3Environment { get; } = new Dictionary<string, string>
    {
        ["AWS_ACCESS_KEY_ID"] = LocalSwiftServer.User,
        ["AWS_SECRET_ACCESS_KEY"] = LocalSwiftServer.Key,
        ["AWS_ENDPOINT_URL"] = LocalSwiftServer.Endpoint.ToString(),
        ["AWS_REGION"] = "us-east-1",
    };

    /// <summary>A fresh empty directory for a mount.</summary>
    public static string NewMountPoint()
    {
        var path = Path.Combine(Path.GetTempPath(), "mountstore-test", Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>Mounts <paramref name="remote"/> and returns once the mount is usable.</summary>
    public static async Task<MountProcess> StartAsync(string remote, IReadOnlyDictionary<string, string> environment, params string[] options)
    {
        var directory = NewMountPoint();
        var info = new ProcessStartInfo(Binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "mount", remote, directory }.Concat(options))
            info.ArgumentList.Add(argument);
        foreach (var name in new[] { "ST_AUTH", "ST_USER", "ST_KEY", "OS_AUTH_URL", "OS_STORAGE_URL", "OS_AUTH_TOKEN", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_ENDPOINT_URL" })
            info.Environment.Remove(name);
        foreach (var (name, value) in environment)
            info.Environment[name] = value;
        var mount = new MountProcess(Process.Start(info)!, directory);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!MountTable.IsFuseMounted(directory))
        {
            if (mount._process.HasExited)
                throw new InvalidOperationException($"mountstore exited with {mount._process.ExitCode} before mounting:\n{mount.Output}");
            if (DateTime.UtcNow > deadline)
            {
                await mount.DisposeAsync();
                throw new TimeoutException($"{directory} was not mounted within 60 s:\n{mount.Output}");
            }
            await Task.Delay(50);
        }
        return mount;
    }

    /// <summary>`mountstore status --json` of this mount, parsed.</summary>
    public async Task<System.Text.Json.JsonElement> StatusJsonAsync()
    {
        var answer = (await ProcessRunner.RunAsync(Binary, ["status", "--json", Directory])).EnsureSuccess("mountstore status --json");
        return System.Text.Json.JsonDocument.Parse(answer.StdOut).RootElement;
    }

    /// <summary>
    /// How many store requests of <paramref name="operation"/> (get, head, list...) the mount made
    /// and the store answered without error, from its status ("not found" is an answer: the
    /// warm-up's two GETs, HEAD and LIST of a name nobody uses are counted).
    /// </summary>
    public async Task<long> SucceededRequestsAsync(string operation)
    {
        foreach (var request in (await StatusJsonAsync()).GetProperty("requests").EnumerateArray())
        {
            if (request.GetProperty("operation").GetString() == operation)
                return request.GetProperty("count").GetInt64() - request.GetProperty("errors").GetInt64();
        }
        return 0;
    }

    /// <summary>
    /// Waits until the mount has no file open: the kernel sends a file's release after close()
    /// has returned, so what the mount does at release may still be running when a tool exits.
    /// </summary>
    public async Task WaitUntilNoFileIsOpenAsync()
    {
        for (var i = 0; i < 200; i++)
        {
            if ((await StatusJsonAsync()).GetProperty("openFiles").GetInt32() == 0)
                return;
            await Task.Delay(50);
        }
        throw new TimeoutException($"{Directory} still has open files after 10 s");
    }

    /// <summary>Sends a signal to the mount process (SIGTERM = 15, SIGINT = 2, SIGKILL = 9).</summary>
    public async Task SignalAsync(int signal) =>
        (await ProcessRunner.RunAsync("kill", [$"-{signal}", ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)])).EnsureSuccess("kill");

    /// <summary>Waits for the process to end; returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    /// <summary>True while the process runs.</summary>
    public bool IsRunning => !_process.HasExited;

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_output)
            _output.AppendLine(line);
    }

    /// <summary>SIGTERM, then waits for a clean exit; kills it if it does not come.</summary>
    public async ValueTask DisposeAsync()
    {
        // tests dispose on purpose (to clear a killed mount) and again when the test ends
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
            return;
        if (!_process.HasExited)
        {
            await SignalAsync(15);
            try
            {
                await WaitForExitAsync(TimeSpan.FromSeconds(20));
            }
            catch (OperationCanceledException)
            {
                _process.Kill();
            }
        }
        if (MountTable.IsFuseMounted(Directory))
            FuseMount.Detach(Directory);
        try
        {
            System.IO.Directory.Delete(Directory);
        }
        catch (IOException)
        {
        }
        _process.Dispose();
    }
}
