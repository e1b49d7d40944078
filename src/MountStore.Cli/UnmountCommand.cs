using System.CommandLine;

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
        var door = Doors.Doors.ForThisPlatform();
        if (!door.IsMounted(full))
        {
            Console.Error.WriteLine($"mountstore: {full} is not mounted");
            return 1;
        }
        return door.Unmount(full, evenIfBusy: lazy) is { } why ? Fail(full, why) : 0;
    }

    private static int Fail(string directory, string reason)
    {
        Console.Error.WriteLine($"mountstore: cannot unmount {directory}: {reason}");
        return 1;
    }
}
