using MountStore.WinFsp.Native;

namespace MountStore.WinFsp.Mounting;

/// <summary>The FSP_FSCTL_VOLUME_PARAMS a MountStore volume is created with, and why each is set.</summary>
internal static class VolumeParameters
{
    /// <summary>What Windows reports as the file system's name (where NTFS or FAT32 would be).</summary>
    public const string FileSystemName = "MountStore";

    /// <summary>
    /// The flags every MountStore volume has. Object names are case-sensitive, so the volume is
    /// case-sensitive and keeps case (two keys differing only in case stay reachable). No
    /// PersistentAcls: GetSecurityByName serves no security descriptors. Cleanup is posted only
    /// for a file that was changed or is being deleted (the adapter's Cleanup has work only then).
    /// PassQueryDirectoryFileName: a lookup of one name in a folder comes as GetDirInfoByName,
    /// which the adapter answers, instead of a full listing filtered by the driver.
    /// </summary>
    public const FspVolumeFlags AlwaysSet = FspVolumeFlags.CaseSensitiveSearch | FspVolumeFlags.CasePreservedNames
        | FspVolumeFlags.UnicodeOnDisk | FspVolumeFlags.PostCleanupWhenModifiedOnly | FspVolumeFlags.PassQueryDirectoryFileName;

    /// <summary>The parameters for a volume mounted with <paramref name="options"/> at <paramref name="now"/>.</summary>
    public static FspVolumeParams For(WinFspMountOptions options, DateTimeOffset now)
    {
        var created = (ulong)now.ToFileTime();
        var parameters = new FspVolumeParams
        {
            Version = FspVolumeParams.CurrentVersion,
            // One sector per allocation unit, the unit WindowsFileInfo rounds allocation sizes to.
            SectorSize = WindowsFileInfo.AllocationUnit,
            SectorsPerAllocationUnit = 1,
            MaxComponentLength = 255,
            VolumeCreationTime = created,
            // As WinFsp's own samples do: the creation time in seconds, so each mount gets its own.
            VolumeSerialNumber = (uint)(created / 10_000_000),
            FileInfoTimeout = (uint)Math.Clamp(options.FileInfoTimeout.TotalMilliseconds, 0, uint.MaxValue),
            Flags = AlwaysSet | (options.ReadOnly ? FspVolumeFlags.ReadOnlyVolume : FspVolumeFlags.None),
        };
        // The UNC prefix is left empty: WinFsp reads it only for a network volume (WinFsp.Net);
        // this is a disk volume, which is what lets a folder be its mount point.
        parameters.SetFileSystemName(FileSystemName);
        return parameters;
    }
}
