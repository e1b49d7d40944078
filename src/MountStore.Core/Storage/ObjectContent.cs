namespace MountStore.Core.Storage;

/// <summary>
/// The body of a GET: a stream of the asked-for bytes plus what the store said about the whole
/// object. Dispose it to release the connection.
/// </summary>
public sealed class ObjectContent : IAsyncDisposable, IDisposable
{
    private readonly IDisposable? _owner;

    /// <summary>Wraps <paramref name="stream"/>; <paramref name="owner"/> (a response) is disposed with it.</summary>
    public ObjectContent(Stream stream, ObjectInfo info, long offset, long length, IDisposable? owner = null)
    {
        Stream = stream;
        Info = info;
        Offset = offset;
        Length = length;
        _owner = owner;
    }

    /// <summary>The bytes, read once, front to back.</summary>
    public Stream Stream { get; }

    /// <summary>The whole object's size, ETag and metadata (not the range's).</summary>
    public ObjectInfo Info { get; }

    /// <summary>Where in the object <see cref="Stream"/> starts.</summary>
    public long Offset { get; }

    /// <summary>How many bytes <see cref="Stream"/> holds.</summary>
    public long Length { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        Stream.Dispose();
        _owner?.Dispose();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Stream.DisposeAsync().ConfigureAwait(false);
        _owner?.Dispose();
    }

    /// <summary>An empty body: a range that starts at or past the end of the object.</summary>
    public static ObjectContent Empty(ObjectInfo info, long offset) => new(Stream.Null, info, offset, 0);
}
