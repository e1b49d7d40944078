namespace MountStore.Fuse.Native;

/// <summary>
/// The binding's idea of the native layouts, as the same "name=value" lines native/fuse_layout.c
/// prints from the real headers, so a test can compare the two line by line.
/// </summary>
internal static unsafe class NativeLayout
{
    public static IReadOnlyDictionary<string, long> Describe()
    {
        var d = new Dictionary<string, long>();
        void Size<T>(string name) where T : unmanaged => d[$"sizeof({name})"] = sizeof(T);

        var stat = default(Stat);
        Size<Stat>("stat");
        d["stat.st_ino"] = Offset(&stat, &stat.Inode);
        d["stat.st_nlink"] = Offset(&stat, &stat.LinkCount);
        d["stat.st_mode"] = Offset(&stat, &stat.Mode);
        d["stat.st_uid"] = Offset(&stat, &stat.Uid);
        d["stat.st_gid"] = Offset(&stat, &stat.Gid);
        d["stat.st_rdev"] = Offset(&stat, &stat.SpecialDevice);
        d["stat.st_size"] = Offset(&stat, &stat.Size);
        d["stat.st_blksize"] = Offset(&stat, &stat.BlockSize);
        d["stat.st_blocks"] = Offset(&stat, &stat.Blocks);
        d["stat.st_atim"] = Offset(&stat, &stat.AccessTime);
        d["stat.st_mtim"] = Offset(&stat, &stat.ModifyTime);
        d["stat.st_ctim"] = Offset(&stat, &stat.ChangeTime);

        var vfs = default(StatVfs);
        Size<StatVfs>("statvfs");
        d["statvfs.f_bsize"] = Offset(&vfs, &vfs.BlockSize);
        d["statvfs.f_frsize"] = Offset(&vfs, &vfs.FragmentSize);
        d["statvfs.f_blocks"] = Offset(&vfs, &vfs.Blocks);
        d["statvfs.f_bfree"] = Offset(&vfs, &vfs.BlocksFree);
        d["statvfs.f_bavail"] = Offset(&vfs, &vfs.BlocksAvailable);
        d["statvfs.f_files"] = Offset(&vfs, &vfs.Files);
        d["statvfs.f_ffree"] = Offset(&vfs, &vfs.FilesFree);
        d["statvfs.f_favail"] = Offset(&vfs, &vfs.FilesAvailable);
        d["statvfs.f_fsid"] = Offset(&vfs, &vfs.FilesystemId);
        d["statvfs.f_flag"] = Offset(&vfs, &vfs.Flags);
        d["statvfs.f_namemax"] = Offset(&vfs, &vfs.NameMax);

        var entry = default(FuseEntryParam);
        Size<FuseEntryParam>("fuse_entry_param");
        d["fuse_entry_param.ino"] = Offset(&entry, &entry.Inode);
        d["fuse_entry_param.generation"] = Offset(&entry, &entry.Generation);
        d["fuse_entry_param.attr"] = Offset(&entry, &entry.Attributes);
        d["fuse_entry_param.attr_timeout"] = Offset(&entry, &entry.AttributeTimeout);
        d["fuse_entry_param.entry_timeout"] = Offset(&entry, &entry.EntryTimeout);

        var file = default(FuseFileInfo);
        Size<FuseFileInfo>("fuse_file_info");
        d["fuse_file_info.flags"] = Offset(&file, &file.Flags);
        d["fuse_file_info.fh"] = Offset(&file, &file.Handle);
        d["fuse_file_info.lock_owner"] = Offset(&file, &file.LockOwner);
        d["fuse_file_info.poll_events"] = Offset(&file, &file.PollEvents);
        d["fuse_file_info.direct_io_bit"] = FuseFileInfo.DirectIoBit;
        d["fuse_file_info.keep_cache_bit"] = FuseFileInfo.KeepCacheBit;
        d["fuse_file_info.nonseekable_bit"] = FuseFileInfo.NonSeekableBit;
        d["fuse_file_info.cache_readdir_bit"] = FuseFileInfo.CacheReaddirBit;

        var conn = default(FuseConnInfo);
        Size<FuseConnInfo>("fuse_conn_info");
        d["fuse_conn_info.max_write"] = Offset(&conn, &conn.MaxWrite);
        d["fuse_conn_info.max_read"] = Offset(&conn, &conn.MaxRead);
        d["fuse_conn_info.max_readahead"] = Offset(&conn, &conn.MaxReadahead);
        d["fuse_conn_info.capable"] = Offset(&conn, &conn.Capable);
        d["fuse_conn_info.want"] = Offset(&conn, &conn.Want);
        d["fuse_conn_info.max_background"] = Offset(&conn, &conn.MaxBackground);
        d["fuse_conn_info.congestion_threshold"] = Offset(&conn, &conn.CongestionThreshold);
        d["fuse_conn_info.time_gran"] = Offset(&conn, &conn.TimeGranularity);

        Size<FuseContext>("fuse_ctx");
        var args = default(FuseArgs);
        Size<FuseArgs>("fuse_args");
        d["fuse_args.argv"] = Offset(&args, &args.Values);
        d["fuse_args.allocated"] = Offset(&args, &args.Allocated);

        Size<FuseLowLevelOps>("fuse_lowlevel_ops");
        var ops = default(FuseLowLevelOps);
        d["fuse_lowlevel_ops.lookup"] = Offset(&ops, &ops.Lookup);
        d["fuse_lowlevel_ops.getattr"] = Offset(&ops, &ops.GetAttr);
        d["fuse_lowlevel_ops.open"] = Offset(&ops, &ops.Open);
        d["fuse_lowlevel_ops.read"] = Offset(&ops, &ops.Read);
        d["fuse_lowlevel_ops.release"] = Offset(&ops, &ops.Release);
        d["fuse_lowlevel_ops.readdir"] = Offset(&ops, &ops.ReadDir);
        d["fuse_lowlevel_ops.statfs"] = Offset(&ops, &ops.StatFs);
        d["fuse_lowlevel_ops.create"] = Offset(&ops, &ops.Create);
        d["fuse_lowlevel_ops.forget_multi"] = Offset(&ops, &ops.ForgetMulti);
        d["fuse_lowlevel_ops.fallocate"] = Offset(&ops, &ops.Fallocate);
        d["fuse_lowlevel_ops.readdirplus"] = Offset(&ops, &ops.ReaddirPlus);
        d["fuse_lowlevel_ops.lseek"] = Offset(&ops, &ops.Lseek);
        d["FUSE_CAP_ASYNC_READ"] = FuseCapability.AsyncRead;
        d["FUSE_CAP_ATOMIC_O_TRUNC"] = FuseCapability.AtomicOTrunc;
        d["FUSE_CAP_SPLICE_WRITE"] = FuseCapability.SpliceWrite;
        d["FUSE_CAP_SPLICE_MOVE"] = FuseCapability.SpliceMove;
        d["FUSE_CAP_SPLICE_READ"] = FuseCapability.SpliceRead;
        d["FUSE_CAP_AUTO_INVAL_DATA"] = FuseCapability.AutoInvalidateData;
        d["FUSE_CAP_READDIRPLUS"] = FuseCapability.ReaddirPlus;
        d["FUSE_CAP_READDIRPLUS_AUTO"] = FuseCapability.ReaddirPlusAuto;
        d["FUSE_CAP_PARALLEL_DIROPS"] = FuseCapability.ParallelDirOps;
        return d;
    }

    private static long Offset(void* start, void* field) => (byte*)field - (byte*)start;
}
