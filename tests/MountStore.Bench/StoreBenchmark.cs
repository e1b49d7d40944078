using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MountStore.Core.Storage;
using MountStore.Testing;

namespace MountStore.Bench;

/// <summary>
/// Lists 10,000 objects, GETs and PUTs a 256 MiB object through the Swift and S3 stores and
/// through curl, and reports throughput with ratios to curl. Each figure is the best of three
/// runs, to damp the noise of a shared 2-core machine.
/// </summary>
internal static class StoreBenchmark
{
    private const string Container = "mountstore-bench";
    private const int ObjectMiB = 256;
    private const int ListCount = 10_000;
    private const int Runs = 3;

    public static async Task<string> RunAsync()
    {
        await LocalSwiftServer.CreateContainerAsync(Container);
        using var swift = LocalSwiftServer.SwiftStore(Container);
        using var s3 = LocalSwiftServer.S3Store(Container);
        await swift.VerifyAccessAsync(CancellationToken.None);

        var file = Path.Combine(Path.GetTempPath(), "mountstore-bench-256m.bin");
        if (!File.Exists(file) || new FileInfo(file).Length != ObjectMiB << 20)
        {
            await using var f = File.Create(file);
            var chunk = new byte[1 << 20];
            for (var i = 0; i < ObjectMiB; i++) { RandomNumberGenerator.Fill(chunk); await f.WriteAsync(chunk); }
        }
        await EnsureListingSetAsync(swift);

        using var http = new HttpClient();
        var (storageUrl, token) = await LocalSwiftServer.LoginAsync(http);
        var objectUrl = $"{storageUrl}/{Container}/big.bin";

        var rows = new List<(string Test, string Client, double Seconds, double? MBps)>();
        void Add(string test, string client, double seconds, long bytes) =>
            rows.Add((test, client, seconds, bytes > 0 ? bytes / 1e6 / seconds : null));

        // PUT
        Add("PUT 256 MiB", "curl", await Best(() => Curl("-X", "PUT", "-T", file, "-H", $"X-Auth-Token: {token}", objectUrl)), ObjectMiB << 20);
        Add("PUT 256 MiB", "swift store", await Best(async () => { await using var s = File.OpenRead(file); await swift.PutAsync("big.bin", s, ObjectWriteOptions.Default, default); }), ObjectMiB << 20);
        Add("PUT 256 MiB", "s3 store", await Best(async () => { await using var s = File.OpenRead(file); await s3.PutAsync("big-s3.bin", s, ObjectWriteOptions.Default, default); }), ObjectMiB << 20);
        Add("PUT 256 MiB", "swift store, 8 x 32 MiB SLO parts, 4 parallel", await Best(() => SegmentedPutAsync(swift, file, "big-slo.bin")), ObjectMiB << 20);
        Add("PUT 256 MiB", "s3 store, 8 x 32 MiB multipart, 4 parallel", await Best(() => SegmentedPutAsync(s3, file, "big-mpu.bin")), ObjectMiB << 20);

        // GET
        Add("GET 256 MiB", "curl", await Best(() => Curl("-o", "/dev/null", "-H", $"X-Auth-Token: {token}", objectUrl)), ObjectMiB << 20);
        Add("GET 256 MiB", "swift store", await Best(() => DrainAsync(swift, "big.bin")), ObjectMiB << 20);
        Add("GET 256 MiB", "s3 store", await Best(() => DrainAsync(s3, "big.bin")), ObjectMiB << 20);

        // LIST
        Add($"list {ListCount:N0} objects", "curl (JSON pages by marker)", await Best(() => CurlListAsync(storageUrl, token)), 0);
        Add($"list {ListCount:N0} objects", "swift store", await Best(() => CountAsync(swift)), 0);
        Add($"list {ListCount:N0} objects", "s3 store", await Best(() => CountAsync(s3)), 0);

        return Format(rows);
    }

    private static async Task EnsureListingSetAsync(IObjectStore store)
    {
        var have = 0;
        await foreach (var page in store.ListAllAsync("list/", null)) have += page.Objects.Count;
        if (have == ListCount) return;
        await Parallel.ForEachAsync(Enumerable.Range(0, ListCount), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, ct) =>
            await store.PutAsync($"list/{i / 100:D3}/obj-{i:D5}", new MemoryStream([1]), ObjectWriteOptions.Default, ct));
    }

    private static async Task<double> Best(Func<Task> action)
    {
        var best = double.MaxValue;
        for (var i = 0; i < Runs; i++)
        {
            var sw = Stopwatch.StartNew();
            await action();
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
        }
        return best;
    }

    private static async Task Curl(params string[] args)
    {
        (await ProcessRunner.RunAsync("curl", ["-sSf", .. args])).EnsureSuccess("curl");
    }

    private static async Task CurlListAsync(string storageUrl, string token)
    {
        string? marker = "";
        var total = 0;
        while (marker is not null)
        {
            var result = (await ProcessRunner.RunAsync("curl", ["-sSf", "-H", $"X-Auth-Token: {token}",
                $"{storageUrl}/{Container}?format=json&prefix=list/&limit=1000&marker={Uri.EscapeDataString(marker)}"])).EnsureSuccess("curl list");
            var names = System.Text.Json.JsonDocument.Parse(result.StdOut).RootElement.EnumerateArray().Select(e => e.GetProperty("name").GetString()!).ToList();
            total += names.Count;
            marker = names.Count == 1000 ? names[^1] : null;
        }
        if (total != ListCount) throw new InvalidOperationException($"curl listed {total}");
    }

    private static async Task CountAsync(IObjectStore store)
    {
        var total = 0;
        await foreach (var page in store.ListAllAsync("list/", null)) total += page.Objects.Count;
        if (total != ListCount) throw new InvalidOperationException($"listed {total}");
    }

    private static async Task DrainAsync(IObjectStore store, string key)
    {
        await using var content = await store.GetAsync(key, null, default);
        var buffer = new byte[1 << 20];
        while (await content.Stream.ReadAsync(buffer) > 0) { }
    }

    private static async Task SegmentedPutAsync(IObjectStore store, string file, string key)
    {
        const int partSize = 32 << 20;
        var upload = await store.BeginSegmentedUploadAsync(key, ObjectWriteOptions.Default, default);
        var parts = new UploadedPart[(ObjectMiB << 20) / partSize];
        await Parallel.ForEachAsync(Enumerable.Range(0, parts.Length), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, ct) =>
        {
            var buffer = new byte[partSize];
            await using (var f = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read))
            {
                f.Position = (long)i * partSize;
                await f.ReadExactlyAsync(buffer, ct);
            }
            parts[i] = await upload.UploadPartAsync(i + 1, buffer, ct);
        });
        await upload.CompleteAsync(parts, default);
    }

    private static string Format(List<(string Test, string Client, double Seconds, double? MBps)> rows)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"# Store clients against curl, local Swift 2.30 + s3api, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Best of {Runs} runs each; ratio = curl's time / the client's time (above 1 is faster than curl).");
        sb.AppendLine();
        sb.AppendLine("| test | client | seconds | MB/s | ratio to curl |");
        sb.AppendLine("|---|---|---:|---:|---:|");
        foreach (var group in rows.GroupBy(r => r.Test))
        {
            var curl = group.First(r => r.Client.StartsWith("curl", StringComparison.Ordinal)).Seconds;
            foreach (var r in group)
                sb.AppendLine(CultureInfo.InvariantCulture,
                    $"| {r.Test} | {r.Client} | {r.Seconds:F3} | {(r.MBps is { } m ? m.ToString("F0", CultureInfo.InvariantCulture) : "")} | {curl / r.Seconds:F2}x |");
        }
        return sb.ToString();
    }
}
