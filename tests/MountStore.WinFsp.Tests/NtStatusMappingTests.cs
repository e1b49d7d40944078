using MountStore.Core.Model;
using MountStore.WinFsp.Native;

namespace MountStore.WinFsp.Tests;

/// <summary>The one table from Core's errors to NTSTATUS: complete, errors only, and the statuses Windows programs expect.</summary>
public class NtStatusMappingTests
{
    [Fact]
    public void Every_FileSystemError_has_an_entry_of_its_own()
    {
        var missing = Enum.GetValues<FileSystemError>().Where(e => !NtStatusMapping.Table.ContainsKey(e)).ToList();
        Assert.Empty(missing);
    }

    [Fact]
    public void Every_entry_is_an_error_status()
    {
        Assert.All(NtStatusMapping.Table, entry =>
            Assert.True(NtStatus.IsError(entry.Value), $"{entry.Key} maps to 0x{entry.Value:X8}, not an error"));
    }

    [Theory]
    [InlineData(FileSystemError.NotFound, NtStatus.ObjectNameNotFound)]
    [InlineData(FileSystemError.NotADirectory, NtStatus.NotADirectory)]
    [InlineData(FileSystemError.IsADirectory, NtStatus.FileIsADirectory)]
    [InlineData(FileSystemError.ReadOnly, NtStatus.MediaWriteProtected)]
    [InlineData(FileSystemError.InvalidName, NtStatus.ObjectNameInvalid)]
    [InlineData(FileSystemError.NotEmpty, NtStatus.DirectoryNotEmpty)]
    [InlineData(FileSystemError.Exists, NtStatus.ObjectNameCollision)]
    [InlineData(FileSystemError.AccessDenied, NtStatus.AccessDenied)]
    [InlineData(FileSystemError.NoSpace, NtStatus.DiskFull)]
    [InlineData(FileSystemError.InputOutput, NtStatus.IoDeviceError)]
    public void The_statuses_Windows_programs_act_on(FileSystemError error, int status) =>
        Assert.Equal(status, NtStatusMapping.ToNtStatus(error));

    [Fact]
    public void A_value_outside_the_enum_is_an_IO_error_not_a_crash() =>
        Assert.Equal(NtStatus.IoDeviceError, NtStatusMapping.ToNtStatus((FileSystemError)999));
}
