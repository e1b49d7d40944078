namespace MountStore.Core.Activity;

/// <summary>
/// One file on its way to the store, as `mountstore status` shows it: what the application has
/// written so far and how much of that the store has confirmed. While the file is open the total
/// still grows; once it is closing the total is final.
/// </summary>
public sealed class UploadProgress
{
    private string _key;
    private long _written;
    private long _stored;
    private int _closing;

    internal UploadProgress(string key, DateTimeOffset startedAt)
    {
        _key = key;
        StartedAt = startedAt;
    }

    /// <summary>The object the bytes go to (a rename while open changes it).</summary>
    public string Key
    {
        get => Volatile.Read(ref _key);
        internal set => Volatile.Write(ref _key, value);
    }

    /// <summary>When the first byte was written.</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>Bytes the application has written.</summary>
    public long BytesWritten => Volatile.Read(ref _written);

    /// <summary>Bytes the store has confirmed (whole parts; a single-request upload counts at its end).</summary>
    public long BytesStored => Math.Min(Volatile.Read(ref _stored), BytesWritten);

    /// <summary>True once the file was closed (or flushed) and the rest is being sent.</summary>
    public bool IsClosing => Volatile.Read(ref _closing) != 0;

    internal void Wrote(long length) => Volatile.Write(ref _written, length);

    internal void Stored(long bytes) => Interlocked.Add(ref _stored, bytes);

    internal void Closing() => Volatile.Write(ref _closing, 1);
}
