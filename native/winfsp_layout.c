/*
 * Prints the sizes, offsets, bit positions and constants of the WinFsp structures that
 * MountStore's binding (src/MountStore.WinFsp/Native) declares by hand, as "name=value" lines in
 * the format of fuse_layout.c, for the Windows x64 ABI. tests/MountStore.WinFsp.Tests builds it
 * with x86_64-w64-mingw32-gcc, runs it under wine64 and compares the lines with the C# side
 * (WinFspNativeLayout). The structures come from winfsp_abi.h (see there for where they come
 * from and how they were checked against WinFsp's own headers).
 *
 * mingw-w64 lays out bit fields as MSVC does (-mms-bitfields is its default), which is what
 * WinFsp's DLL was built with; a bit field is reported as its absolute bit index from the start
 * of its structure, so both the word it lands in and its place in that word are checked.
 */
#include "winfsp_abi.h"
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#define SIZE(t) printf("sizeof(%s)=%d\n", #t, (int)sizeof(t))
#define OFF(t, f) printf("%s.%s=%d\n", #t, #f, (int)offsetof(t, f))
#define VALUE(c) printf("%s=%d\n", #c, (int)(c))
/* A bit field's absolute bit index from the start of its structure. */
#define BIT(t, f) do { t v_; memset(&v_, 0, sizeof v_); v_.f = 1; \
    printf("%s.%s_bit=%d\n", #t, #f, first_set_bit(&v_, sizeof v_)); } while (0)

static int first_set_bit(const void *p, size_t size)
{
    const unsigned char *bytes = p;
    for (size_t i = 0; i < size; i++)
        for (int bit = 0; bit < 8; bit++)
            if (bytes[i] & (1u << bit))
                return (int)(i * 8 + bit);
    return -1;
}

int main(void)
{
    SIZE(void *);

    SIZE(FSP_FSCTL_VOLUME_PARAMS);
    OFF(FSP_FSCTL_VOLUME_PARAMS, Version); OFF(FSP_FSCTL_VOLUME_PARAMS, SectorSize);
    OFF(FSP_FSCTL_VOLUME_PARAMS, SectorsPerAllocationUnit);
    OFF(FSP_FSCTL_VOLUME_PARAMS, MaxComponentLength);
    OFF(FSP_FSCTL_VOLUME_PARAMS, VolumeCreationTime);
    OFF(FSP_FSCTL_VOLUME_PARAMS, VolumeSerialNumber);
    OFF(FSP_FSCTL_VOLUME_PARAMS, TransactTimeout); OFF(FSP_FSCTL_VOLUME_PARAMS, IrpTimeout);
    OFF(FSP_FSCTL_VOLUME_PARAMS, IrpCapacity); OFF(FSP_FSCTL_VOLUME_PARAMS, FileInfoTimeout);
    BIT(FSP_FSCTL_VOLUME_PARAMS, CaseSensitiveSearch); BIT(FSP_FSCTL_VOLUME_PARAMS, CasePreservedNames);
    BIT(FSP_FSCTL_VOLUME_PARAMS, UnicodeOnDisk); BIT(FSP_FSCTL_VOLUME_PARAMS, PersistentAcls);
    BIT(FSP_FSCTL_VOLUME_PARAMS, ReparsePoints); BIT(FSP_FSCTL_VOLUME_PARAMS, ReparsePointsAccessCheck);
    BIT(FSP_FSCTL_VOLUME_PARAMS, NamedStreams); BIT(FSP_FSCTL_VOLUME_PARAMS, HardLinks);
    BIT(FSP_FSCTL_VOLUME_PARAMS, ExtendedAttributes); BIT(FSP_FSCTL_VOLUME_PARAMS, ReadOnlyVolume);
    BIT(FSP_FSCTL_VOLUME_PARAMS, PostCleanupWhenModifiedOnly);
    BIT(FSP_FSCTL_VOLUME_PARAMS, PassQueryDirectoryPattern);
    BIT(FSP_FSCTL_VOLUME_PARAMS, AlwaysUseDoubleBuffering);
    BIT(FSP_FSCTL_VOLUME_PARAMS, PassQueryDirectoryFileName);
    BIT(FSP_FSCTL_VOLUME_PARAMS, FlushAndPurgeOnCleanup); BIT(FSP_FSCTL_VOLUME_PARAMS, DeviceControl);
    BIT(FSP_FSCTL_VOLUME_PARAMS, UmFileContextIsUserContext2);
    BIT(FSP_FSCTL_VOLUME_PARAMS, UmFileContextIsFullContext);
    BIT(FSP_FSCTL_VOLUME_PARAMS, UmNoReparsePointsDirCheck);
    BIT(FSP_FSCTL_VOLUME_PARAMS, AllowOpenInKernelMode);
    BIT(FSP_FSCTL_VOLUME_PARAMS, CasePreservedExtendedAttributes);
    BIT(FSP_FSCTL_VOLUME_PARAMS, WslFeatures); BIT(FSP_FSCTL_VOLUME_PARAMS, DirectoryMarkerAsNextOffset);
    BIT(FSP_FSCTL_VOLUME_PARAMS, RejectIrpPriorToTransact0);
    BIT(FSP_FSCTL_VOLUME_PARAMS, SupportsPosixUnlinkRename);
    BIT(FSP_FSCTL_VOLUME_PARAMS, PostDispositionWhenNecessaryOnly);
    OFF(FSP_FSCTL_VOLUME_PARAMS, Prefix); OFF(FSP_FSCTL_VOLUME_PARAMS, FileSystemName);
    BIT(FSP_FSCTL_VOLUME_PARAMS, VolumeInfoTimeoutValid); BIT(FSP_FSCTL_VOLUME_PARAMS, DirInfoTimeoutValid);
    BIT(FSP_FSCTL_VOLUME_PARAMS, SecurityTimeoutValid); BIT(FSP_FSCTL_VOLUME_PARAMS, StreamInfoTimeoutValid);
    BIT(FSP_FSCTL_VOLUME_PARAMS, EaTimeoutValid);
    OFF(FSP_FSCTL_VOLUME_PARAMS, VolumeInfoTimeout); OFF(FSP_FSCTL_VOLUME_PARAMS, DirInfoTimeout);
    OFF(FSP_FSCTL_VOLUME_PARAMS, SecurityTimeout); OFF(FSP_FSCTL_VOLUME_PARAMS, StreamInfoTimeout);
    OFF(FSP_FSCTL_VOLUME_PARAMS, EaTimeout); OFF(FSP_FSCTL_VOLUME_PARAMS, FsextControlCode);

    SIZE(FSP_FSCTL_VOLUME_INFO);
    OFF(FSP_FSCTL_VOLUME_INFO, TotalSize); OFF(FSP_FSCTL_VOLUME_INFO, FreeSize);
    OFF(FSP_FSCTL_VOLUME_INFO, VolumeLabelLength); OFF(FSP_FSCTL_VOLUME_INFO, VolumeLabel);

    SIZE(FSP_FSCTL_FILE_INFO);
    OFF(FSP_FSCTL_FILE_INFO, FileAttributes); OFF(FSP_FSCTL_FILE_INFO, ReparseTag);
    OFF(FSP_FSCTL_FILE_INFO, AllocationSize); OFF(FSP_FSCTL_FILE_INFO, FileSize);
    OFF(FSP_FSCTL_FILE_INFO, CreationTime); OFF(FSP_FSCTL_FILE_INFO, LastAccessTime);
    OFF(FSP_FSCTL_FILE_INFO, LastWriteTime); OFF(FSP_FSCTL_FILE_INFO, ChangeTime);
    OFF(FSP_FSCTL_FILE_INFO, IndexNumber); OFF(FSP_FSCTL_FILE_INFO, HardLinks);
    OFF(FSP_FSCTL_FILE_INFO, EaSize);

    SIZE(FSP_FSCTL_DIR_INFO);
    OFF(FSP_FSCTL_DIR_INFO, Size); OFF(FSP_FSCTL_DIR_INFO, FileInfo);
    OFF(FSP_FSCTL_DIR_INFO, NextOffset); OFF(FSP_FSCTL_DIR_INFO, FileNameBuf);

    SIZE(FSP_FSCTL_TRANSACT_REQ);
    OFF(FSP_FSCTL_TRANSACT_REQ, Version); OFF(FSP_FSCTL_TRANSACT_REQ, Size);
    OFF(FSP_FSCTL_TRANSACT_REQ, Kind); OFF(FSP_FSCTL_TRANSACT_REQ, Hint);
    OFF(FSP_FSCTL_TRANSACT_REQ, Req); OFF(FSP_FSCTL_TRANSACT_REQ, FileName);
    OFF(FSP_FSCTL_TRANSACT_REQ, Buffer);
    OFF(FSP_FSCTL_TRANSACT_REQ, Req.Read.Address); OFF(FSP_FSCTL_TRANSACT_REQ, Req.Read.Offset);
    OFF(FSP_FSCTL_TRANSACT_REQ, Req.Read.Length);
    OFF(FSP_FSCTL_TRANSACT_REQ, Req.Write.Address); OFF(FSP_FSCTL_TRANSACT_REQ, Req.Write.Offset);
    OFF(FSP_FSCTL_TRANSACT_REQ, Req.Write.Length);
    BIT(FSP_FSCTL_TRANSACT_REQ, Req.Write.ConstrainedIo);
    OFF(FSP_FSCTL_TRANSACT_REQ, Req.QueryDirectory.Address);
    OFF(FSP_FSCTL_TRANSACT_REQ, Req.QueryDirectory.Length);
    OFF(FSP_FSCTL_TRANSACT_REQ, Req.QueryDirectory.Pattern);
    OFF(FSP_FSCTL_TRANSACT_REQ, Req.QueryDirectory.Marker);
    BIT(FSP_FSCTL_TRANSACT_REQ, Req.Create.ReservedFlags);
    OFF(FSP_FSCTL_TRANSACT_REQ, Req.Create.NamedStream);

    SIZE(FSP_FSCTL_TRANSACT_RSP);
    OFF(FSP_FSCTL_TRANSACT_RSP, Version); OFF(FSP_FSCTL_TRANSACT_RSP, Size);
    OFF(FSP_FSCTL_TRANSACT_RSP, Kind); OFF(FSP_FSCTL_TRANSACT_RSP, Hint);
    OFF(FSP_FSCTL_TRANSACT_RSP, IoStatus.Information); OFF(FSP_FSCTL_TRANSACT_RSP, IoStatus.Status);
    OFF(FSP_FSCTL_TRANSACT_RSP, Rsp); OFF(FSP_FSCTL_TRANSACT_RSP, Rsp.Write.FileInfo);
    OFF(FSP_FSCTL_TRANSACT_RSP, Buffer);

    SIZE(FSP_FILE_SYSTEM_INTERFACE);
    OFF(FSP_FILE_SYSTEM_INTERFACE, GetVolumeInfo); OFF(FSP_FILE_SYSTEM_INTERFACE, SetVolumeLabel);
    OFF(FSP_FILE_SYSTEM_INTERFACE, GetSecurityByName); OFF(FSP_FILE_SYSTEM_INTERFACE, Create);
    OFF(FSP_FILE_SYSTEM_INTERFACE, Open); OFF(FSP_FILE_SYSTEM_INTERFACE, Overwrite);
    OFF(FSP_FILE_SYSTEM_INTERFACE, Cleanup); OFF(FSP_FILE_SYSTEM_INTERFACE, Close);
    OFF(FSP_FILE_SYSTEM_INTERFACE, Read); OFF(FSP_FILE_SYSTEM_INTERFACE, Write);
    OFF(FSP_FILE_SYSTEM_INTERFACE, Flush); OFF(FSP_FILE_SYSTEM_INTERFACE, GetFileInfo);
    OFF(FSP_FILE_SYSTEM_INTERFACE, SetBasicInfo); OFF(FSP_FILE_SYSTEM_INTERFACE, SetFileSize);
    OFF(FSP_FILE_SYSTEM_INTERFACE, CanDelete); OFF(FSP_FILE_SYSTEM_INTERFACE, Rename);
    OFF(FSP_FILE_SYSTEM_INTERFACE, GetSecurity); OFF(FSP_FILE_SYSTEM_INTERFACE, SetSecurity);
    OFF(FSP_FILE_SYSTEM_INTERFACE, ReadDirectory); OFF(FSP_FILE_SYSTEM_INTERFACE, ResolveReparsePoints);
    OFF(FSP_FILE_SYSTEM_INTERFACE, GetReparsePoint); OFF(FSP_FILE_SYSTEM_INTERFACE, SetReparsePoint);
    OFF(FSP_FILE_SYSTEM_INTERFACE, DeleteReparsePoint); OFF(FSP_FILE_SYSTEM_INTERFACE, GetStreamInfo);
    OFF(FSP_FILE_SYSTEM_INTERFACE, GetDirInfoByName); OFF(FSP_FILE_SYSTEM_INTERFACE, Control);
    OFF(FSP_FILE_SYSTEM_INTERFACE, SetDelete); OFF(FSP_FILE_SYSTEM_INTERFACE, CreateEx);
    OFF(FSP_FILE_SYSTEM_INTERFACE, OverwriteEx); OFF(FSP_FILE_SYSTEM_INTERFACE, GetEa);
    OFF(FSP_FILE_SYSTEM_INTERFACE, SetEa); OFF(FSP_FILE_SYSTEM_INTERFACE, Obsolete0);
    OFF(FSP_FILE_SYSTEM_INTERFACE, DispatcherStopped); OFF(FSP_FILE_SYSTEM_INTERFACE, Reserved);

    SIZE(FSP_FILE_SYSTEM);
    OFF(FSP_FILE_SYSTEM, Version); OFF(FSP_FILE_SYSTEM, UserContext);
    OFF(FSP_FILE_SYSTEM, Interface); OFF(FSP_FILE_SYSTEM, MountPoint);

    SIZE(FSP_FILE_SYSTEM_OPERATION_CONTEXT);
    OFF(FSP_FILE_SYSTEM_OPERATION_CONTEXT, Request); OFF(FSP_FILE_SYSTEM_OPERATION_CONTEXT, Response);

    VALUE(FspFsctlTransactReadKind); VALUE(FspFsctlTransactWriteKind);
    VALUE(FspFsctlTransactQueryDirectoryKind);

    /* From mingw-w64's ntstatus.h. */
    VALUE(STATUS_SUCCESS); VALUE(STATUS_PENDING); VALUE(STATUS_BUFFER_OVERFLOW);
    VALUE(STATUS_INVALID_HANDLE); VALUE(STATUS_INVALID_PARAMETER); VALUE(STATUS_NO_SUCH_DEVICE);
    VALUE(STATUS_INVALID_DEVICE_REQUEST);
    VALUE(STATUS_END_OF_FILE); VALUE(STATUS_ACCESS_DENIED); VALUE(STATUS_BUFFER_TOO_SMALL);
    VALUE(STATUS_OBJECT_NAME_INVALID); VALUE(STATUS_OBJECT_NAME_NOT_FOUND);
    VALUE(STATUS_OBJECT_NAME_COLLISION); VALUE(STATUS_OBJECT_PATH_NOT_FOUND);
    VALUE(STATUS_SHARING_VIOLATION); VALUE(STATUS_DELETE_PENDING); VALUE(STATUS_DISK_FULL);
    VALUE(STATUS_FILE_INVALID); VALUE(STATUS_INSUFFICIENT_RESOURCES);
    VALUE(STATUS_MEDIA_WRITE_PROTECTED); VALUE(STATUS_FILE_IS_A_DIRECTORY);
    VALUE(STATUS_NOT_SUPPORTED); VALUE(STATUS_DIRECTORY_NOT_EMPTY); VALUE(STATUS_NOT_A_DIRECTORY);
    VALUE(STATUS_NAME_TOO_LONG); VALUE(STATUS_CANNOT_DELETE); VALUE(STATUS_CANCELLED);
    VALUE(STATUS_IO_DEVICE_ERROR); VALUE(STATUS_FILE_TOO_LARGE);
    return 0;
}
