using System.CommandLine;

namespace MountStore.Cli;

/// <summary>`mountstore unmount DIR`: asks the kernel to remove the mount; the mount process then exits by itself.</summary>
internal static class UnmountCommand
{
    public static Command Create()
    {
        var directory = new Argument<string>("DIR") { Description = OperatingSystem.IsWindows() ? "Where the store is mounted: its drive letter (X:) or folder." : "Where the store is mounted." };
        var lazy = new Option<bool>("--lazy", "-z")
        {
            Description = OperatingSystem.IsWindows()
                ? "Do not wait for write-back uploads (they stay recorded for the next mount). WinFsp unmounts even while files are open, with or without it."
                : "Unmount even while files are open: the mount disappears now, and open files fail on their next access.",
        };
        var command = new Command("unmount", "Unmount a directory mounted by `mountstore mount` (works from any shell).") { directory, lazy };
        command.SetAction((result, cancellationToken) => RunAsync(result.GetValue(directory)!, result.GetValue(lazy), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string directory, bool lazy, CancellationToken cancellationToken)
    {
        var full = MountPointName.Normalize(directory);
        var door = Doors.Doors.ForThisPlatform();
        if (!door.IsMounted(full))
        {
            Console.Error.WriteLine($"mountstore: {full} is not mounted");
            return 1;
        }
        var before = await PendingUploads.OfAsync(full, cancellationToken).ConfigureAwait(false);
        if (door.Unmount(full, evenIfBusy: lazy) is { } why)
            return Fail(full, why);
        if (before is null)
            return 0; // no write-back: the mount process ends by itself
        if (lazy)
        {
            // the files are recorded on disk: the mount process may go without them
            PendingUploads.Leave(before.ProcessId, full);
            if (before.Pending > 0)
                Console.Error.WriteLine($"mountstore: {before.Pending} closed files ({Status.StatusView.Size(before.PendingBytes)}) were not uploaded yet; they stay in the cache folder and the next mount of this remote with it uploads them first");
            return 0;
        }
        return await PendingUploads.FollowAsync(full, cancellationToken).ConfigureAwait(false);
    }

    private static int Fail(string directory, string reason)
    {
        Console.Error.WriteLine($"mountstore: cannot unmount {directory}: {reason}");
        return 1;
    }
}
