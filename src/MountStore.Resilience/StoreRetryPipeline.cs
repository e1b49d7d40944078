using System.Net;
using System.Net.Sockets;
using MountStore.Core.Storage;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace MountStore.Resilience;

/// <summary>
/// The one retry pipeline of a store: exponential backoff with jitter on 5xx, 429, timeouts and
/// connection resets, and a per-attempt timeout chosen by <see cref="RequestKind"/>. Each retry is
/// logged at debug; giving up is logged as an error and thrown as a typed error that names the
/// object (<see cref="RunAsync"/>), the same way for every store.
/// </summary>
public sealed class StoreRetryPipeline
{
    private static readonly ResiliencePropertyKey<RequestKind> KindKey = new("mountstore.request-kind");
    private static readonly ResiliencePropertyKey<string> WhatKey = new("mountstore.what");

    private readonly ResiliencePipeline _pipeline;
    private readonly RetryOptions _options;
    private readonly ILogger _logger;
    private long _retries;

    /// <summary>Builds the pipeline from <paramref name="options"/>.</summary>
    public StoreRetryPipeline(RetryOptions options, ILogger logger, TimeProvider? time = null)
    {
        _options = options.Validated();
        _logger = logger;
        var builder = new ResiliencePipelineBuilder { TimeProvider = time ?? TimeProvider.System };
        builder.AddRetry(new RetryStrategyOptions
        {
            MaxRetryAttempts = Math.Max(1, options.MaxRetries),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = options.BaseDelay,
            MaxDelay = options.MaxDelay,
            ShouldHandle = args => ValueTask.FromResult(
                options.MaxRetries > 0 && args.Outcome.Exception is { } e && IsTransient(e, args.Context.CancellationToken)),
            OnRetry = args =>
            {
                Interlocked.Increment(ref _retries);
                args.Context.Properties.TryGetValue(WhatKey, out var what);
                logger.LogDebug("retrying {What} (attempt {Attempt}) in {Delay} ms after: {Error}",
                    what, args.AttemptNumber + 2, (int)args.RetryDelay.TotalMilliseconds, args.Outcome.Exception?.Message);
                return ValueTask.CompletedTask;
            },
        });
        builder.AddTimeout(new TimeoutStrategyOptions
        {
            TimeoutGenerator = args => ValueTask.FromResult(
                args.Context.Properties.TryGetValue(KindKey, out var kind) && kind == RequestKind.Data
                    ? _options.DataRequestTimeout
                    : _options.MetadataRequestTimeout),
        });
        _pipeline = builder.Build();
    }

    /// <summary>Retries made since this pipeline was built (for status and tests).</summary>
    public long RetryCount => Interlocked.Read(ref _retries);

    /// <summary>
    /// Runs <paramref name="attempt"/> until it succeeds, fails for good, or retries run out, and
    /// then throws what callers catch: the typed <see cref="ObjectStoreException"/> an attempt
    /// threw, or, for failures that outlasted the retries, the error they give up with (logged
    /// once, naming <paramref name="operation"/> and <paramref name="key"/>). A cancellation the
    /// caller asked for passes through as it is.
    /// </summary>
    public async Task<T> RunAsync<T>(RequestKind kind, string operation, string? key, Func<CancellationToken, Task<T>> attempt, CancellationToken cancellationToken)
    {
        try
        {
            return await ExecuteAsync(kind, key is null ? operation : $"{operation} '{key}'", attempt, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not ObjectStoreException && !cancellationToken.IsCancellationRequested)
        {
            var typed = GiveUp(e, operation, key, MaxAttempts);
            if (typed is ObjectStoreException and not ObjectNotFoundException)
                _logger.LogError("{Error}", typed.Message);
            throw typed;
        }
    }

    /// <summary>
    /// Runs <paramref name="attempt"/> until it succeeds, fails for good, or retries run out.
    /// <paramref name="what"/> (e.g. <c>PUT 'a/b.txt'</c>) only goes to debug logs.
    /// </summary>
    public async Task<T> ExecuteAsync<T>(RequestKind kind, string what, Func<CancellationToken, Task<T>> attempt, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        try
        {
            context.Properties.Set(KindKey, kind);
            context.Properties.Set(WhatKey, what);
            return await _pipeline.ExecuteAsync(
                static async (ctx, state) => await state(ctx.CancellationToken).ConfigureAwait(false),
                context, attempt).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>
    /// True for failures another attempt may cure: retryable statuses, timeouts, and broken
    /// connections. A cancellation the caller asked for is never retried.
    /// </summary>
    public static bool IsTransient(Exception e, CancellationToken callerToken)
    {
        if (callerToken.IsCancellationRequested) return false;
        return e switch
        {
            TransientStoreException => true,
            TimeoutRejectedException => true,
            HttpRequestException { StatusCode: { } status } => IsTransientStatus((int)status),
            HttpRequestException => true, // connection refused/reset, DNS hiccup, broken pipe
            IOException => true,          // reset while sending or receiving a body
            SocketException => true,
            TaskCanceledException => true, // HttpClient's own timeout, not the caller's cancel
            _ => false,
        };
    }

    /// <summary>5xx and 429 are worth another attempt; other statuses are answers.</summary>
    public static bool IsTransientStatus(int status) =>
        status >= 500 || status == (int)HttpStatusCode.TooManyRequests || status == 408;

    /// <summary>
    /// Turns the exception that ended the retries into the typed error callers catch. Errors
    /// that are already typed pass through unchanged.
    /// </summary>
    public static Exception GiveUp(Exception e, string operation, string? key, int attempts)
    {
        return e switch
        {
            ObjectStoreException typed => typed,
            TransientStoreException { WhenRetriesRunOut: { } final } => final(attempts),
            TransientStoreException t => new StoreUnavailableException(operation, key, t.StatusCode,
                $"the store kept failing after {attempts} attempts ({t.Message}); try again later", e),
            TimeoutRejectedException => new StoreUnavailableException(operation, key, null,
                $"no answer in time after {attempts} attempts; check the network and the endpoint", e),
            HttpRequestException or IOException or SocketException or TaskCanceledException =>
                new StoreUnavailableException(operation, key, null,
                    $"connection failed after {attempts} attempts ({e.Message}); check that the endpoint is reachable", e),
            _ => e,
        };
    }

    /// <summary>How many attempts the pipeline makes at most.</summary>
    public int MaxAttempts => _options.MaxRetries + 1;
}
