namespace MountStore.Cli.Doors;

/// <summary>Picks the door for the platform the program runs on.</summary>
internal static class Doors
{
    /// <summary>The door of this platform; a <see cref="DoorException"/> where MountStore has none.</summary>
    public static IMountDoor ForThisPlatform() =>
        OperatingSystem.IsLinux() ? new FuseDoor()
        : OperatingSystem.IsWindows() ? new WinFspDoor()
        : throw new DoorException($"MountStore mounts through FUSE on Linux and WinFsp on Windows; {System.Runtime.InteropServices.RuntimeInformation.OSDescription} is not supported yet");
}
