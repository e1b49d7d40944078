using MountStore.Resilience;
using MountStore.Swift.Auth;

namespace MountStore.Swift;

/// <summary>Where a Swift store points and how it talks to it.</summary>
public sealed record SwiftStoreOptions
{
    /// <summary>The container the store works in.</summary>
    public required string Container { get; init; }

    /// <summary>How to log in (see <see cref="SwiftAuthFromEnvironment"/>).</summary>
    public required ISwiftAuthenticator Authenticator { get; init; }

    /// <summary>Where SLO segments go; default <c>&lt;container&gt;_segments</c>, python-swiftclient's and rclone's choice.</summary>
    public string? SegmentContainer { get; init; }

    /// <summary>Retries and per-request timeouts.</summary>
    public RetryOptions Retry { get; init; } = new();

    /// <summary>Most connections open to the server at once (default 64).</summary>
    public int MaxConnections { get; init; } = 64;

    /// <summary>A handler to send requests through instead of the default one (tests inject faults with it).</summary>
    public HttpMessageHandler? Handler { get; init; }

    /// <summary>The clock that decides when a token is due for renewal (tests freeze it).</summary>
    public TimeProvider? Time { get; init; }

    /// <summary>The segment container name in effect.</summary>
    public string EffectiveSegmentContainer => SegmentContainer ?? Container + "_segments";
}
