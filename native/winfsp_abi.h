/*
 * The WinFsp structures MountStore's binding exchanges with winfsp-x64.dll, for the Windows x64
 * ABI, shared by native/winfsp_layout.c (which prints their layout) and native/winfsp_standin.c
 * (a stand-in DLL that drives the binding under wine).
 *
 * WinFsp's headers are not installed on Linux (they come with WinFsp's installer), so the
 * structures below are our own transcription of the definitions in WinFsp's inc/winfsp/fsctl.h
 * (FSP_FSCTL_*) and inc/winfsp/winfsp.h (FSP_FILE_SYSTEM*), same names and field types, checked
 * against WinFsp 2026 Beta2 (commit e7c7ccc5). Two things keep the transcription honest:
 *   - the _Static_asserts repeat the sizes WinFsp's headers assert themselves;
 *   - with WinFsp's own headers at hand (its install folder's inc\, or a checkout), build with
 *     -DUSE_WINFSP_HEADERS -I<that inc folder>: the same code then uses the real definitions and
 *     winfsp_layout.exe must print the same lines. Done for the commit above: every line agreed
 *     but FSP_FSCTL_TRANSACT_REQ.Buffer, 84 instead of 88, because mingw-w64's gcc ignores the
 *     header's __declspec(align(8)) (with a warning); MSVC, which builds WinFsp, honours it.
 * ntstatus.h comes from mingw-w64, a source independent of ours, for the NTSTATUS values.
 */
#ifndef MOUNTSTORE_WINFSP_ABI_H
#define MOUNTSTORE_WINFSP_ABI_H

#define WIN32_NO_STATUS
#include <windows.h>
#undef WIN32_NO_STATUS
#include <ntstatus.h>

#if defined(USE_WINFSP_HEADERS)
#include <assert.h>
/* mingw-w64 defines _ReadWriteBarrier as a macro; WinFsp's inline helpers declare it as a
 * function, which only MSVC accepts. */
#undef _ReadWriteBarrier
#include <winfsp/winfsp.h>
#else

/* fsctl.h: the volume parameters given to FspFileSystemCreate (version 1: 504 bytes). */
typedef struct
{
    UINT16 Version;
    UINT16 SectorSize;
    UINT16 SectorsPerAllocationUnit;
    UINT16 MaxComponentLength;
    UINT64 VolumeCreationTime;
    UINT32 VolumeSerialNumber;
    UINT32 TransactTimeout;
    UINT32 IrpTimeout;
    UINT32 IrpCapacity;
    UINT32 FileInfoTimeout;
    UINT32 CaseSensitiveSearch:1;
    UINT32 CasePreservedNames:1;
    UINT32 UnicodeOnDisk:1;
    UINT32 PersistentAcls:1;
    UINT32 ReparsePoints:1;
    UINT32 ReparsePointsAccessCheck:1;
    UINT32 NamedStreams:1;
    UINT32 HardLinks:1;
    UINT32 ExtendedAttributes:1;
    UINT32 ReadOnlyVolume:1;
    UINT32 PostCleanupWhenModifiedOnly:1;
    UINT32 PassQueryDirectoryPattern:1;
    UINT32 AlwaysUseDoubleBuffering:1;
    UINT32 PassQueryDirectoryFileName:1;
    UINT32 FlushAndPurgeOnCleanup:1;
    UINT32 DeviceControl:1;
    UINT32 UmFileContextIsUserContext2:1;
    UINT32 UmFileContextIsFullContext:1;
    UINT32 UmNoReparsePointsDirCheck:1;
    UINT32 UmReservedFlags:5;
    UINT32 AllowOpenInKernelMode:1;
    UINT32 CasePreservedExtendedAttributes:1;
    UINT32 WslFeatures:1;
    UINT32 DirectoryMarkerAsNextOffset:1;
    UINT32 RejectIrpPriorToTransact0:1;
    UINT32 SupportsPosixUnlinkRename:1;
    UINT32 PostDispositionWhenNecessaryOnly:1;
    UINT32 KmReservedFlags:1;
    WCHAR Prefix[192];
    WCHAR FileSystemName[16];
    /* version 1 additions */
    UINT32 VolumeInfoTimeoutValid:1;
    UINT32 DirInfoTimeoutValid:1;
    UINT32 SecurityTimeoutValid:1;
    UINT32 StreamInfoTimeoutValid:1;
    UINT32 EaTimeoutValid:1;
    UINT32 KmAdditionalReservedFlags:27;
    UINT32 VolumeInfoTimeout;
    UINT32 DirInfoTimeout;
    UINT32 SecurityTimeout;
    UINT32 StreamInfoTimeout;
    UINT32 EaTimeout;
    UINT32 FsextControlCode;
    UINT32 Reserved32[1];
    UINT64 Reserved64[2];
} FSP_FSCTL_VOLUME_PARAMS;

typedef struct
{
    UINT64 TotalSize;
    UINT64 FreeSize;
    UINT16 VolumeLabelLength;
    WCHAR VolumeLabel[32];
} FSP_FSCTL_VOLUME_INFO;

typedef struct
{
    UINT32 FileAttributes;
    UINT32 ReparseTag;
    UINT64 AllocationSize;
    UINT64 FileSize;
    UINT64 CreationTime;
    UINT64 LastAccessTime;
    UINT64 LastWriteTime;
    UINT64 ChangeTime;
    UINT64 IndexNumber;
    UINT32 HardLinks;
    UINT32 EaSize;
} FSP_FSCTL_FILE_INFO;

/* One directory entry: a fixed header, then the name in UTF-16 (not terminated; Size says where
 * the entry ends). The union pads the header to the size of the kernel's own entry. */
typedef struct
{
    UINT16 Size;
    FSP_FSCTL_FILE_INFO FileInfo;
    union
    {
        UINT64 NextOffset;
        UINT8 Padding[24];
    };
    WCHAR FileNameBuf[];
} FSP_FSCTL_DIR_INFO;

typedef struct
{
    UINT16 Offset;
    UINT16 Size;
} FSP_FSCTL_TRANSACT_BUF;

enum
{
    FspFsctlTransactReservedKind = 0,
    FspFsctlTransactCreateKind,
    FspFsctlTransactOverwriteKind,
    FspFsctlTransactCleanupKind,
    FspFsctlTransactCloseKind,
    FspFsctlTransactReadKind,
    FspFsctlTransactWriteKind,
    FspFsctlTransactQueryInformationKind,
    FspFsctlTransactSetInformationKind,
    FspFsctlTransactQueryEaKind,
    FspFsctlTransactSetEaKind,
    FspFsctlTransactFlushBuffersKind,
    FspFsctlTransactQueryVolumeInformationKind,
    FspFsctlTransactSetVolumeInformationKind,
    FspFsctlTransactQueryDirectoryKind,
    FspFsctlTransactFileSystemControlKind,
    FspFsctlTransactDeviceControlKind,
    FspFsctlTransactShutdownKind,
    FspFsctlTransactLockControlKind,
    FspFsctlTransactQuerySecurityKind,
    FspFsctlTransactSetSecurityKind,
    FspFsctlTransactQueryStreamInformationKind,
    FspFsctlTransactKindCount,
};

/* A request from the driver. Every member of the Req union is declared, because the largest one
 * (Create and SetInformation, 64 bytes) decides where FileName and the buffer start. */
typedef struct
{
    UINT16 Version;
    UINT16 Size;
    UINT32 Kind;
    UINT64 Hint;
    union
    {
        struct
        {
            UINT32 CreateOptions;
            UINT32 FileAttributes;
            FSP_FSCTL_TRANSACT_BUF SecurityDescriptor;
            UINT64 AllocationSize;
            UINT64 AccessToken;
            UINT32 DesiredAccess;
            UINT32 GrantedAccess;
            UINT32 ShareAccess;
            FSP_FSCTL_TRANSACT_BUF Ea;
            UINT32 UserMode:1;
            UINT32 HasTraversePrivilege:1;
            UINT32 HasBackupPrivilege:1;
            UINT32 HasRestorePrivilege:1;
            UINT32 OpenTargetDirectory:1;
            UINT32 CaseSensitive:1;
            UINT32 HasTrailingBackslash:1;
            UINT32 AcceptsSecurityDescriptor:1;
            UINT32 EaIsReparsePoint:1;
            UINT32 ReservedFlags:24; /* 9 + 24 bits: spills into a second word */
            UINT16 NamedStream;
        } Create;
        struct
        {
            UINT64 UserContext;
            UINT64 UserContext2;
            UINT32 FileAttributes;
            UINT64 AllocationSize;
            UINT32 Supersede:1;
            FSP_FSCTL_TRANSACT_BUF Ea;
        } Overwrite;
        struct
        {
            UINT64 UserContext;
            UINT64 UserContext2;
            UINT32 Delete:1;
            UINT32 SetAllocationSize:1;
            UINT32 SetArchiveBit:1;
            UINT32 SetLastAccessTime:1;
            UINT32 SetLastWriteTime:1;
            UINT32 SetChangeTime:1;
        } Cleanup;
        struct
        {
            UINT64 UserContext;
            UINT64 UserContext2;
        } Close;
        struct
        {
            UINT64 UserContext;
            UINT64 UserContext2;
            UINT64 Address;
            UINT64 Offset;
            UINT32 Length;
            UINT32 Key;
        } Read;
        struct
        {
            UINT64 UserContext;
            UINT64 UserContext2;
            UINT64 Address;
            UINT64 Offset;
            UINT32 Length;
            UINT32 Key;
            UINT32 ConstrainedIo:1;
        } Write;
        struct
        {
            UINT64 UserContext;
            UINT64 UserContext2;
        } QueryInformation;
        struct
        {
            UINT64 UserContext;
            UINT64 UserContext2;
            UINT32 FileInformationClass;
            union
            {
                struct { UINT64 AllocationSize; } Allocation;
                struct
                {
                    UINT32 FileAttributes;
                    UINT64 CreationTime;
                    UINT64 LastAccessTime;
                    UINT64 LastWriteTime;
                    UINT64 ChangeTime;
                } Basic;
                struct { UINT32 Delete:1; } Disposition;
                struct { UINT32 Flags; } DispositionEx;
                struct { UINT64 FileSize; } EndOfFile;
                struct
                {
                    FSP_FSCTL_TRANSACT_BUF NewFileName;
                    UINT64 AccessToken;
                } Rename;
                struct
                {
                    FSP_FSCTL_TRANSACT_BUF NewFileName;
                    UINT64 AccessToken;
                    UINT32 Flags;
                } RenameEx;
            } Info;
        } SetInformation;
        struct
        {
            UINT64 UserContext;
            UINT64 UserContext2;
        } QueryEa;
        struct
        {
            UINT64 UserContext;
            UINT64 UserContext2;
            FSP_FSCTL_TRANSACT_BUF Ea;
        } SetEa;
        struct
        {
            UINT64 UserContext;
            UINT64 UserContext2;
        } FlushBuffers;
        struct
        {
            UINT32 FsInformationClass;
            union
            {
                struct { FSP_FSCTL_TRANSACT_BUF VolumeLabel; } Label;
            } Info;
        } SetVolumeInformation;
        struct
        {
            UINT64 UserContext;
            UINT64 UserContext2;
            UINT64 Address;
            UINT32 Length;
            FSP_FSCTL_TRANSACT_BUF Pattern;
            FSP_FSCTL_TRANSACT_BUF Marker;
            UINT32 CaseSensitive:1;
            UINT32 PatternIsFileName:1;
        } QueryDirectory;
        struct
        {
            UINT64 UserContext;
            UINT64 UserContext2;
            UINT32 FsControlCode;
            FSP_FSCTL_TRANSACT_BUF Buffer;
            UINT16 TargetOnFileSystem;
        } FileSystemControl;
        struct
        {
            UINT64 UserContext;
            UINT64 UserContext2;
            UINT32 IoControlCode;
            FSP_FSCTL_TRANSACT_BUF Buffer;
            UINT32 OutputLength;
        } DeviceControl;
        struct
        {
            UINT64 UserContext;
            UINT64 UserContext2;
        } QuerySecurity;
        struct
        {
            UINT64 UserContext;
            UINT64 UserContext2;
            UINT32 SecurityInformation;
            FSP_FSCTL_TRANSACT_BUF SecurityDescriptor;
        } SetSecurity;
        struct
        {
            UINT64 UserContext;
            UINT64 UserContext2;
        } QueryStreamInformation;
    } Req;
    FSP_FSCTL_TRANSACT_BUF FileName;
    _Alignas(8) UINT8 Buffer[]; /* MSVC's __declspec(align(8)); mingw-w64 gcc ignores that spelling */
} FSP_FSCTL_TRANSACT_REQ;

/* A response to the driver; the largest member of Rsp is Create.Opened (104 bytes). */
typedef struct
{
    UINT16 Version;
    UINT16 Size;
    UINT32 Kind;
    UINT64 Hint;
    struct
    {
        UINT32 Information;
        UINT32 Status;
    } IoStatus;
    union
    {
        union
        {
            struct
            {
                UINT64 UserContext;
                UINT64 UserContext2;
                UINT32 GrantedAccess;
                FSP_FSCTL_TRANSACT_BUF SecurityDescriptor;
                FSP_FSCTL_FILE_INFO FileInfo;
                FSP_FSCTL_TRANSACT_BUF FileName;
                UINT32 DisableCache:1;
                UINT32 HasSecurityDescriptor:1;
            } Opened;
            struct { FSP_FSCTL_TRANSACT_BUF Buffer; } Reparse;
        } Create;
        struct { FSP_FSCTL_FILE_INFO FileInfo; } Overwrite;
        struct { FSP_FSCTL_FILE_INFO FileInfo; } Write;
        struct { FSP_FSCTL_FILE_INFO FileInfo; } QueryInformation;
        struct { FSP_FSCTL_FILE_INFO FileInfo; } SetInformation;
        struct { FSP_FSCTL_TRANSACT_BUF Ea; } QueryEa;
        struct
        {
            FSP_FSCTL_FILE_INFO FileInfo;
            FSP_FSCTL_TRANSACT_BUF Ea;
        } SetEa;
        struct { FSP_FSCTL_FILE_INFO FileInfo; } FlushBuffers;
        struct { FSP_FSCTL_VOLUME_INFO VolumeInfo; } QueryVolumeInformation;
        struct { FSP_FSCTL_VOLUME_INFO VolumeInfo; } SetVolumeInformation;
        struct { FSP_FSCTL_TRANSACT_BUF Buffer; } FileSystemControl;
        struct { FSP_FSCTL_TRANSACT_BUF Buffer; } DeviceControl;
        struct { FSP_FSCTL_TRANSACT_BUF SecurityDescriptor; } QuerySecurity;
        struct { FSP_FSCTL_TRANSACT_BUF SecurityDescriptor; } SetSecurity;
        struct { FSP_FSCTL_TRANSACT_BUF Buffer; } QueryStreamInformation;
    } Rsp;
    _Alignas(8) UINT8 Buffer[]; /* MSVC's __declspec(align(8)); mingw-w64 gcc ignores that spelling */
} FSP_FSCTL_TRANSACT_RSP;

/* winfsp.h: the operations table. Only the slots' places matter here, so each is a plain function
 * pointer; the binding gives each its real signature. */
typedef NTSTATUS (*FSP_SLOT)();
typedef struct
{
    FSP_SLOT GetVolumeInfo, SetVolumeLabel, GetSecurityByName, Create, Open, Overwrite, Cleanup,
        Close, Read, Write, Flush, GetFileInfo, SetBasicInfo, SetFileSize, CanDelete, Rename,
        GetSecurity, SetSecurity, ReadDirectory, ResolveReparsePoints, GetReparsePoint,
        SetReparsePoint, DeleteReparsePoint, GetStreamInfo, GetDirInfoByName, Control, SetDelete,
        CreateEx, OverwriteEx, GetEa, SetEa, Obsolete0, DispatcherStopped;
    FSP_SLOT Reserved[31];
} FSP_FILE_SYSTEM_INTERFACE;

typedef enum
{
    FspFileSystemOperationGuardStrategyFine = 0,
    FspFileSystemOperationGuardStrategyCoarse,
} FSP_FILE_SYSTEM_OPERATION_GUARD_STRATEGY;

/* The file system object FspFileSystemCreate returns. The binding reads UserContext only (to find
 * its own state from a callback); the rest is declared so the size can be checked. */
typedef struct _FSP_FILE_SYSTEM
{
    UINT16 Version;
    PVOID UserContext;
    WCHAR VolumeName[256];
    HANDLE VolumeHandle;
    PVOID EnterOperation, LeaveOperation;
    PVOID Operations[FspFsctlTransactKindCount];
    const FSP_FILE_SYSTEM_INTERFACE *Interface;
    HANDLE DispatcherThread;
    ULONG DispatcherThreadCount;
    NTSTATUS DispatcherResult;
    PWSTR MountPoint;
    HANDLE MountHandle;
    UINT32 DebugLog;
    FSP_FILE_SYSTEM_OPERATION_GUARD_STRATEGY OpGuardStrategy;
    SRWLOCK OpGuardLock;
    BOOLEAN UmFileContextIsUserContext2, UmFileContextIsFullContext;
    UINT16 UmNoReparsePointsDirCheck:1;
    UINT16 UmReservedFlags:14;
    UINT16 DispatcherStopping:1;
} FSP_FILE_SYSTEM;

typedef struct
{
    FSP_FSCTL_TRANSACT_REQ *Request;
    FSP_FSCTL_TRANSACT_RSP *Response;
} FSP_FILE_SYSTEM_OPERATION_CONTEXT;

#endif /* USE_WINFSP_HEADERS */

/* The sizes WinFsp's headers assert for themselves. */
_Static_assert(sizeof(FSP_FSCTL_VOLUME_PARAMS) == 504, "FSP_FSCTL_VOLUME_PARAMS is 504 bytes");
_Static_assert(sizeof(FSP_FSCTL_VOLUME_INFO) == 88, "FSP_FSCTL_VOLUME_INFO is 88 bytes");
_Static_assert(sizeof(FSP_FSCTL_FILE_INFO) == 72, "FSP_FSCTL_FILE_INFO is 72 bytes");
_Static_assert(sizeof(FSP_FSCTL_DIR_INFO) == 104, "FSP_FSCTL_DIR_INFO is 104 bytes");
_Static_assert(sizeof(FSP_FILE_SYSTEM_INTERFACE) == 64 * sizeof(void *), "64 operation slots");
_Static_assert(sizeof(FSP_FILE_SYSTEM) == 792, "FSP_FILE_SYSTEM is 792 bytes on 64-bit");

#endif /* MOUNTSTORE_WINFSP_ABI_H */
