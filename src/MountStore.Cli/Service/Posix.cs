using System.Runtime.InteropServices;

namespace MountStore.Cli.Service;

/// <summary>The libc calls a daemon (and `unmount --lazy`) needs and .NET does not offer.</summary>
internal static partial class Posix
{
    [LibraryImport("libc", EntryPoint = "setsid", SetLastError = true)]
    public static partial int SetSession();

    [LibraryImport("libc", EntryPoint = "dup2", SetLastError = true)]
    public static partial int Duplicate(int from, int to);

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "close")]
    public static partial int Close(int fd);

    /// <summary>Sends <paramref name="signal"/> to <paramref name="processId"/> (.NET only sends SIGKILL).</summary>
    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Signal(int processId, int signal);

    /// <summary>
    /// Points stdin, stdout and stderr at /dev/null, so a daemon never writes to (or dies on) the
    /// terminal or the pipes of whoever started it.
    /// </summary>
    public static void DetachStandardStreams()
    {
        var devNull = Open("/dev/null", 2 /* O_RDWR */);
        if (devNull < 0)
            return;
        for (var fd = 0; fd <= 2; fd++)
            Duplicate(devNull, fd);
        if (devNull > 2)
            Close(devNull);
    }
}
