using MountStore.Cli;
using MountStore.Cli.Service;

namespace MountStore.Cli.Tests;

/// <summary>fstab / mount -o words become `mountstore mount` arguments.</summary>
public sealed class FstabOptionsTests
{
    private static readonly IReadOnlyDictionary<string, bool> Known = new MountCommandOptions().LongNames();

    [Fact]
    public void Usual_mount_words_keep_their_meaning_and_mount8_words_are_passed_over()
    {
        var arguments = FstabOptions.Translate("defaults,_netdev,nofail,ro,allow_other,uid=1000,gid=100,nonempty,credentials=/etc/x.env,x-systemd.automount,noatime", Known, sloppy: false);
        Assert.Equal(["--read-only", "--allow-other", "--uid", "1000", "--gid", "100", "--allow-non-empty", "--env-file", "/etc/x.env"], arguments);
    }

    [Fact]
    public void Every_mount_option_is_reachable_with_underscores()
    {
        var arguments = FstabOptions.Translate("cache_ttl=60,file_mode=0640,dir_mode=0750,part_size=32,env_file=/e,log_to=/var/log/x.log,s3_endpoint=http://h:1", Known, sloppy: false);
        Assert.Equal(["--cache-ttl", "60", "--file-mode", "0640", "--dir-mode", "0750", "--part-size", "32", "--env-file", "/e", "--log-to", "/var/log/x.log", "--s3-endpoint", "http://h:1"], arguments);
    }

    [Fact]
    public void An_unknown_word_is_an_error_naming_it_unless_sloppy()
    {
        var error = Assert.Throws<ArgumentException>(() => FstabOptions.Translate("ro,bogus=1", Known, sloppy: false));
        Assert.Contains("bogus=1", error.Message);
        Assert.Equal(["--read-only"], FstabOptions.Translate("ro,bogus=1", Known, sloppy: true));
    }

    [Fact]
    public void A_value_where_none_belongs_or_a_missing_value_is_an_error()
    {
        Assert.Contains("needs a value", Assert.Throws<ArgumentException>(() => FstabOptions.Translate("cache_ttl", Known, false)).Message);
        Assert.Contains("takes no value", Assert.Throws<ArgumentException>(() => FstabOptions.Translate("allow_other=1", Known, false)).Message);
        // --daemon is always added by the helper; it is not an option of the fstab line
        Assert.Throws<ArgumentException>(() => FstabOptions.Translate("daemon", Known, false));
    }
}
