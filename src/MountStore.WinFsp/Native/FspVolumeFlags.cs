namespace MountStore.WinFsp.Native;

/// <summary>
/// The first bit-field word of FSP_FSCTL_VOLUME_PARAMS, one flag per C bit field. Each member is
/// named exactly as its C field: the layout test checks every bit against the C compiler's.
/// </summary>
[Flags]
internal enum FspVolumeFlags : uint
{
    None = 0,
    CaseSensitiveSearch = 1u << 0,
    CasePreservedNames = 1u << 1,
    UnicodeOnDisk = 1u << 2,
    PersistentAcls = 1u << 3,
    ReparsePoints = 1u << 4,
    ReparsePointsAccessCheck = 1u << 5,
    NamedStreams = 1u << 6,
    HardLinks = 1u << 7,
    ExtendedAttributes = 1u << 8,
    ReadOnlyVolume = 1u << 9,
    PostCleanupWhenModifiedOnly = 1u << 10,
    PassQueryDirectoryPattern = 1u << 11,
    AlwaysUseDoubleBuffering = 1u << 12,
    PassQueryDirectoryFileName = 1u << 13,
    FlushAndPurgeOnCleanup = 1u << 14,
    DeviceControl = 1u << 15,
    UmFileContextIsUserContext2 = 1u << 16,
    UmFileContextIsFullContext = 1u << 17,
    UmNoReparsePointsDirCheck = 1u << 18,
    // bits 19-23: UmReservedFlags
    AllowOpenInKernelMode = 1u << 24,
    CasePreservedExtendedAttributes = 1u << 25,
    WslFeatures = 1u << 26,
    DirectoryMarkerAsNextOffset = 1u << 27,
    RejectIrpPriorToTransact0 = 1u << 28,
    SupportsPosixUnlinkRename = 1u << 29,
    PostDispositionWhenNecessaryOnly = 1u << 30,
}

/// <summary>The second bit-field word of FSP_FSCTL_VOLUME_PARAMS (version 1): which of the per-kind timeouts are set.</summary>
[Flags]
internal enum FspVolumeTimeoutFlags : uint
{
    None = 0,
    VolumeInfoTimeoutValid = 1u << 0,
    DirInfoTimeoutValid = 1u << 1,
    SecurityTimeoutValid = 1u << 2,
    StreamInfoTimeoutValid = 1u << 3,
    EaTimeoutValid = 1u << 4,
}
