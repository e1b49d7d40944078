namespace MountStore.Fuse;

/// <summary>Reads /proc/self/mountinfo and the FUSE control filesystem.</summary>
public static class MountTable
{
    /// <summary>True when <paramref name="mountPoint"/> is the mount point of a FUSE mount now.</summary>
    public static bool IsFuseMounted(string mountPoint) => Find(mountPoint) is { } entry && entry.FsType.StartsWith("fuse", StringComparison.Ordinal);

    /// <summary>The filesystem type mounted at <paramref name="mountPoint"/> (e.g. "fuse.mountstore"), or null.</summary>
    public static string? FsTypeAt(string mountPoint) => Find(mountPoint)?.FsType;

    /// <summary>
    /// The FUSE connection number of the mount (the minor device number, the name of its
    /// directory under /sys/fs/fuse/connections).
    /// </summary>
    public static string? ConnectionIdOf(string mountPoint) =>
        Find(mountPoint) is { } entry && entry.Device.Split(':') is [_, var minor] ? minor : null;

    /// <summary>
    /// Raises the kernel's read-ahead for the mount (root only). The default 128 KiB makes the
    /// kernel send 128 KiB FUSE reads; 1 MiB (the most one FUSE read carries) cuts the requests per
    /// byte eightfold, which on a CPU-bound machine is the difference between beating a plain GET and not.
    /// </summary>
    public static bool TrySetReadAhead(string mountPoint, int kilobytes)
    {
        if (Find(mountPoint) is not { } entry)
            return false;
        try
        {
            File.WriteAllText($"/sys/class/bdi/{entry.Device}/read_ahead_kb", kilobytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Aborts a FUSE connection (root only): its requests fail and its loop ends.</summary>
    public static bool TryAbortConnection(string connectionId)
    {
        const string control = "/sys/fs/fuse/connections";
        var mountedHere = false;
        try
        {
            if (!Directory.Exists(Path.Combine(control, connectionId)) && Directory.Exists(control))
            {
                // the fuse control filesystem is not mounted on every system; root can mount it
                // for the moment it takes to abort, and leaves the system as it found it
                mountedHere = Run("mount", "-t", "fusectl", "fusectl", control);
            }
            File.WriteAllText($"{control}/{connectionId}/abort", "1");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
        finally
        {
            if (mountedHere)
                Run("umount", control);
        }
    }

    private static bool Run(string command, params string[] arguments)
    {
        try
        {
            using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(command, arguments) { UseShellExecute = false, RedirectStandardError = true });
            process?.WaitForExit();
            return process?.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // the command is not installed
        }
    }

    private static (string Device, string FsType)? Find(string mountPoint)
    {
        var target = Path.TrimEndingDirectorySeparator(Path.GetFullPath(mountPoint));
        (string, string)? found = null;
        foreach (var line in File.ReadLines("/proc/self/mountinfo"))
        {
            // "36 35 0:47 / /mnt/x rw,nosuid - fuse.mountstore swift://c rw,user_id=0"
            var fields = line.Split(' ');
            var separator = Array.IndexOf(fields, "-");
            if (fields.Length < 5 || separator < 0 || separator + 1 >= fields.Length)
                continue;
            if (Unescape(fields[4]) == target)
                found = (fields[2], fields[separator + 1]); // the last mount on a path is the visible one
        }
        return found;
    }

    private static string Unescape(string field) =>
        field.Replace("\\040", " ").Replace("\\011", "\t").Replace("\\012", "\n").Replace("\\134", "\\");
}
