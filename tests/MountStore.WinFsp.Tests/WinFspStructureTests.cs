using System.Runtime.InteropServices;
using MountStore.WinFsp.Native;

namespace MountStore.WinFsp.Tests;

/// <summary>The binding's few helpers that fill WinFsp structures: what they write, byte for byte where it matters.</summary>
public unsafe class WinFspStructureTests
{
    [Fact]
    public void A_directory_entry_is_its_head_then_its_UTF16_name_and_its_size_covers_both()
    {
        var entry = default(FspDirInfoEntry);
        var info = new FspFileInfo { FileSize = 42, FileAttributes = 0x80 };
        entry.Set("résumé.txt", info, nextOffset: 7);

        Assert.Equal(104 + 2 * "résumé.txt".Length, entry.Head.Size);
        Assert.Equal(42UL, entry.Head.FileInfo.FileSize);
        Assert.Equal(7UL, entry.Head.NextOffset);
        Assert.Equal("résumé.txt", FspDirInfo.NameOf(&entry.Head).ToString());
        var bytes = new ReadOnlySpan<byte>(&entry, entry.Head.Size);
        Assert.Equal("résumé.txt", MemoryMarshal.Cast<byte, char>(bytes[104..]).ToString());
    }

    [Fact]
    public void A_directory_entry_takes_a_255_unit_name_and_refuses_a_longer_one()
    {
        var entry = default(FspDirInfoEntry);
        entry.Set(new string('a', 255), default);
        Assert.Equal(104 + 510, entry.Head.Size);
        Assert.Throws<ArgumentException>(() => entry.Set(new string('a', 256), default));
    }

    [Fact]
    public void The_file_system_name_is_NUL_terminated_and_must_leave_room_for_the_NUL()
    {
        var volume = default(FspVolumeParams);
        volume.SetFileSystemName("MountStore");
        Assert.Equal("MountStore", new string(volume.FileSystemName));
        Assert.Throws<ArgumentException>(() => new FspVolumeParams().SetFileSystemName(new string('x', 16)));
        volume.SetFileSystemName("S3");
        Assert.Equal("S3", new string(volume.FileSystemName));
    }

    [Fact]
    public void The_volume_label_length_is_in_bytes_and_the_label_is_cut_to_32_units()
    {
        var info = default(FspVolumeInfo);
        info.SetVolumeLabel("results");
        Assert.Equal(14, info.VolumeLabelLength);
        info.SetVolumeLabel(new string('L', 40));
        Assert.Equal(64, info.VolumeLabelLength);
    }

    [Fact]
    public void A_completion_carries_the_request_hint_kind_status_and_count_in_a_full_size_response()
    {
        var read = FspTransactResponse.Completion(FspTransactKind.Read, hint: 0xABCDEF, NtStatus.Success, information: 4096);
        Assert.Equal(128, read.Size);
        Assert.Equal(FspTransactKind.Read, read.Kind);
        Assert.Equal(0xABCDEFUL, read.Hint);
        Assert.Equal(4096U, read.Information);

        var write = FspTransactResponse.WriteCompletion(5, NtStatus.DiskFull, 0, new FspFileInfo { FileSize = 9 });
        Assert.Equal(FspTransactKind.Write, write.Kind);
        Assert.Equal(NtStatus.DiskFull, write.Status);
        Assert.Equal(9UL, write.FileInfo.FileSize);
    }

    [Fact]
    public void The_volume_parameters_version_is_their_size()
    {
        Assert.Equal<int>(FspVolumeParams.CurrentVersion, sizeof(FspVolumeParams));
    }
}
