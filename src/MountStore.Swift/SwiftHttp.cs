using MountStore.Resilience;

namespace MountStore.Swift;

/// <summary>Small HTTP facts about Swift answers, in one place.</summary>
internal static class SwiftHttp
{
    /// <summary>A response header's first value, from either header collection; null when absent.</summary>
    public static string? Header(HttpResponseMessage response, string name)
    {
        if (response.Headers.TryGetValues(name, out var values)) return values.FirstOrDefault();
        if (response.Content.Headers.TryGetValues(name, out values)) return values.FirstOrDefault();
        return null;
    }

    /// <summary>
    /// The ETag, quotes stripped. Read raw: Swift sends plain objects' ETags unquoted, which
    /// .NET's typed ETag header rejects as invalid and reports as absent.
    /// </summary>
    public static string ETag(HttpResponseMessage response) => Core.Storage.ETags.Normalize(Header(response, "ETag"));

    /// <summary>Throws <see cref="TransientStoreException"/> (after disposing) for 5xx, 429 and 408.</summary>
    public static void ThrowIfTransient(HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        if (!StoreRetryPipeline.IsTransientStatus(status)) return;
        var reason = response.ReasonPhrase ?? "server error";
        response.Dispose();
        throw new TransientStoreException(status, reason);
    }

    /// <summary>
    /// True for Swift's answer to a manifest PUT whose segments could not be checked because the
    /// token was refused: 400 with a body listing segments and "401 Unauthorized".
    /// </summary>
    public static async Task<bool> IsManifestRefusedForTokenAsync(HttpRequestMessage request, HttpResponseMessage response, CancellationToken ct)
    {
        if ((int)response.StatusCode != 400 || request.Method != HttpMethod.Put) return false;
        if (request.RequestUri?.Query.Contains("multipart-manifest=put", StringComparison.Ordinal) != true) return false;
        try
        {
            // the content is buffered (ResponseContentRead), so the caller can still read it
            var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            return text.Contains("401 Unauthorized", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            return false;
        }
    }

    /// <summary>A short piece of the body, for error messages (Swift explains 4xx answers in text).</summary>
    public static async Task<string> BodySnippetAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            text = System.Text.RegularExpressions.Regex.Replace(text, "<[^>]+>", " ").Trim();
            text = System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ");
            return text.Length > 200 ? text[..200] + "…" : text;
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            return response.ReasonPhrase ?? "";
        }
    }
}
