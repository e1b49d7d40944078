using MountStore.Core.Storage;
using MountStore.Testing;

namespace MountStore.Mount.Tests;

/// <summary>
/// The container every end-to-end test reads: a small realistic tree, a folder of 10,000 files,
/// marker-only folders in both conventions, a file/folder clash, a key that cannot be a path,
/// a 1 GiB SLO and a 256 MiB S3 multipart object. Written once per server (a marker object says
/// it is complete); the large objects carry their SHA-256 in metadata.
/// </summary>
public static class E2ETree
{
    public const string Container = "mountstore-e2e";
    public const string CompleteMarker = ".fixture-complete-v1";
    public const int ManyCount = 10_000;
    public const long SloSize = 1L << 30;
    public const long MultipartSize = 256L << 20;
    public const long CsvValueSum = 3L * 999 * 1000 / 2;

    public static readonly Dictionary<string, string> SmallFiles = new()
    {
        ["docs/readme.txt"] = "MountStore end-to-end fixture\n",
        ["docs/notes/2024/jan.txt"] = "january\n",
        ["unicode/Grüße/日本語 ファイル.txt"] = "konnichiwa\n",
        ["unicode/emoji 🎉 party.txt"] = "party\n",
        ["clash/inner.txt"] = "inner\n",
        ["data/table.csv"] = "id,value\n" + string.Concat(Enumerable.Range(0, 1000).Select(i => $"{i},{i * 3}\n")),
    };

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static bool _ready;

    /// <summary>Creates the container and its objects unless a previous run completed them.</summary>
    public static async Task EnsureAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_ready)
                return;
            await LocalSwiftServer.CreateContainerAsync(Container);
            using var swift = LocalSwiftServer.SwiftStore(Container);
            if (await swift.HeadAsync(CompleteMarker, CancellationToken.None) is null)
                await WriteAsync(swift);
            _ready = true;
        }
        finally
        {
            Gate.Release();
        }
    }

    private static async Task WriteAsync(IObjectStore swift)
    {
        foreach (var (key, text) in SmallFiles)
            await swift.PutTextAsync(key, text);
        await swift.PutTextAsync("clash", "I am hidden by the folder clash/\n");
        await swift.PutTextAsync("bad//name", "a key with an empty path component\n");
        await swift.PutTextAsync("empty-marker/", "");
        await swift.PutTextAsync("empty-swift", "", "application/directory");
        await swift.PutTextAsync("meta/with-mtime.txt", "metadata\n", metadata: new() { ["mtime"] = "1500000000", ["mode"] = "33152" });
        await Parallel.ForEachAsync(Enumerable.Range(0, ManyCount), new ParallelOptions { MaxDegreeOfParallelism = 24 },
            async (i, ct) => await swift.PutTextAsync($"many/f{i:D5}", $"{i}\n"));
        // the expected SHA-256 travels with the object, so later runs need not recompute it
        await PatternUploads.WriteAsync(swift, "big/slo.bin", SloSize, 1, new Dictionary<string, string> { ["sha256"] = PositionPattern.Sha256(SloSize, 1) });
        using (var s3 = LocalSwiftServer.S3Store(Container))
            await PatternUploads.WriteAsync(s3, "big/multipart.bin", MultipartSize, 2, new Dictionary<string, string> { ["sha256"] = PositionPattern.Sha256(MultipartSize, 2) });
        await swift.PutTextAsync(CompleteMarker, DateTimeOffset.UtcNow.ToString("O"));
    }
}
