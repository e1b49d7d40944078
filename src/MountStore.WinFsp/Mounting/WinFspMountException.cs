namespace MountStore.WinFsp.Mounting;

/// <summary>WinFsp refused to create, mount or start the volume; the message is one line saying which step and why.</summary>
public sealed class WinFspMountException(string message) : Exception(message);
