using System.Text;
using MountStore.Core.Storage;
using MountStore.Testing;

namespace MountStore.Store.Tests.Swift;

/// <summary>
/// A file created in the mount goes up as one conditional PUT (If-None-Match: *) instead of a HEAD
/// and a PUT, and still replaces, cleanly, an object that took the name meanwhile.
/// </summary>
public sealed class SwiftNewObjectTests : IAsyncLifetime
{
    private const string Container = "mountstore-new-objects";
    private readonly string _prefix = $"run-{Guid.NewGuid().ToString("N")[..8]}/";
    private readonly FaultInjectingHandler _http = new();

    public Task InitializeAsync() => LocalSwiftServer.CreateContainerAsync(Container);

    public Task DisposeAsync()
    {
        _http.Dispose();
        return Task.CompletedTask;
    }

    private static readonly ObjectWriteOptions NewName = new() { ExpectNoObject = true };

    private static async Task PutTextAsync(IObjectStore store, string key, string text, ObjectWriteOptions options)
    {
        using var content = new MemoryStream(Encoding.UTF8.GetBytes(text));
        await store.PutAsync(key, content, options, CancellationToken.None);
    }

    [Fact]
    public async Task A_new_name_costs_one_request_and_a_taken_one_is_a_conflict()
    {
        using var store = LocalSwiftServer.SwiftStore(Container, _http);
        await store.HeadAsync(_prefix + "warm-up", CancellationToken.None); // logs in

        var sent = _http.SentCount;
        await PutTextAsync(store, _prefix + "new.txt", "first", NewName);
        Assert.Equal(1, _http.SentCount - sent);

        // the name is taken now (as if another machine wrote it): refused by the condition, and
        // one HEAD tells it is not this writer's own earlier attempt
        sent = _http.SentCount;
        await Assert.ThrowsAsync<WriteConflictException>(() => PutTextAsync(store, _prefix + "new.txt", "second", NewName));
        Assert.Equal(2, _http.SentCount - sent);
        await using var read = await store.GetAsync(_prefix + "new.txt", null, CancellationToken.None);
        Assert.Equal("first", await new StreamReader(read.Stream).ReadToEndAsync());
    }

    [Fact]
    public async Task A_new_name_whose_first_answer_was_lost_is_stored_once_by_the_retry()
    {
        using var store = LocalSwiftServer.SwiftStore(Container, _http);
        var key = _prefix + "retried.txt";
        await store.HeadAsync(_prefix + "warm-up", CancellationToken.None);
        // the PUT reaches the server, its answer does not: the retry then finds the name taken
        // by the first attempt, and stores the same bytes again instead of failing
        _http.LoseAnswerOfNext(r => r.Method == HttpMethod.Put && r.RequestUri!.AbsolutePath.EndsWith("retried.txt", StringComparison.Ordinal), 1);

        await PutTextAsync(store, key, "once", NewName);

        await using var read = await store.GetAsync(key, null, CancellationToken.None);
        Assert.Equal("once", await new StreamReader(read.Stream).ReadToEndAsync());
        Assert.Equal(1, _http.InjectedCount);
    }
}
