using MountStore.Swift;

namespace MountStore.Store.Tests.Swift;

/// <summary>A HEAD's X-Timestamp and a listing's last_modified name the same millisecond.</summary>
public sealed class SwiftTimesTests
{
    [Theory]
    [InlineData("1796176335.92300", "2026-12-02T01:52:15.923000")]
    [InlineData("1796176335.92358", "2026-12-02T01:52:15.923580")] // Swift: ten microseconds, and microseconds
    [InlineData("1796176354.58808", "2026-12-02T01:52:34.588Z")] // RGW: milliseconds in listings
    [InlineData("1796176335.00000", "2026-12-02T01:52:15.000000")]
    public void A_timestamp_and_a_listing_date_agree_to_the_millisecond(string timestamp, string listed)
    {
        var fromHead = SwiftTimes.OfTimestamp(timestamp);
        Assert.NotNull(fromHead);
        Assert.Equal(SwiftTimes.OfListing(listed), fromHead);
        Assert.Equal(0, fromHead.Value.UtcTicks % TimeSpan.TicksPerMillisecond);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("-5.5")]
    public void What_is_not_a_timestamp_is_no_time(string? timestamp) => Assert.Null(SwiftTimes.OfTimestamp(timestamp));
}
