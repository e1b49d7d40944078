using MountStore.Core.Storage;

namespace MountStore.Swift.Auth;

/// <summary>Swift's v1 auth (tempauth, swauth, RGW's /auth/1.0): user and key in headers.</summary>
public sealed class V1Authenticator(Uri authUrl, string user, string key, TimeProvider? time = null) : ISwiftAuthenticator
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <inheritdoc />
    public string Description => $"v1 auth at {authUrl} as {user}";

    /// <inheritdoc />
    public bool CanRenew => true;

    /// <inheritdoc />
    public async Task<SwiftToken> AuthenticateAsync(HttpClient http, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, authUrl);
        request.Headers.TryAddWithoutValidation("X-Auth-User", user);
        request.Headers.TryAddWithoutValidation("X-Auth-Key", key);
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var status = (int)response.StatusCode;
        if (status is 401 or 403)
            throw new AuthenticationFailedException("log in", null, status,
                $"{Description}: user or key refused; check ST_USER/ST_KEY");
        SwiftHttp.ThrowIfTransient(response);
        if (!response.IsSuccessStatusCode)
            throw new AuthenticationFailedException("log in", null, status, $"{Description}: unexpected answer {response.ReasonPhrase}");

        var storageUrl = SwiftHttp.Header(response, "X-Storage-Url");
        var token = SwiftHttp.Header(response, "X-Auth-Token") ?? SwiftHttp.Header(response, "X-Storage-Token");
        if (storageUrl is null || token is null)
            throw new AuthenticationFailedException("log in", null, status, $"{Description}: the answer has no X-Storage-Url or X-Auth-Token");
        var now = _time.GetUtcNow();
        DateTimeOffset? expires = long.TryParse(SwiftHttp.Header(response, "X-Auth-Token-Expires"), out var seconds)
            ? now.AddSeconds(seconds)
            : null;
        return new SwiftToken(new Uri(storageUrl.TrimEnd('/')), token, now, expires);
    }
}
