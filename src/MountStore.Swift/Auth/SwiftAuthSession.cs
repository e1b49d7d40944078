using Microsoft.Extensions.Logging;

namespace MountStore.Swift.Auth;

/// <summary>
/// Holds the current token for every request of a store. Renews it shortly before it expires,
/// and on a 401 replaces it once; concurrent requests that see the same 401 share that one
/// re-authentication instead of each logging in.
/// </summary>
public sealed class SwiftAuthSession(ISwiftAuthenticator authenticator, HttpClient http, ILogger logger, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile SwiftToken? _current;
    private int _logins;

    /// <summary>The way this session logs in.</summary>
    public ISwiftAuthenticator Authenticator => authenticator;

    /// <summary>How many times this session has logged in (for tests and status).</summary>
    public int LoginCount => Volatile.Read(ref _logins);

    /// <summary>A token that is valid now, logging in or renewing as needed.</summary>
    public async ValueTask<SwiftToken> GetTokenAsync(CancellationToken cancellationToken)
    {
        var token = _current;
        if (token is not null && !NeedsRenewal(token)) return token;
        return await RefreshAsync(token, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Called when the store answered 401 to <paramref name="rejected"/>: logs in again unless
    /// another request already replaced that token.
    /// </summary>
    public Task<SwiftToken> ReplaceRejectedAsync(SwiftToken rejected, CancellationToken cancellationToken) =>
        RefreshAsync(rejected, cancellationToken, force: true);

    private bool NeedsRenewal(SwiftToken token) =>
        authenticator.CanRenew && token.RenewAt is { } at && _time.GetUtcNow() >= at;

    private async Task<SwiftToken> RefreshAsync(SwiftToken? seen, CancellationToken cancellationToken, bool force = false)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var current = _current;
            // someone else refreshed while we waited: use theirs
            if (current is not null && !ReferenceEquals(current, seen)) return current;
            if (current is not null && !force && !NeedsRenewal(current)) return current;

            var reason = current is null ? "logging in" : force ? "token refused, logging in again" : "token about to expire, renewing";
            logger.LogDebug("{Reason}: {Authenticator}", reason, authenticator.Description);
            var fresh = await authenticator.AuthenticateAsync(http, cancellationToken).ConfigureAwait(false);
            Interlocked.Increment(ref _logins);
            _current = fresh;
            return fresh;
        }
        finally
        {
            _gate.Release();
        }
    }
}
