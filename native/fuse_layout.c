/*
 * Prints the sizes and offsets of the libfuse3 structures that MountStore's binding
 * (src/MountStore.Fuse/Native) declares by hand, as "name=value" lines, compiled from the
 * installed headers. tests/MountStore.Fuse.Tests compares them with the C# declarations, so a
 * libfuse whose ABI moved fails a test instead of corrupting memory at run time.
 */
#define FUSE_USE_VERSION 314
#include <fuse_lowlevel.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define SIZE(t) printf("sizeof(%s)=%zu\n", #t, sizeof(struct t))
#define OFF(t, f) printf("%s.%s=%zu\n", #t, #f, offsetof(struct t, f))
#define CONST(c) printf("%s=%lu\n", #c, (unsigned long)(c))

/* Bit fields have no offsetof: set one and report which bit of the 32-bit word after
 * `flags` it landed in. */
static int file_info_bit(void (*set)(struct fuse_file_info *))
{
    struct fuse_file_info fi;
    unsigned int word;
    memset(&fi, 0, sizeof fi);
    set(&fi);
    memcpy(&word, (char *)&fi + sizeof(int), sizeof word);
    for (int bit = 0; bit < 32; bit++)
        if (word & (1u << bit))
            return bit;
    return -1;
}
static void set_direct_io(struct fuse_file_info *fi) { fi->direct_io = 1; }
static void set_keep_cache(struct fuse_file_info *fi) { fi->keep_cache = 1; }
static void set_nonseekable(struct fuse_file_info *fi) { fi->nonseekable = 1; }
static void set_cache_readdir(struct fuse_file_info *fi) { fi->cache_readdir = 1; }

int main(void)
{
    printf("FUSE_MAJOR_VERSION=%d\nFUSE_MINOR_VERSION=%d\n", FUSE_MAJOR_VERSION, FUSE_MINOR_VERSION);

    SIZE(stat);
    OFF(stat, st_dev); OFF(stat, st_ino); OFF(stat, st_nlink); OFF(stat, st_mode);
    OFF(stat, st_uid); OFF(stat, st_gid); OFF(stat, st_rdev); OFF(stat, st_size);
    OFF(stat, st_blksize); OFF(stat, st_blocks); OFF(stat, st_atim); OFF(stat, st_mtim);
    OFF(stat, st_ctim);

    SIZE(statvfs);
    OFF(statvfs, f_bsize); OFF(statvfs, f_frsize); OFF(statvfs, f_blocks); OFF(statvfs, f_bfree);
    OFF(statvfs, f_bavail); OFF(statvfs, f_files); OFF(statvfs, f_ffree); OFF(statvfs, f_favail);
    OFF(statvfs, f_fsid); OFF(statvfs, f_flag); OFF(statvfs, f_namemax);

    SIZE(fuse_entry_param);
    OFF(fuse_entry_param, ino); OFF(fuse_entry_param, generation); OFF(fuse_entry_param, attr);
    OFF(fuse_entry_param, attr_timeout); OFF(fuse_entry_param, entry_timeout);

    SIZE(fuse_file_info);
    OFF(fuse_file_info, flags); OFF(fuse_file_info, fh); OFF(fuse_file_info, lock_owner);
    OFF(fuse_file_info, poll_events);
    printf("fuse_file_info.direct_io_bit=%d\n", file_info_bit(set_direct_io));
    printf("fuse_file_info.keep_cache_bit=%d\n", file_info_bit(set_keep_cache));
    printf("fuse_file_info.nonseekable_bit=%d\n", file_info_bit(set_nonseekable));
    printf("fuse_file_info.cache_readdir_bit=%d\n", file_info_bit(set_cache_readdir));

    SIZE(fuse_conn_info);
    OFF(fuse_conn_info, proto_major); OFF(fuse_conn_info, proto_minor); OFF(fuse_conn_info, max_write);
    OFF(fuse_conn_info, max_read); OFF(fuse_conn_info, max_readahead); OFF(fuse_conn_info, capable);
    OFF(fuse_conn_info, want); OFF(fuse_conn_info, max_background);
    OFF(fuse_conn_info, congestion_threshold); OFF(fuse_conn_info, time_gran);

    SIZE(fuse_ctx);
    OFF(fuse_ctx, uid); OFF(fuse_ctx, gid); OFF(fuse_ctx, pid); OFF(fuse_ctx, umask);

    SIZE(fuse_args);
    OFF(fuse_args, argc); OFF(fuse_args, argv); OFF(fuse_args, allocated);

    SIZE(fuse_lowlevel_ops);
    OFF(fuse_lowlevel_ops, init); OFF(fuse_lowlevel_ops, destroy); OFF(fuse_lowlevel_ops, lookup);
    OFF(fuse_lowlevel_ops, forget); OFF(fuse_lowlevel_ops, getattr); OFF(fuse_lowlevel_ops, setattr);
    OFF(fuse_lowlevel_ops, readlink); OFF(fuse_lowlevel_ops, mknod); OFF(fuse_lowlevel_ops, mkdir);
    OFF(fuse_lowlevel_ops, unlink); OFF(fuse_lowlevel_ops, rmdir); OFF(fuse_lowlevel_ops, symlink);
    OFF(fuse_lowlevel_ops, rename); OFF(fuse_lowlevel_ops, link); OFF(fuse_lowlevel_ops, open);
    OFF(fuse_lowlevel_ops, read); OFF(fuse_lowlevel_ops, write); OFF(fuse_lowlevel_ops, flush);
    OFF(fuse_lowlevel_ops, release); OFF(fuse_lowlevel_ops, fsync); OFF(fuse_lowlevel_ops, opendir);
    OFF(fuse_lowlevel_ops, readdir); OFF(fuse_lowlevel_ops, releasedir); OFF(fuse_lowlevel_ops, fsyncdir);
    OFF(fuse_lowlevel_ops, statfs); OFF(fuse_lowlevel_ops, setxattr); OFF(fuse_lowlevel_ops, getxattr);
    OFF(fuse_lowlevel_ops, listxattr); OFF(fuse_lowlevel_ops, removexattr); OFF(fuse_lowlevel_ops, access);
    OFF(fuse_lowlevel_ops, create); OFF(fuse_lowlevel_ops, getlk); OFF(fuse_lowlevel_ops, setlk);
    OFF(fuse_lowlevel_ops, bmap); OFF(fuse_lowlevel_ops, ioctl); OFF(fuse_lowlevel_ops, poll);
    OFF(fuse_lowlevel_ops, write_buf); OFF(fuse_lowlevel_ops, retrieve_reply);
    OFF(fuse_lowlevel_ops, forget_multi); OFF(fuse_lowlevel_ops, flock); OFF(fuse_lowlevel_ops, fallocate);
    OFF(fuse_lowlevel_ops, readdirplus); OFF(fuse_lowlevel_ops, copy_file_range); OFF(fuse_lowlevel_ops, lseek);

    CONST(FUSE_CAP_ASYNC_READ); CONST(FUSE_CAP_ATOMIC_O_TRUNC); CONST(FUSE_CAP_EXPORT_SUPPORT);
    CONST(FUSE_CAP_SPLICE_WRITE); CONST(FUSE_CAP_SPLICE_MOVE); CONST(FUSE_CAP_SPLICE_READ);
    CONST(FUSE_CAP_AUTO_INVAL_DATA); CONST(FUSE_CAP_READDIRPLUS); CONST(FUSE_CAP_READDIRPLUS_AUTO);
    CONST(FUSE_CAP_ASYNC_DIO); CONST(FUSE_CAP_WRITEBACK_CACHE); CONST(FUSE_CAP_PARALLEL_DIROPS);
    CONST(FUSE_CAP_CACHE_SYMLINKS); CONST(FUSE_CAP_EXPLICIT_INVAL_DATA);
    CONST(FUSE_SET_ATTR_MODE); CONST(FUSE_SET_ATTR_UID); CONST(FUSE_SET_ATTR_GID);
    CONST(FUSE_SET_ATTR_SIZE); CONST(FUSE_SET_ATTR_ATIME); CONST(FUSE_SET_ATTR_MTIME);
    CONST(FUSE_SET_ATTR_ATIME_NOW); CONST(FUSE_SET_ATTR_MTIME_NOW); CONST(FUSE_SET_ATTR_CTIME);
    return 0;
}
