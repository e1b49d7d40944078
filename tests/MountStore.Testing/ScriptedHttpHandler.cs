using System.Net;

namespace MountStore.Testing;

/// <summary>An HTTP handler that answers from a script and records what it was sent: for unit tests of request building.</summary>
public sealed class ScriptedHttpHandler(Func<HttpRequestMessage, string?, HttpResponseMessage> answer) : HttpMessageHandler
{
    /// <summary>Each request with its body, in order.</summary>
    public List<(HttpRequestMessage Request, string? Body)> Received { get; } = [];

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        lock (Received) Received.Add((request, body));
        return answer(request, body);
    }

    /// <summary>A JSON answer with extra headers.</summary>
    public static HttpResponseMessage Json(HttpStatusCode status, string json, params (string Name, string Value)[] headers)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        foreach (var (name, value) in headers) response.Headers.TryAddWithoutValidation(name, value);
        return response;
    }
}
