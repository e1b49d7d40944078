using System.CommandLine;

namespace MountStore.Cli.Service;

/// <summary>
/// What /sbin/mount.mountstore runs, so `mount -t mountstore swift://c/prefix /mnt -o ro,...`
/// and fstab lines of type mountstore work: mount(8)'s calling convention in, a
/// `mountstore mount --daemon` out, returning when the mount is ready.
/// </summary>
internal static class MountHelperCommand
{
    public static Command Create(MountCommandOptions mountOptions)
    {
        var remote = new Argument<string>("REMOTE") { Description = "swift://CONTAINER[/PREFIX] or s3://BUCKET[/PREFIX]" };
        var directory = new Argument<string>("DIR") { Description = "The mount point." };
        var options = new Option<string?>("-o") { Description = "Comma-separated mount options." };
        var sloppy = new Option<bool>("-s") { Description = "Ignore options MountStore does not know." };
        var fake = new Option<bool>("-f") { Description = "Do everything but mount: print the command that would run." };
        var noMtab = new Option<bool>("-n") { Description = "Accepted for mount(8); there is no mtab to write." };
        var verbose = new Option<bool>("-v") { Description = "Print the command before running it." };
        var command = new Command("mount-helper", """
            The mount(8) helper (installed as /sbin/mount.mountstore): mount REMOTE on DIR in the
            background with options given as -o word,word=value. ro, rw, allow_other, uid=, gid=,
            nonempty and credentials= (an env-file) keep their usual meaning; any other
            `mountstore mount` option is written with underscores (env_file=, cache_ttl=,
            file_mode=, log_to=). _netdev, nofail, noauto, user and x-systemd.* are for mount(8)
            and systemd and are passed over.
            """) { remote, directory, options, sloppy, fake, noMtab, verbose };
        command.Hidden = true;
        command.SetAction(async (result, cancellationToken) =>
        {
            List<string> arguments;
            try
            {
                arguments = ["mount", result.GetValue(remote)!, result.GetValue(directory)!,
                    .. FstabOptions.Translate(result.GetValue(options) ?? "", mountOptions.LongNames(), result.GetValue(sloppy)), "--daemon"];
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine($"mount.mountstore: {e.Message}");
                return 1;
            }
            if (result.GetValue(verbose) || result.GetValue(fake))
                Console.WriteLine("mountstore " + string.Join(' ', arguments));
            if (result.GetValue(fake))
                return 0;
            return await Daemon.LaunchAsync(arguments, result.GetValue(remote)!, result.GetValue(directory)!).ConfigureAwait(false);
        });
        return command;
    }
}
