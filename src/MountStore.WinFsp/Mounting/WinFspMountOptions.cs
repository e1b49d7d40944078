namespace MountStore.WinFsp.Mounting;

/// <summary>How a <see cref="WinFspMount"/> presents the volume to Windows.</summary>
public sealed record WinFspMountOptions
{
    /// <summary>
    /// A drive letter ("X:"), a folder that does not exist yet (WinFsp creates it, and removes it
    /// at unmount), or null for the next free drive letter counting down from Z:.
    /// </summary>
    public string? MountPoint { get; init; }

    /// <summary>The volume says it is read-only, so Windows refuses changes before they reach us.</summary>
    public bool ReadOnly { get; init; }

    /// <summary>How long the driver may keep file information, directory entries and volume information (the mount's attribute timeout).</summary>
    public TimeSpan FileInfoTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The label Explorer shows for the drive (at most 31 characters).</summary>
    public string VolumeLabel { get; init; } = "MountStore";
}
