/*
 * A stand-in for WinFsp's winfsp-x64.dll, for checking MountStore's Windows door under wine, where
 * WinFsp's driver cannot run. It exports the functions the binding binds (WinFspApi) under their
 * WinFsp names and signatures. Its "dispatcher" is one thread that runs a script through the
 * interface table the door filled, the way WinFsp's dispatcher calls it: UTF-16 names, BOOLEANs
 * as bytes, the operation context in thread-local storage, STATUS_PENDING answered later through
 * FspFileSystemSendResponse with the request's hint. It prints one line per check,
 * "standin: <check>=ok" or "standin: <check>=FAILED <why>", and "standin: result=ok" at the end
 * when every check passed.
 *
 * The table is MountStore's own (WinFspEntries through DispatchedVolume, over WinFspAdapter, over
 * Core's MountedFileSystem, over a Swift container), served by tests/MountStore.WinFsp.WineProbe.
 * The script expects a container holding one object, inbox/from-linux?.txt ("put by the test\n"),
 * and leaves in it, for the test to check through the Swift API:
 *   reports/              the folder's marker
 *   reports/q1:draft.txt  BIG_SIZE bytes of pattern_at(), then "the end\n" (created as q1：draft.txt)
 *   reports/summary.txt   "final numbers\n" (final.txt renamed over it)
 * and inbox/from-linux?.txt as it was: final.txt was renamed away, scratch.tmp deleted on close.
 *
 * It stands in for WinFsp's transport, not for its semantics: it proves the structures, the
 * calling convention, the strings and the asynchronous completion, and nothing about what Windows
 * does with the answers (share modes, caching, when it sends Cleanup or which open it writes through).
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

/* NtCreateFile's create options (ntifs.h) and winfsp.h's FspCleanupDelete. */
#ifndef FILE_DIRECTORY_FILE
#define FILE_DIRECTORY_FILE 0x00000001
#endif
#ifndef FILE_NON_DIRECTORY_FILE
#define FILE_NON_DIRECTORY_FILE 0x00000040
#endif
#define FSP_CLEANUP_DELETE 0x01

/* The slots the script calls, with their winfsp.h signatures. winfsp_abi.h declares every slot
 * alike; SLOT casts one to its real type (through void (*)(void), which gcc accepts for any). */
#define SLOT(type, f) ((type *)(void (*)(void))(f))
typedef NTSTATUS GET_VOLUME_INFO(FSP_FILE_SYSTEM *, FSP_FSCTL_VOLUME_INFO *);
typedef NTSTATUS GET_SECURITY_BY_NAME(FSP_FILE_SYSTEM *, PWSTR, PUINT32, PSECURITY_DESCRIPTOR, SIZE_T *);
typedef NTSTATUS CREATE(FSP_FILE_SYSTEM *, PWSTR, UINT32, UINT32, UINT32, PSECURITY_DESCRIPTOR, UINT64, PVOID *,
    FSP_FSCTL_FILE_INFO *);
typedef NTSTATUS OPEN(FSP_FILE_SYSTEM *, PWSTR, UINT32, UINT32, PVOID *, FSP_FSCTL_FILE_INFO *);
typedef VOID CLEANUP(FSP_FILE_SYSTEM *, PVOID, PWSTR, ULONG);
typedef VOID CLOSE(FSP_FILE_SYSTEM *, PVOID);
typedef NTSTATUS READ(FSP_FILE_SYSTEM *, PVOID, PVOID, UINT64, ULONG, PULONG);
typedef NTSTATUS WRITE(FSP_FILE_SYSTEM *, PVOID, PVOID, UINT64, ULONG, BOOLEAN, BOOLEAN, PULONG,
    FSP_FSCTL_FILE_INFO *);
typedef NTSTATUS FLUSH(FSP_FILE_SYSTEM *, PVOID, FSP_FSCTL_FILE_INFO *);
typedef NTSTATUS GET_FILE_INFO(FSP_FILE_SYSTEM *, PVOID, FSP_FSCTL_FILE_INFO *);
typedef NTSTATUS CAN_DELETE(FSP_FILE_SYSTEM *, PVOID, PWSTR);
typedef NTSTATUS RENAME(FSP_FILE_SYSTEM *, PVOID, PWSTR, PWSTR, BOOLEAN);
typedef NTSTATUS READ_DIRECTORY(FSP_FILE_SYSTEM *, PVOID, PWSTR, PWSTR, PVOID, ULONG, PULONG);
typedef NTSTATUS GET_DIR_INFO_BY_NAME(FSP_FILE_SYSTEM *, PVOID, PWSTR, FSP_FSCTL_DIR_INFO *);
typedef VOID DISPATCHER_STOPPED(FSP_FILE_SYSTEM *, BOOLEAN);

/* The big file, written in one call: a file created for reading and writing is staged on local
 * disk by Core, and a 12 MiB write to it runs on the thread pool, so it answers STATUS_PENDING.
 * Above the probe's 5 MiB part size, it is stored as a segmented (SLO) object. */
#define BIG_SIZE (12u << 20)
#define CHUNK (1u << 20)
static const char TAIL[] = "the end\n";
#define TOTAL_SIZE (BIG_SIZE + sizeof TAIL - 1)

/* How long a pending request may take to be answered: a part upload on a loaded machine. */
#define RESPONSE_TIMEOUT_MS 60000

/* The bytes at each offset: position-dependent, so a piece landing at the wrong offset shows. */
static UINT8 pattern_at(UINT32 offset)
{
    return (UINT8)((offset * 2654435761u) >> 24);
}

/* The operation being served on each thread, in thread-local storage as WinFsp keeps it (a Win32
 * TLS slot rather than _Thread_local, which would make the DLL depend on libgcc's). */
static DWORD current_operation;

/* One response at a time: the script waits for each pending request's answer before going on. */
static CRITICAL_SECTION response_lock;
static HANDLE response_ready;
static FSP_FSCTL_TRANSACT_RSP last_response;
static FSP_FILE_SYSTEM *last_response_file_system;

static FSP_FILE_SYSTEM *fs;
static const FSP_FILE_SYSTEM_INTERFACE *ops;
static int failures;

/* What went through FspFileSystemSendResponse, by kind, and the responses that were wrong. */
static int pending_reads, pending_writes, pending_listings, bad_responses;

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

/* ---- serving requests that may go pending ---- */

/* A request's outcome, whether answered by the call or later through FspFileSystemSendResponse. */
typedef struct
{
    NTSTATUS status;
    ULONG information; /* bytes transferred */
    BOOLEAN pending;
    FSP_FSCTL_FILE_INFO file_info; /* Write's */
} ANSWER;

static FSP_FSCTL_TRANSACT_REQ serving_request;
static FSP_FSCTL_TRANSACT_RSP serving_response;
static FSP_FILE_SYSTEM_OPERATION_CONTEXT serving_context;
static UINT64 next_hint = 0xC0FFEE0000000001ull;

/* Before the call: an operation context holding the request's kind and a hint of its own. */
static void serve_begin(UINT32 kind)
{
    memset(&serving_request, 0, sizeof serving_request);
    memset(&serving_response, 0, sizeof serving_response);
    serving_request.Size = sizeof serving_request;
    serving_request.Kind = kind;
    serving_request.Hint = next_hint++;
    serving_context.Request = &serving_request;
    serving_context.Response = &serving_response;
    ResetEvent(response_ready);
    TlsSetValue(current_operation, &serving_context);
}

/* After the call: its own answer, or the response sent for it, which must carry its kind and hint. */
static ANSWER serve_end(NTSTATUS status, ULONG transferred, const FSP_FSCTL_FILE_INFO *info)
{
    ANSWER answer;
    FSP_FSCTL_TRANSACT_RSP response;
    TlsSetValue(current_operation, 0);
    memset(&answer, 0, sizeof answer);
    if (status != STATUS_PENDING)
    {
        answer.status = status;
        answer.information = transferred;
        if (info)
            answer.file_info = *info;
        return answer;
    }
    answer.pending = TRUE;
    if (WaitForSingleObject(response_ready, RESPONSE_TIMEOUT_MS) != WAIT_OBJECT_0)
    {
        printf("standin: no response within %d s to request %llx\n", RESPONSE_TIMEOUT_MS / 1000,
            (unsigned long long)serving_request.Hint);
        bad_responses++;
        answer.status = STATUS_PENDING;
        return answer;
    }
    EnterCriticalSection(&response_lock);
    response = last_response;
    if (last_response_file_system != fs)
    {
        printf("standin: a response was sent for another file system (%p)\n", (void *)last_response_file_system);
        bad_responses++;
    }
    LeaveCriticalSection(&response_lock);
    if (response.Size != sizeof(FSP_FSCTL_TRANSACT_RSP) || response.Kind != serving_request.Kind ||
        response.Hint != serving_request.Hint)
    {
        printf("standin: request %llx (kind %u) answered with size %u kind %u hint %llx\n",
            (unsigned long long)serving_request.Hint, (unsigned)serving_request.Kind, (unsigned)response.Size,
            (unsigned)response.Kind, (unsigned long long)response.Hint);
        bad_responses++;
    }
    if (serving_request.Kind == FspFsctlTransactReadKind)
        pending_reads++;
    else if (serving_request.Kind == FspFsctlTransactWriteKind)
        pending_writes++;
    else
        pending_listings++;
    answer.status = (NTSTATUS)response.IoStatus.Status;
    answer.information = response.IoStatus.Information;
    answer.file_info = response.Rsp.Write.FileInfo;
    return answer;
}

static ANSWER write_at(PVOID file, const void *data, UINT64 offset, ULONG length, BOOLEAN to_end)
{
    ULONG transferred = 0;
    FSP_FSCTL_FILE_INFO info;
    NTSTATUS status;
    memset(&info, 0, sizeof info);
    serve_begin(FspFsctlTransactWriteKind);
    status = SLOT(WRITE, ops->Write)(fs, file, (PVOID)data, offset, length, to_end, FALSE, &transferred, &info);
    return serve_end(status, transferred, &info);
}

static ANSWER read_at(PVOID file, void *buffer, UINT64 offset, ULONG length)
{
    ULONG transferred = 0;
    NTSTATUS status;
    serve_begin(FspFsctlTransactReadKind);
    status = SLOT(READ, ops->Read)(fs, file, buffer, offset, length, &transferred);
    return serve_end(status, transferred, 0);
}

static ANSWER read_directory(PVOID folder, PWSTR marker, void *buffer, ULONG length)
{
    ULONG transferred = 0;
    NTSTATUS status;
    serve_begin(FspFsctlTransactQueryDirectoryKind);
    status = SLOT(READ_DIRECTORY, ops->ReadDirectory)(fs, folder, 0, marker, buffer, length, &transferred);
    return serve_end(status, transferred, 0);
}

/* ---- the other operations, called as WinFsp calls them for a CreateFile or a CloseHandle ---- */

/* GetSecurityByName, which WinFsp asks before every open: the attributes, and no descriptor. */
static NTSTATUS attributes_of(PWSTR name, UINT32 *attributes)
{
    SIZE_T descriptor_size = 4096;
    NTSTATUS status = SLOT(GET_SECURITY_BY_NAME, ops->GetSecurityByName)(fs, name, attributes, 0, &descriptor_size);
    if (status == STATUS_SUCCESS && descriptor_size != 0)
        check("security-descriptor-size", 0, "%llu, not 0, for %ls", (unsigned long long)descriptor_size, name);
    return status;
}

/* CreateFile with CREATE_NEW: the name must be free, then Create. */
static NTSTATUS create(PWSTR name, UINT32 options, PVOID *file, FSP_FSCTL_FILE_INFO *info)
{
    UINT32 attributes = 0;
    NTSTATUS status = attributes_of(name, &attributes);
    if (status != STATUS_OBJECT_NAME_NOT_FOUND)
        return status == STATUS_SUCCESS ? STATUS_OBJECT_NAME_COLLISION : status;
    memset(info, 0, sizeof *info);
    return SLOT(CREATE, ops->Create)(fs, name, options, FILE_READ_DATA | FILE_WRITE_DATA | DELETE, 0, 0, 0, file, info);
}

/* CreateFile with OPEN_EXISTING. */
static NTSTATUS open_existing(PWSTR name, UINT32 options, UINT32 access, PVOID *file, FSP_FSCTL_FILE_INFO *info)
{
    UINT32 attributes = 0;
    NTSTATUS status = attributes_of(name, &attributes);
    if (status != STATUS_SUCCESS)
        return status;
    memset(info, 0, sizeof *info);
    return SLOT(OPEN, ops->Open)(fs, name, options, access, file, info);
}

/* The last handle closed: Cleanup (with the delete flag when one is pending), then Close. */
static void close_file(PVOID file, PWSTR name, ULONG cleanup_flags)
{
    SLOT(CLEANUP, ops->Cleanup)(fs, file, name, cleanup_flags);
    SLOT(CLOSE, ops->Close)(fs, file);
}

/* A small file created, written in one call and closed; the status of the first step that failed. */
static NTSTATUS write_small_file(PWSTR name, const char *text)
{
    PVOID file = 0;
    FSP_FSCTL_FILE_INFO info;
    ANSWER written;
    NTSTATUS status = create(name, FILE_NON_DIRECTORY_FILE, &file, &info);
    if (status != STATUS_SUCCESS)
        return status;
    written = write_at(file, text, 0, (ULONG)strlen(text), FALSE);
    close_file(file, name, 0);
    if (written.status == STATUS_SUCCESS && written.information != strlen(text))
        return STATUS_UNSUCCESSFUL;
    return written.status;
}

/* A small file's whole content as read through the table (NUL-terminated), or a status. */
static NTSTATUS read_small_file(PWSTR name, char *text, ULONG room)
{
    PVOID file = 0;
    FSP_FSCTL_FILE_INFO info;
    ANSWER read;
    NTSTATUS status = open_existing(name, FILE_NON_DIRECTORY_FILE, FILE_READ_DATA, &file, &info);
    if (status != STATUS_SUCCESS)
        return status;
    memset(text, 0, room);
    read = read_at(file, text, 0, room - 1);
    close_file(file, name, 0);
    return read.status;
}

/* ---- the script ---- */

static void check_interface(const FSP_FILE_SYSTEM_INTERFACE *i)
{
    int reserved_empty = 1, k;
    for (k = 0; k < 31; k++)
        reserved_empty &= i->Reserved[k] == 0;
    /* Every slot the door serves is where C expects it, and the slots around them are empty: a
     * table shifted by one slot fails here. SetDelete and DispatcherStopped may come later. */
    check("interface",
        i->GetVolumeInfo && i->GetSecurityByName && i->Create && i->Open && i->Overwrite && i->Cleanup && i->Close &&
            i->Read && i->Write && i->Flush && i->GetFileInfo && i->SetBasicInfo && i->SetFileSize && i->CanDelete &&
            i->Rename && i->ReadDirectory && i->GetDirInfoByName && !i->SetVolumeLabel && !i->GetSecurity &&
            !i->SetSecurity && !i->ResolveReparsePoints && !i->GetReparsePoint && !i->SetReparsePoint &&
            !i->DeleteReparsePoint && !i->GetStreamInfo && !i->Control && !i->CreateEx && !i->OverwriteEx &&
            !i->GetEa && !i->SetEa && !i->Obsolete0 && reserved_empty,
        "the slots filled are not the ones WinFspEntries serves, where C expects them");
}

static void volume_info(void)
{
    FSP_FSCTL_VOLUME_INFO volume;
    NTSTATUS status;
    memset(&volume, 0xff, sizeof volume);
    status = SLOT(GET_VOLUME_INFO, ops->GetVolumeInfo)(fs, &volume);
    check("volume-info",
        status == STATUS_SUCCESS && volume.TotalSize == (1ull << 50) && volume.FreeSize == (1ull << 50) &&
            volume.VolumeLabelLength == 10 * sizeof(WCHAR) && wmemcmp(volume.VolumeLabel, L"MountStore", 10) == 0,
        "status 0x%08x total %llu free %llu label length %u", (unsigned)status, (unsigned long long)volume.TotalSize,
        (unsigned long long)volume.FreeSize, (unsigned)volume.VolumeLabelLength);
}

#define BIG_NAME L"\\reports\\q1\uFF1Adraft.txt"
#define WRITE_TRIES 8

/* The big file under a mapped name: one write that waits for the store, a write to the end of
 * the file, FlushFileBuffers, close; then read back, first at an offset no read-ahead has reached. */
static void big_file(UINT8 *expected, UINT8 *back)
{
    PVOID file = 0;
    FSP_FSCTL_FILE_INFO info;
    ANSWER answer;
    NTSTATUS status;
    UINT32 attributes = 0;
    ULONG done;
    int tries;

    memset(&answer, 0, sizeof answer);

    status = create(BIG_NAME, FILE_NON_DIRECTORY_FILE, &file, &info);
    check("create-mapped-name", status == STATUS_SUCCESS && file && info.FileAttributes == FILE_ATTRIBUTE_ARCHIVE &&
            info.FileSize == 0,
        "status 0x%08x context %p attributes 0x%x size %llu", (unsigned)status, file, (unsigned)info.FileAttributes,
        (unsigned long long)info.FileSize);
    if (status != STATUS_SUCCESS)
        return;

    /* The write goes pending when the pool thread putting it into the staging file is still at it
     * as the entry looks; on two busy cores that thread can finish 12 MiB first. The same bytes at
     * the same offset again, up to WRITE_TRIES times, until one goes pending: the check is of the
     * pending answer's path, not of the scheduler. */
    for (tries = 1;; tries++)
    {
        answer = write_at(file, expected, 0, BIG_SIZE, FALSE);
        if (answer.pending || answer.status != STATUS_SUCCESS || tries == WRITE_TRIES)
            break;
    }
    if (tries > 1 && answer.pending)
        printf("standin: the big write went pending on try %d\n", tries);
    check("write-pending", answer.pending, "%d writes of %u bytes were all answered at once", tries, BIG_SIZE);
    check("write", answer.status == STATUS_SUCCESS && answer.information == BIG_SIZE &&
            answer.file_info.FileSize == BIG_SIZE,
        "status 0x%08x written %lu file size %llu", (unsigned)answer.status, (unsigned long)answer.information,
        (unsigned long long)answer.file_info.FileSize);

    /* Write-to-end-of-file: the offset given is ignored, the bytes land at the end. */
    answer = write_at(file, TAIL, (UINT64)-1, sizeof TAIL - 1, TRUE);
    check("write-to-end", answer.status == STATUS_SUCCESS && answer.information == sizeof TAIL - 1 &&
            answer.file_info.FileSize == TOTAL_SIZE,
        "status 0x%08x written %lu file size %llu", (unsigned)answer.status, (unsigned long)answer.information,
        (unsigned long long)answer.file_info.FileSize);

    memset(&info, 0, sizeof info);
    status = SLOT(FLUSH, ops->Flush)(fs, file, &info);
    check("flush", status == STATUS_SUCCESS && info.FileSize == TOTAL_SIZE, "status 0x%08x size %llu",
        (unsigned)status, (unsigned long long)info.FileSize);
    memset(&info, 0, sizeof info);
    status = SLOT(GET_FILE_INFO, ops->GetFileInfo)(fs, file, &info);
    check("file-info", status == STATUS_SUCCESS && info.FileSize == TOTAL_SIZE &&
            info.AllocationSize == (TOTAL_SIZE + 4095) / 4096 * 4096 &&
            info.FileAttributes == FILE_ATTRIBUTE_ARCHIVE && info.LastWriteTime != 0,
        "status 0x%08x size %llu allocation %llu attributes 0x%x", (unsigned)status, (unsigned long long)info.FileSize,
        (unsigned long long)info.AllocationSize, (unsigned)info.FileAttributes);
    close_file(file, BIG_NAME, 0);

    status = attributes_of(BIG_NAME, &attributes);
    check("security-by-name", status == STATUS_SUCCESS && attributes == FILE_ATTRIBUTE_ARCHIVE,
        "status 0x%08x attributes 0x%x", (unsigned)status, (unsigned)attributes);
    file = 0;
    status = open_existing(BIG_NAME, FILE_NON_DIRECTORY_FILE, FILE_READ_DATA, &file, &info);
    check("open", status == STATUS_SUCCESS && file && info.FileSize == TOTAL_SIZE, "status 0x%08x size %llu",
        (unsigned)status, (unsigned long long)info.FileSize);
    if (status != STATUS_SUCCESS)
        return;

    /* Half-way into the file: no read-ahead begun at open has these bytes, so the read waits. */
    memset(back, 0, CHUNK);
    answer = read_at(file, back, 6u << 20, CHUNK);
    check("read-pending", answer.pending, "a read at 6 MiB was answered at once");
    check("read", answer.status == STATUS_SUCCESS && answer.information == CHUNK &&
            memcmp(back, expected + (6u << 20), CHUNK) == 0,
        "status 0x%08x read %lu, bytes %s", (unsigned)answer.status, (unsigned long)answer.information,
        memcmp(back, expected + (6u << 20), CHUNK) == 0 ? "equal" : "differ");

    memset(back, 0, TOTAL_SIZE);
    for (done = 0; done < TOTAL_SIZE;)
    {
        answer = read_at(file, back + done, done, CHUNK);
        if (answer.status != STATUS_SUCCESS || answer.information == 0)
            break;
        done += answer.information;
    }
    check("read-back", done == TOTAL_SIZE && memcmp(back, expected, TOTAL_SIZE) == 0,
        "%lu of %lu bytes read (last status 0x%08x), bytes %s", (unsigned long)done, (unsigned long)TOTAL_SIZE,
        (unsigned)answer.status, memcmp(back, expected, TOTAL_SIZE) == 0 ? "equal" : "differ");
    answer = read_at(file, back, TOTAL_SIZE, CHUNK);
    check("read-end-of-file", answer.status == STATUS_END_OF_FILE, "status 0x%08x", (unsigned)answer.status);
    close_file(file, BIG_NAME, 0);
}

/* Rename over an existing file: refused without ReplaceIfExists, done with it. */
static void rename_over(void)
{
    PVOID file = 0;
    FSP_FSCTL_FILE_INFO info;
    NTSTATUS status, refused, replaced;
    UINT32 attributes = 0;
    char text[64];

    status = write_small_file(L"\\reports\\summary.txt", "old summary\n");
    check("write-summary", status == STATUS_SUCCESS, "status 0x%08x", (unsigned)status);
    status = write_small_file(L"\\reports\\final.txt", "final numbers\n");
    check("write-final", status == STATUS_SUCCESS, "status 0x%08x", (unsigned)status);

    status = open_existing(L"\\reports\\final.txt", FILE_NON_DIRECTORY_FILE, DELETE | FILE_READ_ATTRIBUTES, &file, &info);
    if (status != STATUS_SUCCESS)
    {
        check("rename", 0, "opening final.txt: status 0x%08x", (unsigned)status);
        return;
    }
    refused = SLOT(RENAME, ops->Rename)(fs, file, L"\\reports\\final.txt", L"\\reports\\summary.txt", FALSE);
    replaced = SLOT(RENAME, ops->Rename)(fs, file, L"\\reports\\final.txt", L"\\reports\\summary.txt", TRUE);
    close_file(file, L"\\reports\\summary.txt", 0);
    check("rename-no-replace", refused == STATUS_OBJECT_NAME_COLLISION, "status 0x%08x", (unsigned)refused);
    check("rename-replace", replaced == STATUS_SUCCESS, "status 0x%08x", (unsigned)replaced);

    status = attributes_of(L"\\reports\\final.txt", &attributes);
    check("renamed-away", status == STATUS_OBJECT_NAME_NOT_FOUND, "status 0x%08x", (unsigned)status);
    status = read_small_file(L"\\reports\\summary.txt", text, sizeof text);
    check("renamed-bytes", status == STATUS_SUCCESS && strcmp(text, "final numbers\n") == 0, "status 0x%08x text '%s'",
        (unsigned)status, text);
}

/* The next entry of a listing, or null at the end marker or the end of the bytes. */
static const FSP_FSCTL_DIR_INFO *next_entry(const UINT8 *buffer, ULONG length, ULONG *offset)
{
    const FSP_FSCTL_DIR_INFO *entry;
    if (*offset + sizeof(UINT16) > length)
        return 0;
    entry = (const FSP_FSCTL_DIR_INFO *)(buffer + *offset);
    if (entry->Size == 0)
        return 0;
    *offset += ALIGN8(entry->Size);
    return entry;
}

static int entry_is(const FSP_FSCTL_DIR_INFO *entry, const WCHAR *name, UINT64 size)
{
    size_t length = wcslen(name);
    return entry && entry->Size == sizeof(FSP_FSCTL_DIR_INFO) + length * sizeof(WCHAR) &&
        wmemcmp(entry->FileNameBuf, name, length) == 0 && entry->FileInfo.FileSize == size;
}

#define MAX_LISTED 16

/* The folder listed through a 256-byte buffer, each page resumed after the last name of the one
 * before (WinFsp's marker), until the end marker. */
static void list_paged(PVOID folder)
{
    static const WCHAR *expected_names[] = {L".", L"..", L"q1\uFF1Adraft.txt", L"scratch.tmp", L"summary.txt"};
    static const UINT64 expected_sizes[] = {0, 0, TOTAL_SIZE, 8, 14};
    WCHAR names[MAX_LISTED][64];
    UINT64 sizes[MAX_LISTED];
    UINT32 attributes[MAX_LISTED];
    WCHAR marker[64];
    UINT8 page[256];
    int count = 0, pages = 0, ended = 0, k, same;
    NTSTATUS status = STATUS_SUCCESS;

    while (!ended && pages < 10)
    {
        ULONG offset;
        ANSWER answer;
        memset(page, 0xee, sizeof page);
        answer = read_directory(folder, count == 0 ? 0 : marker, page, sizeof page);
        pages++;
        status = answer.status;
        if (status != STATUS_SUCCESS)
            break;
        for (offset = 0; offset + sizeof(UINT16) <= answer.information;)
        {
            const FSP_FSCTL_DIR_INFO *entry = (const FSP_FSCTL_DIR_INFO *)(page + offset);
            size_t length;
            if (entry->Size == 0)
            {
                ended = 1;
                break;
            }
            length = (entry->Size - sizeof(FSP_FSCTL_DIR_INFO)) / sizeof(WCHAR);
            if (count == MAX_LISTED || length >= 64)
                break;
            wmemcpy(names[count], entry->FileNameBuf, length);
            names[count][length] = 0;
            sizes[count] = entry->FileInfo.FileSize;
            attributes[count] = entry->FileInfo.FileAttributes;
            wcscpy(marker, names[count]);
            count++;
            offset += ALIGN8(entry->Size);
        }
    }
    same = count == 5;
    for (k = 0; same && k < 5; k++)
        same = wcscmp(names[k], expected_names[k]) == 0 && sizes[k] == expected_sizes[k] &&
            ((attributes[k] & FILE_ATTRIBUTE_DIRECTORY) != 0) == (k < 2);
    check("list-paged", status == STATUS_SUCCESS && ended && pages >= 3 && same,
        "status 0x%08x, %d pages, %d entries (%ls %ls %ls ...), end marker %s", (unsigned)status, pages, count,
        count > 0 ? names[0] : L"", count > 1 ? names[1] : L"", count > 2 ? names[2] : L"", ended ? "seen" : "missing");
}

static void dir_info_by_name(PVOID folder)
{
    struct
    {
        FSP_FSCTL_DIR_INFO head;
        WCHAR name[256];
    } entry;
    NTSTATUS status;
    size_t length = wcslen(L"q1\uFF1Adraft.txt");

    memset(&entry, 0, sizeof entry);
    status = SLOT(GET_DIR_INFO_BY_NAME, ops->GetDirInfoByName)(fs, folder, L"q1\uFF1Adraft.txt", &entry.head);
    check("dir-info-by-name", status == STATUS_SUCCESS && entry.head.Size == sizeof(FSP_FSCTL_DIR_INFO) + length * sizeof(WCHAR) &&
            wmemcmp(entry.head.FileNameBuf, L"q1\uFF1Adraft.txt", length) == 0 && entry.head.FileInfo.FileSize == TOTAL_SIZE,
        "status 0x%08x size %u file size %llu", (unsigned)status, (unsigned)entry.head.Size,
        (unsigned long long)entry.head.FileInfo.FileSize);
    status = SLOT(GET_DIR_INFO_BY_NAME, ops->GetDirInfoByName)(fs, folder, L"nope.txt", &entry.head);
    check("dir-info-by-name-missing", status == STATUS_OBJECT_NAME_NOT_FOUND, "status 0x%08x", (unsigned)status);
}

/* A folder this mount has never seen, put there by another tool: its listing waits for the store,
 * and its name that Windows cannot show comes back mapped. */
static void list_foreign_folder(void)
{
    PVOID folder = 0;
    FSP_FSCTL_FILE_INFO info;
    UINT8 page[4096];
    ANSWER answer;
    ULONG offset = 0;
    const FSP_FSCTL_DIR_INFO *dot, *dotdot, *file, *end;
    NTSTATUS status = open_existing(L"\\inbox", FILE_DIRECTORY_FILE, FILE_LIST_DIRECTORY, &folder, &info);
    if (status != STATUS_SUCCESS)
    {
        check("list-foreign", 0, "opening \\inbox: status 0x%08x", (unsigned)status);
        return;
    }
    answer = read_directory(folder, 0, page, sizeof page);
    close_file(folder, L"\\inbox", 0);
    dot = next_entry(page, answer.information, &offset);
    dotdot = next_entry(page, answer.information, &offset);
    file = next_entry(page, answer.information, &offset);
    end = next_entry(page, answer.information, &offset);
    check("read-directory-pending", answer.pending, "the first listing of \\inbox was answered at once");
    check("list-foreign",
        answer.status == STATUS_SUCCESS && entry_is(dot, L".", 0) && entry_is(dotdot, L"..", 0) &&
            entry_is(file, L"from-linux\uFF1F.txt", 16) && end == 0 && offset + sizeof(UINT16) == answer.information,
        "status 0x%08x, %lu bytes: not [., .., from-linux\uFF1F.txt (16 bytes)] then the end", (unsigned)answer.status,
        (unsigned long)answer.information);
}

/* DeleteFile: open, set the disposition (CanDelete), close with FspCleanupDelete. */
static void delete_on_close(PVOID folder)
{
    PVOID file = 0;
    FSP_FSCTL_FILE_INFO info;
    NTSTATUS status;
    UINT32 attributes = 0;

    status = SLOT(CAN_DELETE, ops->CanDelete)(fs, folder, L"\\reports");
    check("can-delete-full-folder", status == STATUS_DIRECTORY_NOT_EMPTY, "status 0x%08x", (unsigned)status);

    status = open_existing(L"\\reports\\scratch.tmp", FILE_NON_DIRECTORY_FILE, DELETE | FILE_READ_ATTRIBUTES, &file, &info);
    if (status != STATUS_SUCCESS)
    {
        check("delete-on-close", 0, "opening scratch.tmp: status 0x%08x", (unsigned)status);
        return;
    }
    status = SLOT(CAN_DELETE, ops->CanDelete)(fs, file, L"\\reports\\scratch.tmp");
    check("can-delete", status == STATUS_SUCCESS, "status 0x%08x", (unsigned)status);
    close_file(file, L"\\reports\\scratch.tmp", FSP_CLEANUP_DELETE);
    status = attributes_of(L"\\reports\\scratch.tmp", &attributes);
    check("delete-on-close", status == STATUS_OBJECT_NAME_NOT_FOUND, "status 0x%08x after the close", (unsigned)status);
}

static DWORD WINAPI run_script(LPVOID parameter)
{
    PVOID folder = 0;
    FSP_FSCTL_FILE_INFO info;
    NTSTATUS status;
    UINT8 *expected = malloc(TOTAL_SIZE), *back = malloc(TOTAL_SIZE);
    UINT32 k;

    (void)parameter;
    check("user-context", fs->UserContext != 0, "the binding did not set FSP_FILE_SYSTEM.UserContext");
    if (!expected || !back)
    {
        check("result", 0, "no memory for the script");
        return 0;
    }
    for (k = 0; k < BIG_SIZE; k++)
        expected[k] = pattern_at(k);
    memcpy(expected + BIG_SIZE, TAIL, sizeof TAIL - 1);

    volume_info();

    status = create(L"\\reports", FILE_DIRECTORY_FILE, &folder, &info);
    check("create-folder", status == STATUS_SUCCESS && folder && (info.FileAttributes & FILE_ATTRIBUTE_DIRECTORY),
        "status 0x%08x attributes 0x%x", (unsigned)status, (unsigned)info.FileAttributes);
    if (status == STATUS_SUCCESS)
    {
        list_foreign_folder();
        big_file(expected, back);
        rename_over();
        status = write_small_file(L"\\reports\\scratch.tmp", "scratch\n");
        check("write-scratch", status == STATUS_SUCCESS, "status 0x%08x", (unsigned)status);
        list_paged(folder);
        dir_info_by_name(folder);
        delete_on_close(folder);
        close_file(folder, L"\\reports", 0);
    }

    printf("standin: went pending: read=%d write=%d read-directory=%d\n", pending_reads, pending_writes, pending_listings);
    check("responses", bad_responses == 0, "%d responses missing or wrong", bad_responses);
    check("result", failures == 0, "%d checks failed", failures);
    free(expected);
    free(back);
    return 0;
}

/* ---- the exports ---- */

EXPORT NTSTATUS FspFileSystemCreate(PWSTR DevicePath, const FSP_FSCTL_VOLUME_PARAMS *VolumeParams,
    const FSP_FILE_SYSTEM_INTERFACE *Interface, FSP_FILE_SYSTEM **PFileSystem)
{
    FSP_FILE_SYSTEM *created;
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
    check_interface(Interface);
    created = calloc(1, sizeof *created);
    if (!created)
        return STATUS_INSUFFICIENT_RESOURCES;
    created->Interface = Interface;
    *PFileSystem = created;
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
    fs = FileSystem;
    ops = FileSystem->Interface;
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
    EnterCriticalSection(&response_lock);
    memset(&last_response, 0, sizeof last_response);
    memcpy(&last_response, Response,
        Response->Size < sizeof last_response ? Response->Size : sizeof last_response);
    last_response_file_system = FileSystem;
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
