using System.Text.Json;

namespace MountStore.S3;

/// <summary>
/// An object's date as an S3 server gives it, to the second (a HEAD has no finer date, and a
/// listing's milliseconds, from RGW, are cut to match). Swift's S3 door (s3api) rounds its dates
/// up to the next second, as Swift does: they would show a new file up to a second in the future
/// (make warns of clock skew) and a second later than a swift:// mount of the same container.
/// Such a server is recognised once, by the "s3api" entry of Swift's /info at the endpoint, and
/// its dates are taken a second back: the Swift date's whole second, unless the object was
/// written exactly on a second (one in 100,000), which then shows a second early.
/// </summary>
internal sealed class S3Dates(Uri? endpoint, HttpMessageHandler? handler)
{
    private readonly Lazy<Task<bool>> _roundsUp = new(() => endpoint is null ? Task.FromResult(false) : IsSwiftS3ApiAsync(endpoint, handler));

    /// <summary>Recognises the server, once; later calls return at once.</summary>
    public Task<bool> LearnAsync() => _roundsUp.Value;

    /// <summary>The date to show for <paramref name="lastModified"/> (null: the epoch).</summary>
    public DateTimeOffset Of(DateTime? lastModified)
    {
        if (lastModified is not { } t)
            return DateTimeOffset.UnixEpoch;
        // the SDK gives listing dates unspecified (they are UTC) and header dates as local time
        var time = new DateTimeOffset(t.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(t, DateTimeKind.Utc) : t.ToUniversalTime());
        time = time.AddTicks(-(time.UtcTicks % TimeSpan.TicksPerSecond));
        var roundsUp = _roundsUp.IsValueCreated && _roundsUp.Value.IsCompletedSuccessfully && _roundsUp.Value.Result;
        return roundsUp ? time.AddSeconds(-1) : time;
    }

    private static async Task<bool> IsSwiftS3ApiAsync(Uri endpoint, HttpMessageHandler? handler)
    {
        try
        {
            using var client = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
            client.Timeout = TimeSpan.FromSeconds(5);
            using var response = await client.GetAsync(new Uri(endpoint, "/info")).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
                return false;
            using var info = JsonDocument.Parse(await response.Content.ReadAsStreamAsync().ConfigureAwait(false));
            return info.RootElement.ValueKind == JsonValueKind.Object && info.RootElement.TryGetProperty("s3api", out _);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or InvalidOperationException)
        {
            return false; // not Swift, or it does not say: dates are taken as given
        }
    }
}
