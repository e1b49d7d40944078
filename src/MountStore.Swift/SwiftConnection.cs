using Microsoft.Extensions.Logging;
using MountStore.Core.Resilience;
using MountStore.Core.Storage;
using MountStore.Swift.Auth;

namespace MountStore.Swift;

/// <summary>
/// The one path every Swift request takes: a valid token, the retry pipeline, one re-login
/// after a 401, and a typed error when it all fails. The token is added here and nowhere else.
/// </summary>
internal sealed class SwiftConnection(HttpClient http, SwiftAuthSession session, StoreRetryPipeline pipeline, ILogger logger)
{
    public HttpClient Http => http;

    public SwiftAuthSession Session => session;

    public StoreRetryPipeline Pipeline => pipeline;

    /// <summary>
    /// Sends the request <paramref name="build"/> makes from the storage URL (called afresh for
    /// each attempt, so bodies are rebuilt), returning any non-transient response for the caller
    /// to judge. 401 after a fresh login, and retries running out, become typed errors.
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(
        RequestKind kind, string operation, string? key, Func<Uri, HttpRequestMessage> build,
        CancellationToken cancellationToken, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        var reauthenticated = false;
        try
        {
            return await pipeline.ExecuteAsync(kind, key is null ? operation : $"{operation} '{key}'", async ct =>
            {
                var token = await session.GetTokenAsync(ct).ConfigureAwait(false);
                while (true)
                {
                    using var request = build(token.StorageUrl);
                    request.Headers.TryAddWithoutValidation("X-Auth-Token", token.Token);
                    var response = await http.SendAsync(request, completion, ct).ConfigureAwait(false);
                    if ((int)response.StatusCode == 401)
                    {
                        response.Dispose();
                        if (!session.Authenticator.CanRenew) throw PreAuthenticatedToken.Rejected(operation, key, 401);
                        if (reauthenticated)
                            throw new AuthenticationFailedException(operation, key, 401,
                                $"refused even with a fresh token from {session.Authenticator.Description}");
                        reauthenticated = true;
                        token = await session.ReplaceRejectedAsync(token, ct).ConfigureAwait(false);
                        continue;
                    }
                    SwiftHttp.ThrowIfTransient(response);
                    return response;
                }
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not ObjectStoreException && !cancellationToken.IsCancellationRequested)
        {
            var typed = StoreRetryPipeline.GiveUp(e, operation, key, pipeline.MaxAttempts);
            if (typed is StoreUnavailableException) logger.LogError("{Error}", typed.Message);
            throw typed;
        }
    }
}
