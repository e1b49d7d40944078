using MountStore.Core.Storage;

namespace MountStore.Cli;

/// <summary>Turns what stopped a mount into the one line a user reads, with what to do about it.</summary>
internal static class MountErrors
{
    public static string Describe(Exception error) => error switch
    {
        // the store's messages already name the object, the status and what to do
        ObjectStoreException e => e.Message,
        Doors.DoorException e => e.Message,
        MountPointException e => e.Message,
        Core.DiskCache.CacheFolderInUseException e => e.Message,
        Service.EnvFileException e => e.Message,
        FormatException e => e.Message,
        ArgumentException e => e.Message,
        HttpRequestException e => $"cannot reach the store: {e.Message}",
        _ => $"unexpected error: {error.GetType().Name}: {error.Message} (run with --log-level debug for details)",
    };
}
