using System.CommandLine;
using MountStore.Cli;
using MountStore.Cli.Service;
using MountStore.Cli.Status;

var mountOptions = new MountCommandOptions();
var root = new RootCommand("""
    MountStore shows an OpenStack Swift container or an S3 bucket as a local directory.
    Folders are the '/'-separated parts of object names. Run `mountstore mount --help` to start.
    """)
{
    MountCommand.Create(mountOptions),
    UnmountCommand.Create(),
    StatusCommand.Create(),
    MountHelperCommand.Create(mountOptions),
};
// Signals are ours: MountCommand unmounts on SIGINT/SIGTERM and ends when the mount is gone.
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
