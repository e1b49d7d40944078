using MountStore.Testing;

namespace MountStore.Mount.Tests;

/// <summary>
/// Many files read at once through a small read-ahead budget, on a real mount of files uploaded
/// by python-swiftclient (plain objects and an SLO): every byte is right, and each file read in
/// sequence streams from one GET held open instead of a GET per small buffer.
/// </summary>
[Collection(MountCollection.Name)]
public sealed class ParallelReadMountTests : IAsyncLifetime
{
    private const string Container = "mountstore-e2e-parallel";
    private const int Files = 8, Size = 12 << 20;
    private readonly string _work = Path.Combine(Path.GetTempPath(), "mountstore-parallel-e2e-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly Dictionary<string, string> _sha = [];

    public async Task InitializeAsync()
    {
        await LocalSwiftServer.CreateContainerAsync(Container);
        Directory.CreateDirectory(_work);
        for (var i = 0; i < Files; i++)
        {
            var name = $"part-{i}.bin";
            var source = Path.Combine(_work, name);
            var bytes = new byte[Size];
            new Random(i).NextBytes(bytes);
            await File.WriteAllBytesAsync(source, bytes);
            _sha[name] = await Tools.Sha256SumAsync(source);
            // one of them a large object of 4 MiB segments: its stream crosses segment boundaries
            string[] large = i == 0 ? ["--use-slo", "--segment-size", "4194304"] : [];
            await LocalSwiftServer.UploadWithSwiftClientAsync(Container, source, name, options: large);
        }
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_work, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Eight_files_read_at_once_are_right_and_each_streams_from_a_few_GETs()
    {
        // 16 MiB of read-ahead for 8 files: about 1.5 MiB each, which without streaming costs a
        // GET per 0.75 MiB or less, 24 or more per file
        await using var mount = await MountProcess.StartAsync($"swift://{Container}", MountProcess.SwiftEnvironment, ["--read-only", "--read-ahead-total", "16"]);
        var getsBefore = await mount.SucceededRequestsAsync("get"); // the warm-up's

        var output = await Tools.RunAsync("sh", "-c", "cd \"$1\" && for f in part-*.bin; do sha256sum \"$f\" & done; wait", "_", mount.Directory);
        var sums = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split("  ")).ToDictionary(p => p[1], p => p[0]);
        Assert.Equal(_sha.OrderBy(p => p.Key), sums.OrderBy(p => p.Key));

        // Per file: about six GETs growing from 64 KiB while the reader proves it is sequential
        // (its first MiB), one held open for the rest, and one for each of the kernel's read-ahead
        // requests that arrives behind the queue. Measured 55-69 GETs in all; the same reads
        // without streaming took 195-226.
        var gets = await mount.SucceededRequestsAsync("get") - getsBefore;
        Assert.True(gets <= Files * 12, $"{gets} GETs for {Files} files read in parallel");
    }
}
