using System.Collections.Concurrent;

namespace MountStore.Core.Activity;

/// <summary>
/// Every upload of one mount that has begun and not yet ended, plus totals since the mount
/// started. Entries live exactly as long as their upload, so the set is bounded by the files
/// open for writing.
/// </summary>
public sealed class UploadsInProgress(TimeProvider clock)
{
    private readonly ConcurrentDictionary<UploadProgress, byte> _running = new();
    private long _completed;
    private long _failed;
    private long _bytesStored;

    /// <summary>Registers an upload to <paramref name="key"/>; end it with <see cref="End"/>.</summary>
    public UploadProgress Begin(string key)
    {
        var upload = new UploadProgress(key, clock.GetUtcNow());
        _running[upload] = 0;
        return upload;
    }

    /// <summary>Removes <paramref name="upload"/>; <paramref name="stored"/> says whether its object is now in the store.</summary>
    public void End(UploadProgress upload, bool stored)
    {
        if (!_running.TryRemove(upload, out _))
            return;
        if (stored)
        {
            Interlocked.Increment(ref _completed);
            Interlocked.Add(ref _bytesStored, upload.BytesWritten);
        }
        else
        {
            Interlocked.Increment(ref _failed);
        }
    }

    /// <summary>The uploads running now, oldest first.</summary>
    public IReadOnlyList<UploadProgress> Running() => _running.Keys.OrderBy(u => u.StartedAt).ToList();

    /// <summary>Uploads that ended with the object in the store.</summary>
    public long Completed => Interlocked.Read(ref _completed);

    /// <summary>Uploads that ended without storing anything (failed, or the file was discarded).</summary>
    public long Abandoned => Interlocked.Read(ref _failed);

    /// <summary>Bytes of the completed uploads.</summary>
    public long BytesStored => Interlocked.Read(ref _bytesStored);
}
