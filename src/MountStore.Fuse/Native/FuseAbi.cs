using System.Runtime.InteropServices;

namespace MountStore.Fuse.Native;

// The C structures the binding exchanges with libfuse 3.12-3.16 on 64-bit Linux, declared by
// hand. native/fuse_layout.c prints their real sizes and offsets from the installed headers and
// tests/MountStore.Fuse.Tests compares them with these declarations (see NativeLayout).

/// <summary>struct timespec.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct Timespec
{
    public long Seconds;
    public long Nanoseconds;

    private const long FirstSecond = -62_135_596_800, LastSecond = 253_402_300_799; // years 1 and 9999

    /// <summary>
    /// The time this timespec stands for (100 ns resolution). Times past what the mount can
    /// hold (before year 1, after 9999) are clamped to its range, as the kernel clamps times to
    /// what a filesystem can hold, instead of failing the call.
    /// </summary>
    public readonly DateTimeOffset ToDateTimeOffset()
    {
        var seconds = Math.Clamp(Seconds, FirstSecond, LastSecond);
        var ticks = seconds == Seconds ? Math.Clamp(Nanoseconds, 0, 999_999_999) / 100 : 0;
        return DateTimeOffset.FromUnixTimeSeconds(seconds).AddTicks(ticks);
    }

    /// <summary>The timespec of <paramref name="time"/>: whole seconds rounded down, so nanoseconds are never negative (before 1970 too).</summary>
    public static Timespec From(DateTimeOffset time)
    {
        var ticks = time.UtcTicks - DateTime.UnixEpoch.Ticks;
        var seconds = Math.DivRem(ticks, TimeSpan.TicksPerSecond, out var rest);
        if (rest < 0)
        {
            seconds--;
            rest += TimeSpan.TicksPerSecond;
        }
        return new Timespec { Seconds = seconds, Nanoseconds = rest * 100 };
    }
}

/// <summary>struct stat (glibc, x86_64 and arm64 share this layout for the fields we set).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct Stat
{
    public ulong Device;
    public ulong Inode;
    public ulong LinkCount;
    public uint Mode;
    public uint Uid;
    public uint Gid;
    private int _padding;
    public ulong SpecialDevice;
    public long Size;
    public long BlockSize;
    public long Blocks;
    public Timespec AccessTime;
    public Timespec ModifyTime;
    public Timespec ChangeTime;
    private fixed long _reserved[3];
}

/// <summary>struct statvfs.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct StatVfs
{
    public ulong BlockSize;
    public ulong FragmentSize;
    public ulong Blocks;
    public ulong BlocksFree;
    public ulong BlocksAvailable;
    public ulong Files;
    public ulong FilesFree;
    public ulong FilesAvailable;
    public ulong FilesystemId;
    public ulong Flags;
    public ulong NameMax;
    private fixed int _spare[6];
}

/// <summary>struct fuse_entry_param: the answer to a lookup.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct FuseEntryParam
{
    public ulong Inode;
    public ulong Generation;
    public Stat Attributes;
    public double AttributeTimeout;
    public double EntryTimeout;
}

/// <summary>struct fuse_file_info. The bit fields after <see cref="Flags"/> are one 32-bit word.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct FuseFileInfo
{
    public const int DirectIoBit = 1, KeepCacheBit = 2, NonSeekableBit = 4, CacheReaddirBit = 6;

    public int Flags;
    public uint Bits;
    private uint _padding2;
    public ulong Handle;
    public ulong LockOwner;
    public uint PollEvents;

    public bool KeepCache
    {
        readonly get => (Bits & (1u << KeepCacheBit)) != 0;
        set => Bits = value ? Bits | (1u << KeepCacheBit) : Bits & ~(1u << KeepCacheBit);
    }
}

/// <summary>struct fuse_conn_info: what the kernel offers and what we want, at init.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct FuseConnInfo
{
    public uint ProtocolMajor;
    public uint ProtocolMinor;
    public uint MaxWrite;
    public uint MaxRead;
    public uint MaxReadahead;
    public uint Capable;
    public uint Want;
    public uint MaxBackground;
    public uint CongestionThreshold;
    public uint TimeGranularity;
    private fixed uint _reserved[22];
}

/// <summary>struct fuse_ctx: who sent a request.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct FuseContext
{
    public uint Uid;
    public uint Gid;
    public int Pid;
    public uint Umask;
}

/// <summary>struct fuse_args: argv-style options for fuse_session_new.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct FuseArgs
{
    public int Count;
    public byte** Values;
    public int Allocated;
}

/// <summary>struct fuse_forget_data: one entry of a batched forget.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct FuseForgetData
{
    public ulong Inode;
    public ulong LookupCount;
}

/// <summary>FUSE_CAP_* bits of fuse_conn_info.want (fuse_common.h).</summary>
internal static class FuseCapability
{
    public const uint AsyncRead = 1 << 0;
    public const uint AtomicOTrunc = 1 << 3;
    public const uint SpliceWrite = 1 << 7;
    public const uint SpliceMove = 1 << 8;
    public const uint SpliceRead = 1 << 9;
    public const uint AutoInvalidateData = 1 << 12;
    public const uint ReaddirPlus = 1 << 13;
    public const uint ReaddirPlusAuto = 1 << 14;
    public const uint ParallelDirOps = 1 << 18;
}

/// <summary>struct iovec: one piece of a vectored reply.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct IoVector
{
    public void* Base;
    public nuint Length;
}
