using MountStore.Core.Storage;

namespace MountStore.Swift.Auth;

/// <summary>
/// OS_STORAGE_URL + OS_AUTH_TOKEN (from <c>swift auth</c>): used as given and never renewed, so
/// a 401 is final and the message says how to get a fresh token.
/// </summary>
public sealed class PreAuthenticatedToken(Uri storageUrl, string token, TimeProvider? time = null) : ISwiftAuthenticator
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <inheritdoc />
    public string Description => $"pre-authenticated token for {storageUrl}";

    /// <inheritdoc />
    public bool CanRenew => false;

    /// <inheritdoc />
    public Task<SwiftToken> AuthenticateAsync(HttpClient http, CancellationToken cancellationToken) =>
        Task.FromResult(new SwiftToken(storageUrl, token, _time.GetUtcNow(), null));

    /// <summary>The error for a rejected pre-authenticated token.</summary>
    internal static AuthenticationFailedException Rejected(string operation, string? key, int status) =>
        new(operation, key, status,
            "the token in OS_AUTH_TOKEN was refused (expired or revoked); get a new one with `swift auth` " +
            "or give Keystone credentials instead so MountStore can renew it");
}
