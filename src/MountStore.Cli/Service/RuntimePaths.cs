using System.Security.Cryptography;
using System.Text;
using MountStore.Fuse;

namespace MountStore.Cli.Service;

/// <summary>
/// Where a mount keeps its status socket and, by default, its log file. Root uses /run and
/// /var/log; other users their XDG runtime and state folders, so no user can see another's.
/// On Windows both live under the user's local application data, which only that user may open.
/// </summary>
internal static class RuntimePaths
{
    private static bool IsRoot => !OperatingSystem.IsWindows() && CurrentUser.Uid == 0;

    private static string WindowsFolder(string name) =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "MountStore", name);

    /// <summary>The folder for status sockets: created mode 0700, refused when another user owns it.</summary>
    public static string SocketDirectory()
    {
        if (OperatingSystem.IsWindows())
            return WindowsFolder("run");
        var runtime = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
        var directory = IsRoot ? "/run/mountstore"
            : !string.IsNullOrEmpty(runtime) && Directory.Exists(runtime) ? Path.Combine(runtime, "mountstore")
            : Path.Combine(Path.GetTempPath(), $"mountstore-{CurrentUser.Uid}");
        return directory;
    }

    /// <summary>
    /// The status socket of the mount at <paramref name="mountPoint"/>. Named by a hash of the
    /// path: unix socket paths are limited to 107 bytes, mount points are not.
    /// </summary>
    public static string StatusSocket(string mountPoint)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(mountPoint)))[..20];
        return Path.Combine(SocketDirectory(), hash + ".sock");
    }

    /// <summary>The default log file of a daemon mounted at <paramref name="mountPoint"/>.</summary>
    public static string DefaultLogFile(string mountPoint)
    {
        var state = Environment.GetEnvironmentVariable("XDG_STATE_HOME");
        var directory = OperatingSystem.IsWindows() ? WindowsFolder("logs")
            : IsRoot ? "/var/log/mountstore"
            : !string.IsNullOrEmpty(state) ? Path.Combine(state, "mountstore")
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state", "mountstore");
        return Path.Combine(directory, EscapedName(mountPoint) + ".log");
    }

    /// <summary>A mount point as one file name, the way systemd names mount units: /mnt/data → mnt-data (Windows: C:\data → C-data, X: → X).</summary>
    public static string EscapedName(string mountPoint)
    {
        if (OperatingSystem.IsWindows())
        {
            var name = string.Concat(mountPoint.Select(c => c is '\\' or '/' or ':' || Path.GetInvalidFileNameChars().Contains(c) ? '-' : c)).Trim('-');
            return name.Length == 0 ? "next-free-letter" : name;
        }
        var trimmed = mountPoint.Trim('/');
        return trimmed.Length == 0 ? "root" : trimmed.Replace('/', '-');
    }

    /// <summary>Creates <paramref name="directory"/> for this user only, or checks that an existing one is ours and closed to others.</summary>
    public static void EnsurePrivateDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            // Under the user's profile, whose access list already keeps other users out.
            Directory.CreateDirectory(directory);
            return;
        }
        if (!Directory.Exists(directory))
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            return;
        }
        var info = new DirectoryInfo(directory);
        if (FileOwner.Of(directory) != CurrentUser.Uid)
            throw new UnauthorizedAccessException($"{directory} belongs to another user; remove it or set XDG_RUNTIME_DIR");
        if ((info.UnixFileMode & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite | UnixFileMode.OtherRead | UnixFileMode.OtherExecute)) != 0)
            File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}
