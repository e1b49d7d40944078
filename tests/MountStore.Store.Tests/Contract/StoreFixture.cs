using MountStore.Core.Storage;
using MountStore.Testing;

namespace MountStore.Store.Tests.Contract;

/// <summary>
/// One store under the contract suite. A new server joins the suite by adding a fixture and a
/// three-line test class; the tests themselves never know which store they run on.
/// </summary>
public abstract class StoreFixture : IAsyncLifetime
{
    /// <summary>Objects in the paging set: more than 10,000 so listings take many pages.</summary>
    public const int PagingSetSize = 10_050;

    /// <summary>Where the paging set lives; kept between runs, topped up when incomplete.</summary>
    public const string PagingPrefix = "paging-10050/";

    /// <summary>The store the contract runs against.</summary>
    public IObjectStore Store { get; private set; } = null!;

    /// <summary>A prefix no other run uses; every test writes below it.</summary>
    public string RunPrefix { get; } = $"run-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..6]}/";

    /// <summary>Creates the store (and its container) once for the test class.</summary>
    protected abstract Task<IObjectStore> CreateStoreAsync();

    /// <summary>
    /// How many stored parts or segments belong to <paramref name="key"/> outside the object
    /// itself (Swift: in the segment container; S3: in unfinished uploads). Zero means nothing
    /// is orphaned once an upload was aborted or its object deleted.
    /// </summary>
    public abstract Task<int> CountStoredPartsAsync(string key);

    /// <summary>
    /// True where the server itself keeps a multipart object's parts after the object is
    /// overwritten, out of any client's reach (Swift's s3api; see docs/servers.md).
    /// </summary>
    public virtual bool ServerKeepsPartsOfReplacedObjects => false;


    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        Store = await CreateStoreAsync();
        await Store.VerifyAccessAsync(CancellationToken.None);
    }

    /// <summary>Creates the paging set unless a previous run left it complete.</summary>
    public Task EnsurePagingSetAsync() =>
        KeptObjectSet.EnsureAsync(Store, PagingPrefix, Enumerable.Range(0, PagingSetSize).Select(PagingKey), System.Text.Encoding.UTF8.GetBytes);

    /// <summary>The n-th key of the paging set.</summary>
    public static string PagingKey(int n) => $"{PagingPrefix}obj-{n:D6}";

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        // best effort: a failed cleanup must not hide the test results
        try
        {
            var keys = new List<string>();
            await foreach (var page in Store.ListAllAsync(RunPrefix, null)) keys.AddRange(page.Objects.Select(o => o.Key));
            await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (key, ct) => await Store.DeleteAsync(key, ct));
        }
        catch (ObjectStoreException)
        {
        }
        (Store as IDisposable)?.Dispose();
    }
}
