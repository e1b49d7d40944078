namespace MountStore.Resilience;

/// <summary>How hard a store tries before it gives up. Defaults suit a cloud store over the internet.</summary>
public sealed record RetryOptions
{
    /// <summary>Attempts after the first one (default 6: about 30 s of backoff in all).</summary>
    public int MaxRetries { get; init; } = 6;

    /// <summary>First backoff delay; it doubles per attempt, with jitter (default 250 ms).</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Cap on one backoff delay (default 15 s).</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Per-attempt limit for requests without a body to move: list, HEAD, DELETE, manifest PUTs
    /// (default 30 s). A hung connection costs at most this before the retry.
    /// </summary>
    public TimeSpan MetadataRequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Per-attempt limit for requests that move object bytes: PUT, part uploads, server-side
    /// copies, and a GET until its headers arrive (default 10 min: a 5 GiB part at 10 MB/s).
    /// </summary>
    public TimeSpan DataRequestTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Throws when an option is out of range.</summary>
    public RetryOptions Validated()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(MaxRetries);
        ArgumentOutOfRangeException.ThrowIfLessThan(MetadataRequestTimeout, TimeSpan.FromMilliseconds(1));
        ArgumentOutOfRangeException.ThrowIfLessThan(DataRequestTimeout, TimeSpan.FromMilliseconds(1));
        return this;
    }
}
