using System.Diagnostics;

namespace MountStore.Cli.Service;

/// <summary>
/// `mountstore mount --daemon`: the mount runs in a child process of its own session, and the
/// command returns only once the child reports the mount ready, or exits with the child's
/// reason. .NET cannot fork, so the child is this program started again with the same arguments.
/// </summary>
internal static class Daemon
{
    /// <summary>Set in the child's environment; the child then detaches and reports readiness on stdout.</summary>
    public const string ChildVariable = "MOUNTSTORE_DAEMON_CHILD";

    private const string ReadyLine = "MOUNTSTORE-READY";

    /// <summary>True in the process started by <see cref="LaunchAsync"/>.</summary>
    public static bool IsChild => Environment.GetEnvironmentVariable(ChildVariable) == "1";

    /// <summary>How long the parent waits for the child to mount (logins and retries included).</summary>
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromMinutes(2);

    /// <summary>Starts the child with <paramref name="arguments"/>, which mount <paramref name="remote"/> on <paramref name="directory"/>, and waits for its word.</summary>
    public static async Task<int> LaunchAsync(IEnumerable<string> arguments, string remote, string directory)
    {
        var describe = $"Mounted {remote} on {Path.GetFullPath(directory)}";
        var timeout = ReadyTimeout;
        var start = new ProcessStartInfo(Environment.ProcessPath!)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        start.Environment[ChildVariable] = "1";
        using var child = Process.Start(start)!;
        child.StandardInput.Close();
        var errors = child.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            while (await child.StandardOutput.ReadLineAsync(deadline.Token).ConfigureAwait(false) is { } line)
            {
                if (line.StartsWith(ReadyLine, StringComparison.Ordinal))
                {
                    Console.WriteLine($"{describe} (pid {child.Id}){line[ReadyLine.Length..]}");
                    return 0;
                }
            }
        }
        catch (OperationCanceledException)
        {
            child.Kill(entireProcessTree: true);
            Console.Error.WriteLine($"mountstore: {describe}: not ready after {timeout.TotalSeconds:0} s; stopped it. Run it without --daemon to see where it waits.");
            return 1;
        }
        await child.WaitForExitAsync().ConfigureAwait(false);
        Console.Error.Write(await errors.ConfigureAwait(false));
        return child.ExitCode != 0 ? child.ExitCode : 1;
    }

    /// <summary>In the child, first thing: a session of its own, so the terminal's hang-up and Ctrl-C do not reach it.</summary>
    public static void DetachFromTerminal()
    {
        if (!OperatingSystem.IsWindows()) // --daemon is refused on Windows before this
            Posix.SetSession();
    }

    /// <summary>In the child, once mounted: tells the waiting parent, then lets go of its pipes.</summary>
    public static void ReportReady(string detail)
    {
        Console.Out.WriteLine(ReadyLine + detail);
        Console.Out.Flush();
        if (!OperatingSystem.IsWindows())
            Posix.DetachStandardStreams();
    }
}
