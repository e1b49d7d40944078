namespace MountStore.Fuse.Tests;

public class KernelOptionsTests
{
    [Fact]
    public void Mount_options_escape_the_source_and_always_ask_for_auto_unmount()
    {
        var options = new FuseMountOptions { MountPoint = "/mnt/x", Source = "swift://a,b", ReadOnly = true, AllowOther = true };
        Assert.Equal(@"fsname=swift://a\,b,subtype=mountstore,default_permissions,auto_unmount,ro,allow_other", options.KernelOptions());
    }
}
