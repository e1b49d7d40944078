using Microsoft.Extensions.Logging;
using MountStore.Resilience;
using MountStore.Core.Storage;
using MountStore.Swift.Auth;

namespace MountStore.Swift;

/// <summary>
/// The one path every Swift request takes: a valid token, the retry pipeline, a new login after
/// a 401, and a typed error when it all fails. The token is added here and nowhere else.
/// </summary>
internal sealed class SwiftConnection(HttpClient http, SwiftAuthSession session, StoreRetryPipeline pipeline, ILogger logger)
{
    public HttpClient Http => http;

    public SwiftAuthSession Session => session;

    public StoreRetryPipeline Pipeline => pipeline;

    /// <summary>
    /// Sends the request <paramref name="build"/> makes from the storage URL (called afresh for
    /// each attempt, so bodies are rebuilt), returning any non-transient response for the caller
    /// to judge. Retries running out, and tokens refused again and again, become typed errors.
    /// </summary>
    /// <remarks>
    /// A 401 means the token expired or was revoked: one new login, and the request is sent
    /// again at once. A 401 for the token just issued is not the credential's fault (a bad
    /// password fails at the login itself): the server could not check it, because its token
    /// cache (memcached) or Keystone was overloaded or briefly down; Swift's memcache client then
    /// refuses every token for up to a minute. So it is retried like a 5xx, after the pipeline's
    /// backoff and with another login each time, and only when that runs out is it final.
    /// A manifest PUT whose token expired on its way is not answered 401: the SLO middleware checks
    /// the segments before the proxy checks the request, its segment HEADs are refused, and it
    /// answers 400 listing "401 Unauthorized" per segment. That is the same expired token.
    /// </remarks>
    public Task<HttpResponseMessage> SendAsync(
        RequestKind kind, string operation, string? key, Func<Uri, HttpRequestMessage> build,
        CancellationToken cancellationToken, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        var freshTokensRefused = 0;
        return pipeline.RunAsync(kind, operation, key, async ct =>
        {
            var token = await session.GetTokenAsync(ct).ConfigureAwait(false);
            var loggedIn = false;
            while (true)
            {
                using var request = build(token.StorageUrl);
                request.Headers.TryAddWithoutValidation("X-Auth-Token", token.Token);
                var response = await http.SendAsync(request, completion, ct).ConfigureAwait(false);
                if ((int)response.StatusCode == 401 || await SwiftHttp.IsManifestRefusedForTokenAsync(request, response, ct).ConfigureAwait(false))
                {
                    response.Dispose();
                    if (!session.Authenticator.CanRenew) throw PreAuthenticatedToken.Rejected(operation, key, 401);
                    if (loggedIn)
                    {
                        freshTokensRefused++;
                        logger.LogWarning("{Operation} '{Key}': the store refused a token {Authenticator} had just issued; retrying after a pause " +
                                          "(the server's token cache or Keystone may be overloaded)", operation, key, session.Authenticator.Description);
                        // the next attempt starts from this token, finds it refused and logs in again
                        throw new TransientStoreException(401, "a freshly issued token was refused", attempts => new AuthenticationFailedException(operation, key, 401,
                            $"refused even with a fresh token from {session.Authenticator.Description}, {freshTokensRefused} times over {attempts} attempts; " +
                            "check that the credentials may use this account, and the server's token cache or Keystone"));
                    }
                    loggedIn = true;
                    token = await session.ReplaceRejectedAsync(token, ct).ConfigureAwait(false);
                    continue;
                }
                SwiftHttp.ThrowIfTransient(response);
                return response;
            }
        }, cancellationToken);
    }
}
