using System.CommandLine;
using MountStore.Cli;
using MountStore.Cli.Status;

var root = new RootCommand("""
    MountStore shows an OpenStack Swift container or an S3 bucket as a local directory.
    Folders are the '/'-separated parts of object names. Run `mountstore mount --help` to start.
    """)
{
    MountCommand.Create(),
    UnmountCommand.Create(),
    StatusCommand.Create(),
};
// Signals are ours: MountCommand unmounts on SIGINT/SIGTERM and ends when the mount is gone.
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
