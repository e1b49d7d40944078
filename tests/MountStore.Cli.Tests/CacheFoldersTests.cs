using MountStore.Cli.Service;

namespace MountStore.Cli.Tests;

/// <summary>The default data cache folder: one per remote and server, stable across mounts, free of secrets.</summary>
public sealed class CacheFoldersTests
{
    private static readonly Dictionary<string, string?> LocalSwift = new()
    {
        ["ST_AUTH"] = "http://127.0.0.1:8080/auth/v1.0",
        ["ST_USER"] = "test:tester",
        ["ST_KEY"] = "testing",
        ["XDG_CACHE_HOME"] = "/home/ana/.cache",
    };

    [Fact]
    public void The_same_remote_on_the_same_server_gets_the_same_folder_every_mount()
    {
        var remote = RemoteAddress.Parse("swift://results/2024");
        var name = CacheFolders.NameOf(remote, LocalSwift, null);
        Assert.Equal(name, CacheFolders.NameOf(RemoteAddress.Parse("swift://results/2024/"), LocalSwift, null));
        Assert.Matches("^swift-results-2024-[0-9a-f]{12}$", name);
    }

    [Fact]
    public void Another_server_account_prefix_or_kind_gets_another_folder()
    {
        var remote = RemoteAddress.Parse("swift://results");
        var name = CacheFolders.NameOf(remote, LocalSwift, null);
        Assert.NotEqual(name, CacheFolders.NameOf(remote, new Dictionary<string, string?>(LocalSwift) { ["ST_AUTH"] = "http://other:8080/auth/v1.0" }, null));
        Assert.NotEqual(name, CacheFolders.NameOf(remote, new Dictionary<string, string?>(LocalSwift) { ["ST_USER"] = "other:tester" }, null));
        Assert.NotEqual(name, CacheFolders.NameOf(RemoteAddress.Parse("swift://results/sub"), LocalSwift, null));
        var s3 = RemoteAddress.Parse("s3://results");
        Assert.NotEqual(CacheFolders.NameOf(s3, LocalSwift, "http://127.0.0.1:7480"), CacheFolders.NameOf(s3, LocalSwift, "http://127.0.0.1:8080"));
    }

    [Fact]
    public void A_new_password_keeps_the_folder_and_no_secret_shapes_the_name()
    {
        var remote = RemoteAddress.Parse("swift://results");
        var name = CacheFolders.NameOf(remote, LocalSwift, null);
        Assert.Equal(name, CacheFolders.NameOf(remote, new Dictionary<string, string?>(LocalSwift) { ["ST_KEY"] = "changed" }, null));
        var s3 = RemoteAddress.Parse("s3://data");
        var keys = new Dictionary<string, string?> { ["AWS_ENDPOINT_URL"] = "http://127.0.0.1:7480", ["AWS_SECRET_ACCESS_KEY"] = "one" };
        Assert.Equal(CacheFolders.NameOf(s3, keys, null), CacheFolders.NameOf(s3, new Dictionary<string, string?>(keys) { ["AWS_SECRET_ACCESS_KEY"] = "two" }, null));
    }

    [Fact]
    public void Odd_characters_in_a_remote_become_underscores_in_one_path_component()
    {
        var name = CacheFolders.NameOf(RemoteAddress.Parse("s3://my bucket/a:b*c"), LocalSwift, null);
        Assert.Matches("^s3-my_bucket-a_b_c-[0-9a-f]{12}$", name);
    }

    [Fact]
    public void The_folder_is_under_the_users_cache_home_or_var_cache_for_root()
    {
        var folder = CacheFolders.DefaultFor(RemoteAddress.Parse("swift://results"), LocalSwift, null);
        var expectedRoot = Fuse.CurrentUser.Uid == 0 ? "/var/cache/mountstore" : "/home/ana/.cache/mountstore";
        Assert.Equal(expectedRoot, Path.GetDirectoryName(folder));
    }
}
