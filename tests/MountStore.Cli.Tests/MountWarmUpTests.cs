using Microsoft.Extensions.Logging.Abstractions;
using MountStore.Core.FileSystem;
using MountStore.Core.Storage;
using MountStore.Testing;
using static MountStore.Testing.FaultInjectingObjectStore;

namespace MountStore.Cli.Tests;

/// <summary>The warm-up that runs before a mount appears never holds the mount back for long.</summary>
public sealed class MountWarmUpTests
{
    private static MountedFileSystem Over(IObjectStore store) => new(store, new FileSystemOptions(), NullLoggerFactory.Instance);

    [Fact]
    public async Task A_store_that_does_not_answer_holds_the_mount_back_only_until_the_limit()
    {
        // the lookup's LIST never comes back; the rest of the warm-up's questions are answered
        var store = new FaultInjectingObjectStore(new InMemoryObjectStore()).Delay(StoreCall.List, TimeSpan.FromHours(1));
        await using var fs = Over(store);

        var warmUp = MountWarmUp.RunAsync(fs, NullLogger.Instance, TimeSpan.FromMilliseconds(200), CancellationToken.None);

        // a deadline far past the limit, so a warm-up that ignored its limit fails here instead of hanging
        Assert.Same(warmUp, await Task.WhenAny(warmUp, Task.Delay(TimeSpan.FromSeconds(60))));
        await warmUp; // and it ended quietly: nothing a mount has to handle
        Assert.Equal(1, store.CountOf(StoreCall.List));
        Assert.Equal(0, fs.OpenFileCount);
    }

    [Fact]
    public async Task A_failure_of_a_kind_no_store_names_does_not_stop_the_mount()
    {
        var store = new FaultInjectingObjectStore(new InMemoryObjectStore()).FailFrom(StoreCall.Get, 1, () => new InvalidOperationException("an answer nobody expected"));
        await using var fs = Over(store);

        await MountWarmUp.RunAsync(fs, NullLogger.Instance, MountWarmUp.Limit, CancellationToken.None);

        Assert.Equal(2, store.CountOf(StoreCall.Get)); // both paths asked, and failed
    }
}
