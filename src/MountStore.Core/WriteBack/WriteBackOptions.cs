namespace MountStore.Core.WriteBack;

/// <summary>How closed files are uploaded in the background (write-back).</summary>
public sealed record WriteBackOptions
{
    /// <summary>
    /// Uploads running at once (8): serial tools (cp, tar, rsync) close one small file after
    /// another, and each upload is a round trip or two; eight at a time keep a local server busy
    /// without starving the reads someone waits on.
    /// </summary>
    public int Uploads { get; init; } = 8;

    /// <summary>
    /// Most closed files waiting for their upload (1,000). Past it, close() waits for room: each
    /// pending file holds an open file handle and a little memory, and a tree copied faster than
    /// the store takes it must not pile up without bound. Bytes are bounded by the cache's size.
    /// </summary>
    public int MaxPendingFiles { get; init; } = 1000;

    /// <summary>
    /// How long a closed file waits before its upload begins (1 s). tar, cp -p and rsync set a
    /// file's mode and times just after closing it: landing in the file's record, they travel
    /// with its one upload; landing during the upload, they would wait for it and cost a request
    /// of their own. Unmounting skips the wait.
    /// </summary>
    public TimeSpan UploadDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Longest an upload about to start waits while requests an application waits on are in
    /// flight (200 ms): long enough for a mkdir or chmod to go first, short enough that a steady
    /// stream of them cannot hold the uploads back.
    /// </summary>
    public TimeSpan ForegroundYield { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Longest wait between two tries of an upload that failed for a passing reason.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Throws when a value is out of range, naming the option.</summary>
    public void Validate()
    {
        if (Uploads is < 1 or > 64)
            throw new ArgumentException("--uploads must be between 1 and 64");
        if (MaxPendingFiles < 1)
            throw new ArgumentException("at least one file must be allowed to wait for its upload");
    }
}
