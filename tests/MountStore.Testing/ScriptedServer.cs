namespace MountStore.Testing;

/// <summary>
/// A local server that one of the project's scripts (servers/*/start.sh) installs and starts. The
/// first test that needs it runs the script unless every health check already answers; the
/// others wait for that and reuse it.
/// </summary>
public sealed class ScriptedServer(string name, string script, params Uri[] healthChecks)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _running;

    /// <summary>Starts the server unless it answers already.</summary>
    public async Task EnsureRunningAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_running || await IsHealthyAsync().ConfigureAwait(false))
            {
                _running = true;
                return;
            }
            var path = Path.Combine(RepoPaths.Root, script);
            (await ProcessRunner.RunAsync("bash", [path], timeout: TimeSpan.FromMinutes(15)).ConfigureAwait(false))
                .EnsureSuccess($"starting {name} ({script})");
            _running = await IsHealthyAsync().ConfigureAwait(false)
                ? true
                : throw new InvalidOperationException($"{script} finished but {name} does not answer at {string.Join(", ", healthChecks.Select(u => u.ToString()))}");
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<bool> IsHealthyAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        foreach (var url in healthChecks)
        {
            try
            {
                using var response = await http.GetAsync(url).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode) return false;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                return false;
            }
        }
        return true;
    }
}
