using System.Numerics;
using System.Reflection;
using System.Text;

namespace MountStore.WinFsp.Native;

/// <summary>
/// The binding's idea of WinFsp's layouts, as the "name=value" lines native/winfsp_layout.c
/// prints for the Windows x64 ABI, keyed by the C names, so a test can compare them line by line.
/// Computed from sizeof and field addresses, i.e. from the layout the runtime really uses when it
/// passes these structures by pointer.
/// </summary>
internal static unsafe class WinFspNativeLayout
{
    public static IReadOnlyDictionary<string, long> Describe()
    {
        var d = new Dictionary<string, long> { ["sizeof(void *)"] = sizeof(void*) };

        var volume = default(FspVolumeParams);
        const string V = "FSP_FSCTL_VOLUME_PARAMS";
        d[$"sizeof({V})"] = sizeof(FspVolumeParams);
        d[$"{V}.Version"] = Offset(&volume, &volume.Version);
        d[$"{V}.SectorSize"] = Offset(&volume, &volume.SectorSize);
        d[$"{V}.SectorsPerAllocationUnit"] = Offset(&volume, &volume.SectorsPerAllocationUnit);
        d[$"{V}.MaxComponentLength"] = Offset(&volume, &volume.MaxComponentLength);
        d[$"{V}.VolumeCreationTime"] = Offset(&volume, &volume.VolumeCreationTime);
        d[$"{V}.VolumeSerialNumber"] = Offset(&volume, &volume.VolumeSerialNumber);
        d[$"{V}.TransactTimeout"] = Offset(&volume, &volume.TransactTimeout);
        d[$"{V}.IrpTimeout"] = Offset(&volume, &volume.IrpTimeout);
        d[$"{V}.IrpCapacity"] = Offset(&volume, &volume.IrpCapacity);
        d[$"{V}.FileInfoTimeout"] = Offset(&volume, &volume.FileInfoTimeout);
        Bits<FspVolumeFlags>(d, V, Offset(&volume, &volume.Flags));
        d[$"{V}.Prefix"] = Offset(&volume, volume.Prefix);
        d[$"{V}.FileSystemName"] = Offset(&volume, volume.FileSystemName);
        Bits<FspVolumeTimeoutFlags>(d, V, Offset(&volume, &volume.TimeoutFlags));
        d[$"{V}.VolumeInfoTimeout"] = Offset(&volume, &volume.VolumeInfoTimeout);
        d[$"{V}.DirInfoTimeout"] = Offset(&volume, &volume.DirInfoTimeout);
        d[$"{V}.SecurityTimeout"] = Offset(&volume, &volume.SecurityTimeout);
        d[$"{V}.StreamInfoTimeout"] = Offset(&volume, &volume.StreamInfoTimeout);
        d[$"{V}.EaTimeout"] = Offset(&volume, &volume.EaTimeout);
        d[$"{V}.FsextControlCode"] = Offset(&volume, &volume.FsextControlCode);

        var info = default(FspVolumeInfo);
        d["sizeof(FSP_FSCTL_VOLUME_INFO)"] = sizeof(FspVolumeInfo);
        d["FSP_FSCTL_VOLUME_INFO.TotalSize"] = Offset(&info, &info.TotalSize);
        d["FSP_FSCTL_VOLUME_INFO.FreeSize"] = Offset(&info, &info.FreeSize);
        d["FSP_FSCTL_VOLUME_INFO.VolumeLabelLength"] = Offset(&info, &info.VolumeLabelLength);
        d["FSP_FSCTL_VOLUME_INFO.VolumeLabel"] = Offset(&info, info.VolumeLabel);

        var file = default(FspFileInfo);
        const string F = "FSP_FSCTL_FILE_INFO";
        d[$"sizeof({F})"] = sizeof(FspFileInfo);
        d[$"{F}.FileAttributes"] = Offset(&file, &file.FileAttributes);
        d[$"{F}.ReparseTag"] = Offset(&file, &file.ReparseTag);
        d[$"{F}.AllocationSize"] = Offset(&file, &file.AllocationSize);
        d[$"{F}.FileSize"] = Offset(&file, &file.FileSize);
        d[$"{F}.CreationTime"] = Offset(&file, &file.CreationTime);
        d[$"{F}.LastAccessTime"] = Offset(&file, &file.LastAccessTime);
        d[$"{F}.LastWriteTime"] = Offset(&file, &file.LastWriteTime);
        d[$"{F}.ChangeTime"] = Offset(&file, &file.ChangeTime);
        d[$"{F}.IndexNumber"] = Offset(&file, &file.IndexNumber);
        d[$"{F}.HardLinks"] = Offset(&file, &file.HardLinks);
        d[$"{F}.EaSize"] = Offset(&file, &file.EaSize);

        var entry = default(FspDirInfoEntry);
        d["sizeof(FSP_FSCTL_DIR_INFO)"] = sizeof(FspDirInfo);
        d["FSP_FSCTL_DIR_INFO.Size"] = Offset(&entry, &entry.Head.Size);
        d["FSP_FSCTL_DIR_INFO.FileInfo"] = Offset(&entry, &entry.Head.FileInfo);
        d["FSP_FSCTL_DIR_INFO.NextOffset"] = Offset(&entry, &entry.Head.NextOffset);
        // The name follows the head: where FspDirInfoEntry puts it is where C's FileNameBuf is.
        d["FSP_FSCTL_DIR_INFO.FileNameBuf"] = Offset(&entry, entry.Name);

        var request = default(FspTransactRequest);
        const string Q = "FSP_FSCTL_TRANSACT_REQ";
        d[$"sizeof({Q})"] = sizeof(FspTransactRequest);
        d[$"{Q}.Version"] = Offset(&request, &request.Version);
        d[$"{Q}.Size"] = Offset(&request, &request.Size);
        d[$"{Q}.Kind"] = Offset(&request, &request.Kind);
        d[$"{Q}.Hint"] = Offset(&request, &request.Hint);
        d[$"{Q}.FileName"] = Offset(&request, &request.FileName);

        var response = default(FspTransactResponse);
        const string R = "FSP_FSCTL_TRANSACT_RSP";
        d[$"sizeof({R})"] = sizeof(FspTransactResponse);
        d[$"{R}.Version"] = Offset(&response, &response.Version);
        d[$"{R}.Size"] = Offset(&response, &response.Size);
        d[$"{R}.Kind"] = Offset(&response, &response.Kind);
        d[$"{R}.Hint"] = Offset(&response, &response.Hint);
        d[$"{R}.IoStatus.Information"] = Offset(&response, &response.Information);
        d[$"{R}.IoStatus.Status"] = Offset(&response, &response.Status);
        d[$"{R}.Rsp.Write.FileInfo"] = Offset(&response, &response.FileInfo);

        // Every slot by its C name: the fields are declared in WinFsp's order with its names. The
        // struct is blittable and sequential, so the marshalled offsets are the ones in memory.
        d["sizeof(FSP_FILE_SYSTEM_INTERFACE)"] = sizeof(FspFileSystemInterface);
        foreach (var field in typeof(FspFileSystemInterface).GetFields(BindingFlags.Public | BindingFlags.Instance))
            d[$"FSP_FILE_SYSTEM_INTERFACE.{field.Name}"] = (long)System.Runtime.InteropServices.Marshal.OffsetOf<FspFileSystemInterface>(field.Name);

        var fileSystem = default(FspFileSystem);
        d["FSP_FILE_SYSTEM.Version"] = Offset(&fileSystem, &fileSystem.Version);
        d["FSP_FILE_SYSTEM.UserContext"] = Offset(&fileSystem, &fileSystem.UserContext);
        d["FSP_FILE_SYSTEM.MountPoint"] = FspFileSystem.MountPointOffset;

        var context = default(FspOperationContext);
        d["sizeof(FSP_FILE_SYSTEM_OPERATION_CONTEXT)"] = sizeof(FspOperationContext);
        d["FSP_FILE_SYSTEM_OPERATION_CONTEXT.Request"] = Offset(&context, &context.Request);
        d["FSP_FILE_SYSTEM_OPERATION_CONTEXT.Response"] = Offset(&context, &context.Response);

        d["FspFsctlTransactReadKind"] = (long)FspTransactKind.Read;
        d["FspFsctlTransactWriteKind"] = (long)FspTransactKind.Write;
        d["FspFsctlTransactQueryDirectoryKind"] = (long)FspTransactKind.QueryDirectory;

        foreach (var constant in typeof(NtStatus).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral))
            d[CName("STATUS", constant.Name)] = (int)constant.GetRawConstantValue()!;
        return d;
    }

    /// <summary>"ObjectNameNotFound" with prefix "STATUS" is "STATUS_OBJECT_NAME_NOT_FOUND".</summary>
    internal static string CName(string prefix, string pascalName)
    {
        var name = new StringBuilder(prefix);
        foreach (var c in pascalName)
        {
            if (char.IsUpper(c)) name.Append('_');
            name.Append(char.ToUpperInvariant(c));
        }
        return name.ToString();
    }

    // A bit field is reported as its absolute bit index from the start of its structure, as the C side does.
    private static void Bits<TFlags>(Dictionary<string, long> d, string structure, long wordOffset) where TFlags : struct, Enum
    {
        // By name, not by value: two names given the same bit by mistake must both be checked.
        foreach (var name in Enum.GetNames<TFlags>())
        {
            var bits = Convert.ToUInt32(Enum.Parse<TFlags>(name), System.Globalization.CultureInfo.InvariantCulture);
            if (bits != 0) d[$"{structure}.{name}_bit"] = wordOffset * 8 + BitOperations.TrailingZeroCount(bits);
        }
    }

    private static long Offset(void* start, void* field) => (byte*)field - (byte*)start;
}
