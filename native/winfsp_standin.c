/*
 * A stand-in for WinFsp's winfsp-x64.dll, for checking MountStore's binding under wine, where
 * WinFsp's driver cannot run. It exports the functions the binding binds (WinFspApi) under their
 * WinFsp names and signatures. Its "dispatcher" is one thread that runs a short script through
 * the interface table the binding filled, the way WinFsp's dispatcher calls it: UTF-16 names,
 * the operation context in thread-local storage, STATUS_PENDING answered later through
 * FspFileSystemSendResponse with the request's hint. It prints one line per check,
 * "standin: <check>=ok" or "standin: <check>=FAILED <why>", and "standin: result=ok" at the end
 * when every check passed.
 *
 * It stands in for WinFsp's transport, not for its semantics: it proves the structures, the
 * calling convention, the strings and the asynchronous completion, and nothing about what Windows
 * does with the answers. The script expects the toy file system of
 * tests/MountStore.WinFsp.WineProbe (one file \hello.txt holding "hello world").
 *
 * Build: x86_64-w64-mingw32-gcc -std=c11 -shared -o winfsp-x64.dll winfsp_standin.c
 */
#include "winfsp_abi.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define EXPORT __declspec(dllexport)
#define ALIGN8(n) (((n) + 7u) & ~7u)

/* The slots the script calls, with their winfsp.h signatures. winfsp_abi.h declares every slot
 * alike; SLOT casts one to its real type (through void (*)(void), which gcc accepts for any). */
#define SLOT(type, f) ((type *)(void (*)(void))(f))
typedef NTSTATUS GET_VOLUME_INFO(FSP_FILE_SYSTEM *, FSP_FSCTL_VOLUME_INFO *);
typedef NTSTATUS OPEN(FSP_FILE_SYSTEM *, PWSTR, UINT32, UINT32, PVOID *, FSP_FSCTL_FILE_INFO *);
typedef NTSTATUS READ(FSP_FILE_SYSTEM *, PVOID, PVOID, UINT64, ULONG, PULONG);
typedef NTSTATUS WRITE(FSP_FILE_SYSTEM *, PVOID, PVOID, UINT64, ULONG, BOOLEAN, BOOLEAN, PULONG,
    FSP_FSCTL_FILE_INFO *);
typedef NTSTATUS READ_DIRECTORY(FSP_FILE_SYSTEM *, PVOID, PWSTR, PWSTR, PVOID, ULONG, PULONG);
typedef VOID CLOSE(FSP_FILE_SYSTEM *, PVOID);
typedef VOID DISPATCHER_STOPPED(FSP_FILE_SYSTEM *, BOOLEAN);

/* The operation being served on each thread, in thread-local storage as WinFsp keeps it (a Win32
 * TLS slot rather than _Thread_local, which would make the DLL depend on libgcc's). */
static DWORD current_operation;

/* One response at a time: the script waits for each pending request's answer before going on. */
static CRITICAL_SECTION response_lock;
static HANDLE response_ready;
static FSP_FSCTL_TRANSACT_RSP last_response;

static int failures;

static void check(const char *name, int ok, const char *why, ...)
{
    if (ok)
        printf("standin: %s=ok\n", name);
    else
    {
        va_list args;
        va_start(args, why);
        printf("standin: %s=FAILED ", name);
        vprintf(why, args);
        printf("\n");
        va_end(args);
        failures++;
    }
    /* Piped stdout is fully buffered in the C runtime; the probe's own lines interleave with ours. */
    fflush(stdout);
}

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID reserved)
{
    (void)instance;
    (void)reserved;
    if (reason == DLL_PROCESS_ATTACH)
    {
        current_operation = TlsAlloc();
        InitializeCriticalSection(&response_lock);
        response_ready = CreateEventW(0, FALSE, FALSE, 0);
    }
    return TRUE;
}

/* Calls a slot that may answer later: serves it with an operation context holding the request's
 * kind and hint, and when it returns STATUS_PENDING waits (5 s at most) for the response. The
 * comma operator makes the context exist before the call. */
#define SERVE(kind, hint, call) (serve_begin((kind), (hint)), serve_result((kind), (hint), (call)))

static FSP_FSCTL_TRANSACT_REQ serving_request;
static FSP_FSCTL_TRANSACT_RSP serving_response;
static FSP_FILE_SYSTEM_OPERATION_CONTEXT serving_context;

static void serve_begin(UINT32 kind, UINT64 hint)
{
    memset(&serving_request, 0, sizeof serving_request);
    memset(&serving_response, 0, sizeof serving_response);
    serving_request.Size = sizeof serving_request;
    serving_request.Kind = kind;
    serving_request.Hint = hint;
    serving_context.Request = &serving_request;
    serving_context.Response = &serving_response;
    ResetEvent(response_ready);
    TlsSetValue(current_operation, &serving_context);
}

/* The response of a pending call, or one made up from a synchronous answer. */
static FSP_FSCTL_TRANSACT_RSP serve_result(UINT32 kind, UINT64 hint, NTSTATUS status)
{
    FSP_FSCTL_TRANSACT_RSP result;
    TlsSetValue(current_operation, 0);
    memset(&result, 0, sizeof result);
    if (status != STATUS_PENDING)
    {
        result.Kind = kind;
        result.Hint = hint;
        result.IoStatus.Status = (UINT32)status;
        result.Size = 0; /* marks a synchronous answer */
        return result;
    }
    if (WaitForSingleObject(response_ready, 5000) != WAIT_OBJECT_0)
    {
        result.Kind = kind;
        result.Hint = hint;
        result.IoStatus.Status = (UINT32)STATUS_PENDING; /* never answered */
        return result;
    }
    EnterCriticalSection(&response_lock);
    result = last_response;
    LeaveCriticalSection(&response_lock);
    return result;
}

static void check_pending_answer(const char *name, FSP_FSCTL_TRANSACT_RSP *r, UINT32 kind, UINT64 hint,
    UINT32 information)
{
    if (r->Size == 0)
        check(name, 0, "answered synchronously (0x%08x), not STATUS_PENDING", (unsigned)r->IoStatus.Status);
    else if (r->IoStatus.Status == (UINT32)STATUS_PENDING)
        check(name, 0, "no response within 5 s");
    else
        check(name,
            r->Size == sizeof(FSP_FSCTL_TRANSACT_RSP) && r->Kind == kind && r->Hint == hint &&
                r->IoStatus.Status == 0 && r->IoStatus.Information == information,
            "response size %u kind %u hint %llx status 0x%08x information %u", (unsigned)r->Size,
            (unsigned)r->Kind, (unsigned long long)r->Hint, (unsigned)r->IoStatus.Status,
            (unsigned)r->IoStatus.Information);
}

static const FSP_FSCTL_DIR_INFO *next_entry(const UINT8 *buffer, ULONG length, ULONG *offset)
{
    const FSP_FSCTL_DIR_INFO *entry;
    if (*offset + sizeof(UINT16) > length)
        return 0;
    entry = (const FSP_FSCTL_DIR_INFO *)(buffer + *offset);
    if (entry->Size == 0)
        return 0; /* the end marker */
    *offset += ALIGN8(entry->Size);
    return entry;
}

static int entry_is(const FSP_FSCTL_DIR_INFO *entry, const WCHAR *name, UINT64 size)
{
    size_t length = wcslen(name);
    return entry && entry->Size == sizeof(FSP_FSCTL_DIR_INFO) + length * sizeof(WCHAR) &&
        wmemcmp(entry->FileNameBuf, name, length) == 0 && entry->FileInfo.FileSize == size;
}

static DWORD WINAPI run_script(LPVOID parameter)
{
    FSP_FILE_SYSTEM *fs = parameter;
    const FSP_FILE_SYSTEM_INTERFACE *i = fs->Interface;
    FSP_FSCTL_VOLUME_INFO volume;
    FSP_FSCTL_FILE_INFO info;
    FSP_FSCTL_TRANSACT_RSP r;
    PVOID file = 0, root = 0;
    ULONG transferred = 0;
    NTSTATUS status;
    char data[64];
    UINT8 listing[1024];

    check("user-context", fs->UserContext != 0, "the binding did not set FSP_FILE_SYSTEM.UserContext");

    memset(&volume, 0xff, sizeof volume);
    status = SLOT(GET_VOLUME_INFO, i->GetVolumeInfo)(fs, &volume);
    check("volume-info",
        status == 0 && volume.TotalSize == (1ull << 30) && volume.FreeSize == (1ull << 29) &&
            volume.VolumeLabelLength == 10 * sizeof(WCHAR) && wmemcmp(volume.VolumeLabel, L"MountStore", 10) == 0,
        "status 0x%08x total %llu free %llu label length %u", (unsigned)status,
        (unsigned long long)volume.TotalSize, (unsigned long long)volume.FreeSize, (unsigned)volume.VolumeLabelLength);

    status = SLOT(OPEN, i->Open)(fs, L"\\nope.txt", 0, FILE_READ_DATA, &file, &info);
    check("open-missing", status == STATUS_OBJECT_NAME_NOT_FOUND, "status 0x%08x", (unsigned)status);

    memset(&info, 0, sizeof info);
    status = SLOT(OPEN, i->Open)(fs, L"\\hello.txt", 0, FILE_READ_DATA | FILE_WRITE_DATA, &file, &info);
    check("open", status == 0 && file != 0 && info.FileSize == 11 && info.FileAttributes == FILE_ATTRIBUTE_NORMAL,
        "status 0x%08x context %p size %llu attributes 0x%x", (unsigned)status, file,
        (unsigned long long)info.FileSize, (unsigned)info.FileAttributes);

    memset(data, 0, sizeof data);
    r = SERVE(FspFsctlTransactReadKind, 0x1111222233334444ull,
        SLOT(READ, i->Read)(fs, file, data, 0, sizeof data, &transferred));
    check_pending_answer("read-pending", &r, FspFsctlTransactReadKind, 0x1111222233334444ull, 11);
    check("read-bytes", memcmp(data, "hello world", 11) == 0, "read '%.11s'", data);

    memset(&info, 0, sizeof info);
    r = SERVE(FspFsctlTransactWriteKind, 0x5555666677778888ull,
        SLOT(WRITE, i->Write)(fs, file, " again", 11, 6, FALSE, FALSE, &transferred, &info));
    check_pending_answer("write-pending", &r, FspFsctlTransactWriteKind, 0x5555666677778888ull, 6);
    check("write-file-info", r.Rsp.Write.FileInfo.FileSize == 17, "file size after the write %llu",
        (unsigned long long)r.Rsp.Write.FileInfo.FileSize);

    /* Write-to-end-of-file: the offset given is ignored, the bytes land at the end. */
    r = SERVE(FspFsctlTransactWriteKind, 0x99990000aaaabbbbull,
        SLOT(WRITE, i->Write)(fs, file, "!", (UINT64)-1, 1, TRUE, FALSE, &transferred, &info));
    check_pending_answer("write-to-end-pending", &r, FspFsctlTransactWriteKind, 0x99990000aaaabbbbull, 1);

    memset(data, 0, sizeof data);
    r = SERVE(FspFsctlTransactReadKind, 0x0123456789abcdefull,
        SLOT(READ, i->Read)(fs, file, data, 0, sizeof data, &transferred));
    check_pending_answer("read-back-pending", &r, FspFsctlTransactReadKind, 0x0123456789abcdefull, 18);
    check("read-back-bytes", memcmp(data, "hello world again!", 18) == 0, "read '%.18s'", data);

    status = SLOT(OPEN, i->Open)(fs, L"\\", 0, FILE_LIST_DIRECTORY, &root, &info);
    check("open-root", status == 0 && root != 0 && (info.FileAttributes & FILE_ATTRIBUTE_DIRECTORY),
        "status 0x%08x attributes 0x%x", (unsigned)status, (unsigned)info.FileAttributes);

    /* Listing after the marker "hello.txt": the entries that sort after it, then the end marker. */
    memset(listing, 0xee, sizeof listing);
    r = SERVE(FspFsctlTransactQueryDirectoryKind, 0xfeedfacecafebeefull,
        SLOT(READ_DIRECTORY, i->ReadDirectory)(fs, root, 0, L"hello.txt", listing, sizeof listing, &transferred));
    {
        ULONG offset = 0;
        const FSP_FSCTL_DIR_INFO *first = next_entry(listing, r.IoStatus.Information, &offset);
        const FSP_FSCTL_DIR_INFO *second = next_entry(listing, r.IoStatus.Information, &offset);
        const FSP_FSCTL_DIR_INFO *third = next_entry(listing, r.IoStatus.Information, &offset);
        ULONG expected = ALIGN8(sizeof(FSP_FSCTL_DIR_INFO) + 10 * sizeof(WCHAR)) +
            ALIGN8(sizeof(FSP_FSCTL_DIR_INFO) + 4 * sizeof(WCHAR)) + sizeof(UINT16);
        check_pending_answer("read-directory-pending", &r, FspFsctlTransactQueryDirectoryKind,
            0xfeedfacecafebeefull, expected);
        check("read-directory-entries",
            entry_is(first, L"r\u00e9sum\u00e9.txt", 5) && entry_is(second, L"zeta", 0) && third == 0,
            "not [r\u00e9sum\u00e9.txt (5 bytes), zeta (0 bytes)] then the end");
    }

    SLOT(CLOSE, i->Close)(fs, file);
    SLOT(CLOSE, i->Close)(fs, root);
    check("result", failures == 0, "%d checks failed", failures);
    return 0;
}

EXPORT NTSTATUS FspFileSystemCreate(PWSTR DevicePath, const FSP_FSCTL_VOLUME_PARAMS *VolumeParams,
    const FSP_FILE_SYSTEM_INTERFACE *Interface, FSP_FILE_SYSTEM **PFileSystem)
{
    FSP_FILE_SYSTEM *fs;
    check("device", DevicePath && wcscmp(DevicePath, L"WinFsp.Disk") == 0, "not WinFsp.Disk");
    check("volume-params",
        VolumeParams->Version == sizeof(FSP_FSCTL_VOLUME_PARAMS) && VolumeParams->SectorSize == 4096 &&
            VolumeParams->MaxComponentLength == 255 && VolumeParams->FileInfoTimeout == 1000 &&
            wcscmp(VolumeParams->FileSystemName, L"MountStore") == 0,
        "version %u sector size %u max component %u file info timeout %u", (unsigned)VolumeParams->Version,
        (unsigned)VolumeParams->SectorSize, (unsigned)VolumeParams->MaxComponentLength,
        (unsigned)VolumeParams->FileInfoTimeout);
    check("volume-flags",
        VolumeParams->CaseSensitiveSearch && VolumeParams->CasePreservedNames && VolumeParams->UnicodeOnDisk &&
            !VolumeParams->PersistentAcls && !VolumeParams->ReadOnlyVolume && VolumeParams->PostCleanupWhenModifiedOnly &&
            VolumeParams->VolumeInfoTimeoutValid && !VolumeParams->DirInfoTimeoutValid &&
            VolumeParams->VolumeInfoTimeout == 2000,
        "the flag bits are not where C puts them");
    check("interface", Interface->GetVolumeInfo && Interface->Open && Interface->Read && Interface->Write &&
            Interface->ReadDirectory && Interface->Close && Interface->DispatcherStopped && !Interface->Create &&
            !Interface->Reserved[30],
        "the slots the probe filled are not where C expects them");
    fs = calloc(1, sizeof *fs);
    if (!fs)
        return STATUS_INSUFFICIENT_RESOURCES;
    fs->Interface = Interface;
    *PFileSystem = fs;
    return STATUS_SUCCESS;
}

EXPORT NTSTATUS FspFileSystemSetMountPoint(FSP_FILE_SYSTEM *FileSystem, PWSTR MountPoint)
{
    (void)FileSystem;
    check("mount-point", MountPoint && wcscmp(MountPoint, L"M:") == 0, "not M:");
    return STATUS_SUCCESS;
}

EXPORT NTSTATUS FspFileSystemStartDispatcher(FSP_FILE_SYSTEM *FileSystem, ULONG ThreadCount)
{
    check("thread-count", ThreadCount == 0, "%lu", (unsigned long)ThreadCount);
    FileSystem->DispatcherThread = CreateThread(0, 0, run_script, FileSystem, 0, 0);
    return FileSystem->DispatcherThread ? STATUS_SUCCESS : STATUS_INSUFFICIENT_RESOURCES;
}

/* Unlike WinFsp's, which cancels what is pending, this one lets the script finish first. */
EXPORT VOID FspFileSystemStopDispatcher(FSP_FILE_SYSTEM *FileSystem)
{
    if (!FileSystem->DispatcherThread)
        return;
    WaitForSingleObject(FileSystem->DispatcherThread, INFINITE);
    CloseHandle(FileSystem->DispatcherThread);
    FileSystem->DispatcherThread = 0;
    if (FileSystem->Interface->DispatcherStopped)
        SLOT(DISPATCHER_STOPPED, FileSystem->Interface->DispatcherStopped)(FileSystem, TRUE);
}

EXPORT VOID FspFileSystemDelete(FSP_FILE_SYSTEM *FileSystem)
{
    free(FileSystem);
}

EXPORT VOID FspFileSystemSendResponse(FSP_FILE_SYSTEM *FileSystem, FSP_FSCTL_TRANSACT_RSP *Response)
{
    (void)FileSystem;
    EnterCriticalSection(&response_lock);
    memset(&last_response, 0, sizeof last_response);
    memcpy(&last_response, Response,
        Response->Size < sizeof last_response ? Response->Size : sizeof last_response);
    LeaveCriticalSection(&response_lock);
    SetEvent(response_ready);
}

EXPORT FSP_FILE_SYSTEM_OPERATION_CONTEXT *FspFileSystemGetOperationContext(VOID)
{
    return TlsGetValue(current_operation);
}

/* As WinFsp does it: entries are copied at 8-byte boundaries; a null entry writes the end marker
 * (a zero size); FALSE, and nothing written, when the entry does not fit. */
EXPORT BOOLEAN FspFileSystemAddDirInfo(FSP_FSCTL_DIR_INFO *DirInfo, PVOID Buffer, ULONG Length,
    PULONG PBytesTransferred)
{
    static const UINT16 end = 0;
    const void *source = DirInfo ? (const void *)DirInfo : (const void *)&end;
    ULONG size = DirInfo ? DirInfo->Size : sizeof end;
    ULONG room = DirInfo ? ALIGN8(size) : size;
    if (*PBytesTransferred + room > Length)
        return FALSE;
    memcpy((UINT8 *)Buffer + *PBytesTransferred, source, size);
    *PBytesTransferred += room;
    return TRUE;
}
