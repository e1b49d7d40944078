using System.Text.Json.Nodes;
using MountStore.Swift;
using MountStore.Testing;

namespace MountStore.Store.Tests.Swift;

/// <summary>
/// Whether a Swift server's listing rows tell a large object from a plain one, learned from its
/// /info: Swift lists an SLO's own ETag (slo_etag) from 2.19 on, RGW's rows are checked as they
/// are listed. A delete takes a row's word only where it does.
/// </summary>
public sealed class SwiftInfoTests
{
    private static JsonNode Info(string? version) =>
        new JsonObject { ["swift"] = version is null ? new JsonObject() : new JsonObject { ["version"] = version } };

    [Theory]
    [InlineData("2.30.1", true)]
    [InlineData("2.19.0", true)]
    [InlineData("2.30.1.dev12", true)]
    [InlineData("3.0", true)]
    [InlineData("2.18.0", false)]
    [InlineData("2.17.1", false)]
    [InlineData("garbage", false)]
    [InlineData(null, false)]
    public void Swift_listings_mark_large_objects_from_2_19(string? version, bool marks) =>
        Assert.Equal(marks, SwiftInfo.Parse(Info(version)).ListingsMarkLargeObjects);

    [Fact]
    public void Rgw_listings_mark_them_whatever_its_ceph_version_and_a_server_without_info_is_not_trusted()
    {
        Assert.True(SwiftInfo.Parse(Info("16.2.15"), rgw: true).ListingsMarkLargeObjects);
        Assert.False(SwiftInfo.Parse(null).ListingsMarkLargeObjects);
    }

    [Fact]
    public async Task The_local_swift_and_rgw_say_their_listings_mark_large_objects()
    {
        await LocalSwiftServer.CreateContainerAsync("mountstore-info");
        using var swift = LocalSwiftServer.SwiftStore("mountstore-info");
        await swift.VerifyAccessAsync(CancellationToken.None);
        Assert.True(swift.Limits.ListingsMarkLargeObjects);

        await LocalRgw.CreateBucketAsync("mountstore-info");
        using var rgw = LocalRgw.SwiftStore("mountstore-info");
        await rgw.VerifyAccessAsync(CancellationToken.None);
        Assert.True(rgw.Limits.ListingsMarkLargeObjects);
    }
}
