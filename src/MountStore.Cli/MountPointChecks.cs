using MountStore.Cli.Doors;

namespace MountStore.Cli;

/// <summary>The checks on DIR and on the machine made before anything is mounted.</summary>
internal static class MountPointChecks
{
    /// <summary>The mount point in its one spelling (<see cref="MountPointName"/>), or throws <see cref="MountPointException"/> saying what is wrong with it.</summary>
    public static string Validate(string directory, bool allowNonEmpty, IMountDoor door) =>
        OperatingSystem.IsWindows() ? ValidateOnWindows(directory, door) : ValidateOnLinux(directory, allowNonEmpty, door);

    // FUSE mounts over an existing directory, which should be empty.
    private static string ValidateOnLinux(string directory, bool allowNonEmpty, IMountDoor door)
    {
        var full = MountPointName.Normalize(directory);
        if (File.Exists(full))
            throw new MountPointException($"{full} is a file, not a directory");
        if (!Directory.Exists(full))
            throw new MountPointException($"{full} does not exist; create it with: mkdir -p {full}");
        if (door.IsMounted(full))
            throw new MountPointException($"{full} is already a {door.Name} mount; unmount it first (mountstore unmount {full})");
        if (!allowNonEmpty && Directory.EnumerateFileSystemEntries(full).Any())
            throw new MountPointException($"{full} is not empty; choose an empty directory, or pass --allow-non-empty to hide its files while mounted");
        return full;
    }

    // WinFsp mounts on a free drive letter, or creates the folder itself (a folder that exists
    // already is refused by WinFsp), so --allow-non-empty has nothing to allow here.
    private static string ValidateOnWindows(string directory, IMountDoor door)
    {
        var name = MountPointName.Normalize(directory);
        if (name == MountPointName.NextFreeDriveLetter)
            return name;
        if (door.IsMounted(name))
            throw new MountPointException($"{name} is already a {door.Name} mount; unmount it first (mountstore unmount {name})");
        if (MountPointName.IsDriveLetter(name))
        {
            if (Directory.Exists(name + "\\"))
                throw new MountPointException($"drive {name} is in use; choose a free letter, or * for the next free one");
            return name;
        }
        if (File.Exists(name) || Directory.Exists(name))
            throw new MountPointException($"{name} exists; WinFsp creates the mount folder itself, so name one that does not exist yet (in a folder that does)");
        var parent = Path.GetDirectoryName(name);
        if (parent is null || !Directory.Exists(parent))
            throw new MountPointException($"{parent ?? name} does not exist; create it first (mkdir \"{parent ?? name}\"), WinFsp then creates {Path.GetFileName(name)} in it");
        return name;
    }
}

/// <summary>The mount point or the machine cannot take a mount; the message says why.</summary>
public sealed class MountPointException(string message) : Exception(message);
