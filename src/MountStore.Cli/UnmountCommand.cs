using System.CommandLine;
using System.Diagnostics;
using MountStore.Fuse;

namespace MountStore.Cli;

/// <summary>`mountstore unmount DIR`: asks the kernel to remove the mount; the mount process then exits by itself.</summary>
internal static class UnmountCommand
{
    public static Command Create()
    {
        var directory = new Argument<string>("DIR") { Description = "Where the store is mounted." };
        var lazy = new Option<bool>("--lazy", "-z")
        {
            Description = "Unmount even while files are open: the mount disappears now, and open files fail on their next access.",
        };
        var command = new Command("unmount", "Unmount a directory mounted by `mountstore mount` (works from any shell).") { directory, lazy };
        command.SetAction(result => Run(result.GetValue(directory)!, result.GetValue(lazy)));
        return command;
    }

    private static int Run(string directory, bool lazy)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        if (!MountTable.IsFuseMounted(full))
        {
            Console.Error.WriteLine($"mountstore: {full} is not mounted");
            return 1;
        }
        if (lazy)
        {
            FuseMount.Detach(full);
            return MountTable.IsFuseMounted(full) ? Fail(full, "the kernel kept the mount") : 0;
        }
        var start = new ProcessStartInfo("fusermount3", ["-u", full]) { UseShellExecute = false, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode == 0)
            return 0;
        return error.Contains("busy", StringComparison.OrdinalIgnoreCase)
            ? Fail(full, "files are open on it (see: fuser -vm " + full + "); close them, or pass --lazy to unmount anyway")
            : Fail(full, error.Trim());
    }

    private static int Fail(string directory, string reason)
    {
        Console.Error.WriteLine($"mountstore: cannot unmount {directory}: {reason}");
        return 1;
    }
}
