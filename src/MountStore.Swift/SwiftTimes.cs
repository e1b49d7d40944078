using System.Globalization;

namespace MountStore.Swift;

/// <summary>
/// An object's time as Swift keeps it: its X-Timestamp, the moment the proxy accepted the write.
/// Listings give it to the microsecond (Swift) or millisecond (RGW), a HEAD's X-Timestamp to ten
/// microseconds; both are cut to the millisecond, so a listing and a HEAD of one object agree on
/// either server. Last-Modified is not used while X-Timestamp is there: Swift rounds it up to the
/// next second, which shows a just-written file up to a second in the future (make warns of
/// clock skew and, worse, cannot order two files written within one second).
/// </summary>
internal static class SwiftTimes
{
    /// <summary>The time of a HEAD or GET response: X-Timestamp, else Last-Modified, else the epoch.</summary>
    public static DateTimeOffset Of(HttpResponseMessage response) =>
        OfTimestamp(SwiftHttp.Header(response, "X-Timestamp")) ?? response.Content.Headers.LastModified ?? DateTimeOffset.UnixEpoch;

    /// <summary>
    /// "1796176335.92358" as a time, null when it is not one. Parsed as a decimal, so the
    /// millisecond is cut from the digits themselves, never from a binary approximation of them.
    /// </summary>
    public static DateTimeOffset? OfTimestamp(string? timestamp) =>
        decimal.TryParse(timestamp, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds)
            && seconds is >= 0 and < 253402300800m // years 1970 to 9999
            ? DateTimeOffset.FromUnixTimeMilliseconds((long)decimal.Floor(seconds * 1000))
            : null;

    /// <summary>The time of a listing row ("2026-12-02T01:52:15.923580", UTC without a zone suffix).</summary>
    public static DateTimeOffset OfListing(string? lastModified) =>
        DateTimeOffset.TryParse(lastModified, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)
            ? at.AddTicks(-(at.UtcTicks % TimeSpan.TicksPerMillisecond))
            : DateTimeOffset.UnixEpoch;
}
