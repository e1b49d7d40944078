namespace MountStore.WinFsp.Adapter;

/// <summary>
/// The bits of WinFsp's requests the adapter reads: NtCreateFile's create options and access
/// mask, the cleanup flags, and the "leave the attributes alone" value of SetBasicInfo
/// (values from winnt.h, ntifs.h and winfsp.h).
/// </summary>
internal static class WindowsRequestFlags
{
    /// <summary>FILE_DIRECTORY_FILE: the create or open is of a folder.</summary>
    public const uint DirectoryFile = 0x00000001;

    /// <summary>FILE_NON_DIRECTORY_FILE: the open is of a file, never a folder.</summary>
    public const uint NonDirectoryFile = 0x00000040;

    /// <summary>FILE_READ_DATA.</summary>
    public const uint ReadData = 0x0001;

    /// <summary>FILE_WRITE_DATA.</summary>
    public const uint WriteData = 0x0002;

    /// <summary>FILE_APPEND_DATA.</summary>
    public const uint AppendData = 0x0004;

    /// <summary>FspCleanupDelete: the last handle is closing with a delete pending.</summary>
    public const uint CleanupDelete = 0x01;

    /// <summary>INVALID_FILE_ATTRIBUTES: SetBasicInfo leaves the attributes as they are.</summary>
    public const uint InvalidFileAttributes = 0xFFFFFFFF;
}
