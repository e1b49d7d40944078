namespace MountStore.Fuse.Tests;

public class InodeTableTests
{
    [Fact]
    public void An_inode_lives_until_forgotten_as_often_as_looked_up_and_numbers_are_never_reused()
    {
        var table = new InodeTable();
        var first = table.Remember("a/b");
        Assert.Equal(first, table.Remember("a/b"));
        table.Forget(first, 1);
        Assert.Equal("a/b", table.PathOf(first));
        table.Forget(first, 1);
        Assert.Null(table.PathOf(first));
        Assert.NotEqual(first, table.Remember("a/b"));
        Assert.Equal(2, table.Count);
    }

    [Fact]
    public void The_root_is_never_forgotten()
    {
        var table = new InodeTable();
        table.Forget(InodeTable.RootInode, 100);
        Assert.Equal("", table.PathOf(InodeTable.RootInode));
    }

    [Fact]
    public void The_page_cache_is_kept_only_for_the_same_object_version()
    {
        var table = new InodeTable();
        var inode = table.Remember("f");
        Assert.False(table.KeepsCacheOf(inode, "v1")); // nothing cached yet
        Assert.True(table.KeepsCacheOf(inode, "v1"));
        Assert.False(table.KeepsCacheOf(inode, "v2"));
        Assert.True(table.KeepsCacheOf(inode, "v2"));
    }
}
