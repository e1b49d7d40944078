using System.CommandLine;
using MountStore.Cli;
using MountStore.Cli.Service;
using MountStore.Cli.Status;
using MountStore.WinFsp;

var mountOptions = new MountCommandOptions();
var root = new RootCommand(OperatingSystem.IsWindows()
    ? $"""
    MountStore shows an OpenStack Swift container or an S3 bucket as a drive or folder.
    Folders are the '/'-separated parts of object names. Run `mountstore mount --help` to start.

    Mounts through {WinFspAttribution.Notice}.
    """
    : """
    MountStore shows an OpenStack Swift container or an S3 bucket as a local directory.
    Folders are the '/'-separated parts of object names. Run `mountstore mount --help` to start.
    """)
{
    MountCommand.Create(mountOptions),
    UnmountCommand.Create(),
    StatusCommand.Create(),
};
// mount(8)'s helper for fstab entries: Linux only.
if (!OperatingSystem.IsWindows())
    root.Subcommands.Add(MountHelperCommand.Create(mountOptions));
// Signals are ours: MountCommand unmounts on SIGINT/SIGTERM and ends when the mount is gone.
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
