namespace MountStore.Testing;

/// <summary>
/// For test classes that work in one container of the local server: makes sure the server runs
/// and the container exists before the first test (xunit calls <see cref="InitializeAsync"/>).
/// </summary>
public abstract class ContainerTestBase(string container)
{
    /// <summary>The container (or bucket) the tests use.</summary>
    protected string Container { get; } = container;

    /// <summary>Starts the server if needed and creates the container.</summary>
    public virtual Task InitializeAsync() => LocalSwiftServer.CreateContainerAsync(Container);

    /// <summary>Nothing to undo: test containers are reused across runs.</summary>
    public virtual Task DisposeAsync() => Task.CompletedTask;
}
