using MountStore.Core.Model;

namespace MountStore.Fuse.Tests;

/// <summary>open(2)'s flags as Linux numbers them (asm-generic/fcntl.h), decoded into Core's intent.</summary>
public class OpenFlagsTests
{
    [Theory]
    [InlineData(0x0, true, false, false, false, false)]         // O_RDONLY
    [InlineData(0x1, false, true, false, false, false)]         // O_WRONLY
    [InlineData(0x2, true, true, false, false, false)]          // O_RDWR
    [InlineData(0x1 | 0x200, false, true, true, false, false)]  // O_WRONLY | O_TRUNC (> file)
    [InlineData(0x1 | 0x400, false, true, false, true, false)]  // O_WRONLY | O_APPEND (>> file)
    [InlineData(0x2 | 0x80 | 0x40, true, true, false, false, true)] // O_RDWR | O_EXCL | O_CREAT
    [InlineData(0x8000 | 0x80000, true, false, false, false, false)] // O_LARGEFILE | O_CLOEXEC change nothing
    public void Flags_become_the_intent_they_stand_for(int flags, bool read, bool write, bool truncate, bool append, bool createNew) =>
        Assert.Equal(new OpenIntent(read, write, truncate, append, createNew), OpenFlags.Decode(flags));
}
