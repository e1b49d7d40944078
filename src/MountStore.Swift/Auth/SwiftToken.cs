namespace MountStore.Swift.Auth;

/// <summary>
/// A storage URL and the token that opens it. <see cref="ToString"/> never shows the token, so
/// a token cannot reach a log by accident.
/// </summary>
public sealed record SwiftToken(Uri StorageUrl, string Token, DateTimeOffset IssuedAt, DateTimeOffset? ExpiresAt)
{
    /// <summary>When to renew: a fifth of the token's life before it ends, at most one minute early.</summary>
    public DateTimeOffset? RenewAt
    {
        get
        {
            if (ExpiresAt is not { } end) return null;
            var life = end - IssuedAt;
            var margin = TimeSpan.FromTicks(Math.Min(TimeSpan.FromMinutes(1).Ticks, Math.Max(0, life.Ticks / 5)));
            return end - margin;
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"token for {StorageUrl} (expires {ExpiresAt?.ToString("u") ?? "unknown"})";
}
