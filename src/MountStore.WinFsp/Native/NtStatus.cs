namespace MountStore.WinFsp.Native;

/// <summary>
/// The NTSTATUS values the Windows door answers with (ntstatus.h). Each constant's name is its C
/// name in Pascal case (ObjectNameNotFound is STATUS_OBJECT_NAME_NOT_FOUND): the layout test
/// derives the C name from it and checks every value against mingw-w64's ntstatus.h.
/// </summary>
internal static class NtStatus
{
    public const int Success = 0;

    /// <summary>Read, Write and ReadDirectory: the answer follows through FspFileSystemSendResponse.</summary>
    public const int Pending = 0x00000103;

    public const int BufferOverflow = unchecked((int)0x80000005);
    public const int InvalidHandle = unchecked((int)0xC0000008);
    public const int InvalidParameter = unchecked((int)0xC000000D);
    public const int NoSuchDevice = unchecked((int)0xC000000E);
    public const int InvalidDeviceRequest = unchecked((int)0xC0000010);
    public const int EndOfFile = unchecked((int)0xC0000011);
    public const int AccessDenied = unchecked((int)0xC0000022);
    public const int BufferTooSmall = unchecked((int)0xC0000023);
    public const int ObjectNameInvalid = unchecked((int)0xC0000033);
    public const int ObjectNameNotFound = unchecked((int)0xC0000034);
    public const int ObjectNameCollision = unchecked((int)0xC0000035);
    public const int ObjectPathNotFound = unchecked((int)0xC000003A);
    public const int SharingViolation = unchecked((int)0xC0000043);
    public const int DeletePending = unchecked((int)0xC0000056);
    public const int DiskFull = unchecked((int)0xC000007F);
    public const int FileInvalid = unchecked((int)0xC0000098);
    public const int InsufficientResources = unchecked((int)0xC000009A);
    public const int MediaWriteProtected = unchecked((int)0xC00000A2);
    public const int FileIsADirectory = unchecked((int)0xC00000BA);
    public const int NotSupported = unchecked((int)0xC00000BB);
    public const int DirectoryNotEmpty = unchecked((int)0xC0000101);
    public const int NotADirectory = unchecked((int)0xC0000103);
    public const int NameTooLong = unchecked((int)0xC0000106);
    public const int CannotDelete = unchecked((int)0xC0000121);
    public const int Cancelled = unchecked((int)0xC0000120);
    public const int IoDeviceError = unchecked((int)0xC0000185);
    public const int FileTooLarge = unchecked((int)0xC0000904);

    /// <summary>Whether <paramref name="status"/> is an error (severity bits 11), not success, information or a warning.</summary>
    public static bool IsError(int status) => ((uint)status >> 30) == 3;
}
