using Microsoft.Extensions.Logging.Abstractions;
using MountStore.Core.FileSystem;
using MountStore.Core.Storage;
using MountStore.Testing;

namespace MountStore.Core.Tests;

/// <summary>
/// A filesystem as the write tests use it: an in-memory store behind a fault injector, small
/// parts, and a staging folder of its own that goes away with it.
/// </summary>
internal sealed class WritingFileSystem : IAsyncDisposable
{
    /// <param name="wrap">a decorator to put between the filesystem and the fault injector, if any</param>
    /// <param name="memory">the store to write to; by default an S3-like one (5 MiB parts, uploads complete only under their own key)</param>
    public WritingFileSystem(Func<IObjectStore, IObjectStore>? wrap = null, InMemoryObjectStore? memory = null)
    {
        Memory = memory ?? TestStores.ForWriting();
        Faults = new FaultInjectingObjectStore(Memory);
        FileSystem = new MountedFileSystem(wrap?.Invoke(Faults) ?? Faults, new FileSystemOptions
        {
            Writing = TestStores.SmallParts(Staging),
        }, NullLoggerFactory.Instance);
    }

    public InMemoryObjectStore Memory { get; }

    public FaultInjectingObjectStore Faults { get; }

    public string Staging { get; } = Directory.CreateTempSubdirectory("mountstore-staging-").FullName;

    public MountedFileSystem FileSystem { get; }

    public async ValueTask DisposeAsync()
    {
        await FileSystem.DisposeAsync();
        Directory.Delete(Staging, recursive: true);
    }
}
