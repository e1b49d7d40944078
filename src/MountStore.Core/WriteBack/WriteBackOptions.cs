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
    /// Most closed files waiting for their upload (4,096). Past it, close() waits for room: each
    /// pending file holds an open file handle and a little memory (measured: 86 MB RSS for the
    /// whole mount with 1,900 pending), and a tree copied faster than the store takes it must not
    /// pile up without bound. Bytes are bounded by the cache's size. Uploads held back while a
    /// tool closes files (<see cref="CloseLull"/>) start once three quarters are taken; with
    /// 1,000, a tar -x of 2,000 files ran its second half against its own uploads. .NET raises
    /// the process's open-file limit to the hard limit (20,000 on the test machines, 524,288
    /// under systemd), far above this.
    /// </summary>
    public int MaxPendingFiles { get; init; } = 4096;

    /// <summary>
    /// How long a closed file waits before its upload begins (1 s). tar, cp -p and rsync set a
    /// file's mode and times just after closing it: landing in the file's record, they travel
    /// with its one upload; landing during the upload, they would wait for it and cost a request
    /// of their own. Unmounting skips the wait.
    /// </summary>
    public TimeSpan UploadDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long the application must go without closing a file before held-back uploads start
    /// (250 ms). A tool copying a tree (cp -r, tar -x, rsync) closes files one after another;
    /// uploads running meanwhile take the CPU, disk and server it is using. Measured on a
    /// 2-core machine with the server beside the mount: tar -x of 2,000 small files took
    /// 10.5-12 s with uploads running alongside and 3.4-4.1 s with them held back, and the
    /// uploads then ran faster too. Zero turns the hold-back off.
    /// </summary>
    public TimeSpan CloseLull { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Longest a file's upload is held back by closes that keep coming (5 s from its close, as
    /// rclone's default write-back delay): a copy that runs for hours uploads as it goes.
    /// </summary>
    public TimeSpan MaxCloseHoldBack { get; init; } = TimeSpan.FromSeconds(5);

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
