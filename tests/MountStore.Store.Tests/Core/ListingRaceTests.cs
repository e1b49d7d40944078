using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using MountStore.Core.FileSystem;
using MountStore.Core.Storage;
using MountStore.Core.Writing;
using MountStore.Testing;

namespace MountStore.Store.Tests.Core;

/// <summary>
/// A folder listing the server answered before a file was created and another removed through
/// the mount, and that lands after both, shows both changes and is kept so: against the local
/// Swift server through its Swift API and its S3 API, the answer held back on the wire.
/// </summary>
public sealed class ListingRaceTests : IAsyncLifetime, IDisposable
{
    private const string Container = "mountstore-listing-race";
    private readonly string _prefix = $"run-{Guid.NewGuid().ToString("N")[..8]}/";
    private readonly string _staging = Directory.CreateTempSubdirectory("mountstore-listing-race-").FullName;
    private readonly FaultInjectingHandler _http = new();

    public Task InitializeAsync() => LocalSwiftServer.CreateContainerAsync(Container);

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        _http.Dispose();
        Directory.Delete(_staging, recursive: true);
    }

    public static TheoryData<string> Apis => ["swift", "s3"];

    [Theory]
    [MemberData(nameof(Apis))]
    public async Task Changes_made_while_a_listing_is_on_its_way_are_shown_and_kept(string api)
    {
        var store = api == "swift" ? (IObjectStore)LocalSwiftServer.SwiftStore(Container, _http) : LocalSwiftServer.S3Store(Container, _http);
        using var disposeStore = (IDisposable)store;
        var root = _prefix + api + "/";
        foreach (var name in new[] { "d/old.txt", "d/keep.txt" })
        {
            using var content = new MemoryStream(Encoding.UTF8.GetBytes(name));
            await store.PutAsync(root + name, content, new ObjectWriteOptions(), CancellationToken.None);
        }
        await using var fs = new MountedFileSystem(store, new FileSystemOptions
        {
            RootPrefix = root,
            ListAhead = 0,
            ListingMetadataParallel = 0,
            Writing = new WriteOptions { StagingDirectory = _staging },
        }, NullLoggerFactory.Instance);
        await fs.ListDirectoryAsync("", CancellationToken.None);
        await fs.LookupAsync("d/old.txt", CancellationToken.None);

        var answered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _http.HoldAnswersOf(IsFolderListing, () =>
        {
            answered.TrySetResult();
            return gate.Task;
        });
        var listing = fs.ListDirectoryAsync("d", CancellationToken.None).AsTask();
        await answered.Task; // the server has answered: its answer knows nothing of what follows
        _http.HoldAnswersOf(null);

        await fs.CreateFileAsync("d/new.txt", "hello"u8.ToArray());
        await fs.UnlinkAsync("d/old.txt", CancellationToken.None);
        gate.SetResult();

        Assert.Equal(["keep.txt", "new.txt"], (await listing).Entries.Select(e => e.Name));
        var sent = _http.SentCount;
        Assert.Equal(["keep.txt", "new.txt"], (await fs.ListDirectoryAsync("d", CancellationToken.None)).Entries.Select(e => e.Name));
        Assert.Equal(sent, _http.SentCount); // kept so: no second LIST
        Assert.Equal(5, (await fs.GetAttributesAsync("d/new.txt", CancellationToken.None)).Size);
    }

    private static bool IsFolderListing(HttpRequestMessage request) =>
        request.Method == HttpMethod.Get && request.RequestUri!.Query.Contains("delimiter=", StringComparison.Ordinal)
        && Uri.UnescapeDataString(request.RequestUri.Query).Contains("/d/", StringComparison.Ordinal);
}
