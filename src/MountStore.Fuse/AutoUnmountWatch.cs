using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace MountStore.Fuse;

/// <summary>
/// Makes auto_unmount reliable when this process is killed. fusermount3 stays behind holding a
/// socket to this process; at end-of-file it opens the mount point and unmounts only if that
/// fails with ENOTCONN. But a killed process closes that socket and its /dev/fuse descriptors
/// one by one, and on a loaded machine fusermount3 could run in between: its open then met a
/// connection still being torn down (ECONNABORTED), it left, and the dead mount stayed
/// ("Transport endpoint is not connected"; 3 kills in 19 on a loaded two-core machine). libfuse
/// documents auto_unmount as racy. A small shell started at mount time inherits the socket
/// (libfuse leaves it inheritable, and nothing else of ours is) and waits for this process to
/// end; it then lets go of the socket only once the mount answers ENOTCONN or is gone, so
/// fusermount3 wakes to a connection that is already fully down.
/// </summary>
internal sealed class AutoUnmountWatch : IDisposable
{
    // stdin is a pipe from this process: `read` returns at end-of-file, when this process is
    // gone. Then up to 10 s for the kernel to finish aborting the connection.
    private const string Script = """
        exec >/dev/null 2>&1
        while read -r _; do :; done
        i=0
        while [ $i -lt 200 ]; do
          case $(LC_ALL=C ls -- "$1" 2>&1 >/dev/null) in
            *"connection abort"*) sleep 0.05; i=$((i + 1)) ;;
            *) exit 0 ;;
          esac
        done
        """;

    private readonly Process _shell;

    private AutoUnmountWatch(Process shell) => _shell = shell;

    /// <summary>
    /// Starts the watch for <paramref name="mountPoint"/>. Call right after the mount is made and
    /// before the loop's threads open their /dev/fuse clones; null when no shell could start.
    /// </summary>
    public static AutoUnmountWatch? Start(string mountPoint, ILogger logger)
    {
        try
        {
            var start = new ProcessStartInfo("sh") { UseShellExecute = false, RedirectStandardInput = true };
            foreach (var argument in new[] { "-c", Script, "mountstore-unmount-watch", mountPoint })
                start.ArgumentList.Add(argument);
            return new AutoUnmountWatch(Process.Start(start)!);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            logger.LogWarning("Could not start the watch that unmounts {MountPoint} if this process is killed ({Message}); fusermount3's own auto_unmount remains", mountPoint, e.Message);
            return null;
        }
    }

    /// <summary>Ends the watch (the mount is gone): the shell sees end-of-file and exits.</summary>
    public void Dispose()
    {
        _shell.StandardInput.Close();
        _shell.Dispose();
    }
}
