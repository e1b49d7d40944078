using MountStore.Cli.Doors;

namespace MountStore.Cli;

/// <summary>The checks on DIR and on the machine made before anything is mounted.</summary>
internal static class MountPointChecks
{
    /// <summary>The absolute mount point, or throws <see cref="MountPointException"/> saying what is wrong with it.</summary>
    public static string Validate(string directory, bool allowNonEmpty, IMountDoor door)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
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
}

/// <summary>The mount point or the machine cannot take a mount; the message says why.</summary>
public sealed class MountPointException(string message) : Exception(message);
