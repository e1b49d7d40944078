using MountStore.Core.Model;

namespace MountStore.WinFsp.Tests;

/// <summary>POSIX attributes as Windows sees them: attributes from the kind and mode, sizes, and FILETIMEs.</summary>
public class WindowsFileInfoTests
{
    private static readonly DateTimeOffset Written = new(2026, 12, 6, 2, 3, 4, TimeSpan.Zero);

    private static NodeAttributes File(long size, uint permissions) =>
        new(NodeKind.File, size, FileModeBits.Mode(NodeKind.File, permissions), 1000, 1000, Written, "etag", true);

    [Fact]
    public void A_writable_file_is_archive_with_its_size_rounded_up_to_the_allocation_unit()
    {
        var info = WindowsFileInfo.From(File(5000, 0x1A4 /* 0644 */), indexNumber: 7);
        Assert.Equal(WindowsFileInfo.ArchiveAttribute, info.FileAttributes);
        Assert.Equal(5000UL, info.FileSize);
        Assert.Equal(8192UL, info.AllocationSize);
        Assert.Equal(7UL, info.IndexNumber);
    }

    [Fact]
    public void A_file_its_owner_may_not_write_is_read_only()
    {
        var info = WindowsFileInfo.From(File(1, 0x124 /* 0444 */));
        Assert.Equal(WindowsFileInfo.ArchiveAttribute | WindowsFileInfo.ReadOnlyAttribute, info.FileAttributes);
    }

    [Fact]
    public void A_directory_is_a_directory_of_size_zero_and_never_read_only()
    {
        var directory = new NodeAttributes(NodeKind.Directory, 4096, FileModeBits.Mode(NodeKind.Directory, 0x16D /* 0555 */), 0, 0, Written, null, false);
        var info = WindowsFileInfo.From(directory);
        Assert.Equal(WindowsFileInfo.DirectoryAttribute, info.FileAttributes);
        Assert.Equal(0UL, info.FileSize);
        Assert.Equal(0UL, info.AllocationSize);
    }

    [Fact]
    public void Times_are_FILETIMEs_with_the_last_write_standing_in_for_creation_and_access_when_the_store_has_none()
    {
        var info = WindowsFileInfo.From(File(0, 0x1A4));
        var expected = (ulong)Written.ToFileTime();
        Assert.Equal(expected, info.LastWriteTime);
        Assert.Equal(expected, info.CreationTime);
        Assert.Equal(expected, info.LastAccessTime);
        Assert.Equal(expected, info.ChangeTime);

        var accessed = Written.AddHours(1);
        var changed = Written.AddMinutes(1);
        var withTimes = WindowsFileInfo.From(File(0, 0x1A4) with { AccessTime = accessed, ChangeTime = changed });
        Assert.Equal((ulong)accessed.ToFileTime(), withTimes.LastAccessTime);
        Assert.Equal((ulong)changed.ToFileTime(), withTimes.ChangeTime);
    }

    [Fact]
    public void A_time_before_1601_shows_as_1601_instead_of_failing()
    {
        Assert.Equal(0UL, WindowsFileInfo.FileTime(new DateTimeOffset(1500, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        Assert.Equal(0UL, WindowsFileInfo.FileTime(DateTimeOffset.MinValue));
        Assert.Equal(1UL, WindowsFileInfo.FileTime(new DateTimeOffset(1601, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(1)));
    }
}
