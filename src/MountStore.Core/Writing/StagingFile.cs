using System.Buffers;
using Microsoft.Win32.SafeHandles;
using MountStore.Core.Storage;

namespace MountStore.Core.Writing;

/// <summary>
/// A local copy of a file being changed out of order: random writes, appends, truncates, reads
/// of what was just written. It starts empty and sparse; bytes of the object it replaces
/// (<see cref="BaseLength"/> of them) are fetched only where a read or the final upload needs them.
/// Its length counts against the <see cref="StagingArea"/> limit.
/// </summary>
public sealed class StagingFile : IDisposable
{
    private const int FetchAlignment = 1 << 20;
    private readonly StagingArea _area;
    private readonly SafeFileHandle _file;
    private readonly RangeSet _filled = new();
    private long _reserved;

    /// <summary>A staging file standing for an object of <paramref name="baseLength"/> bytes (0 for a new file).</summary>
    public StagingFile(StagingArea area, long baseLength)
        : this(area, area.CreateFile(), baseLength, keptAs: null)
    {
    }

    /// <summary>
    /// A staging file over <paramref name="file"/>, a file that outlives the mount (write-back:
    /// it is the pending upload <paramref name="keptAs"/>). Its first <paramref name="baseLength"/>
    /// bytes come from the object where not written; a recovered file has all its bytes and
    /// gives its length with <paramref name="completeLength"/>.
    /// </summary>
    public StagingFile(StagingArea area, SafeFileHandle file, long baseLength, string? keptAs, long completeLength = -1)
    {
        _area = area;
        _file = file;
        KeptAs = keptAs;
        if (completeLength >= 0)
        {
            SetLengthCore(completeLength);
            return;
        }
        BaseLength = baseLength;
        SetLengthCore(baseLength);
    }

    /// <summary>The pending upload this file holds the bytes of (write-back), or null for an unlinked scratch file.</summary>
    public string? KeptAs { get; }

    /// <summary>Makes these bytes and <paramref name="record"/> durable in <paramref name="journal"/> (write-back's close); returns the record as kept.</summary>
    public PendingUpload Seal(PendingJournal journal, PendingUpload record)
    {
        var kept = journal.Seal(record, _file);
        OnDisk = true;
        return kept;
    }

    /// <summary>True when every byte was flushed to disk (by <see cref="Seal"/>) and none changed since.</summary>
    public bool OnDisk { get; private set; }

    /// <summary>The file's length now.</summary>
    public long Length { get; private set; }

    /// <summary>How many leading bytes still come from the original object where not overwritten.</summary>
    public long BaseLength { get; private set; }

    /// <summary>Bytes fetched from the store so far (for tests and logs).</summary>
    public long FetchedBytes { get; private set; }

    /// <summary>
    /// Writes up to this many bytes in place, on the calling thread: a small write into the page
    /// cache takes microseconds, and .NET's asynchronous write of a regular file hands it to a
    /// pool thread and back, which cost more than the write (tar -x with write-back: a 10 KiB
    /// write took 0.31 ms through the mount that way). Larger ones, which may wait for the disk
    /// to take dirty pages, go to a pool thread and leave the caller's thread free.
    /// </summary>
    private const int InPlaceWriteBytes = 128 << 10;

    /// <summary>Writes <paramref name="data"/> at <paramref name="offset"/>, growing the file as needed.</summary>
    public ValueTask WriteAsync(long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var end = offset + data.Length;
        OnDisk = false;
        if (end > Length)
            SetLengthCore(end);
        if (data.Length > InPlaceWriteBytes)
            return WriteOnPoolThreadAsync(offset, data, cancellationToken);
        RandomAccess.Write(_file, data.Span, offset);
        _filled.Add(offset, end);
        return ValueTask.CompletedTask;
    }

    private async ValueTask WriteOnPoolThreadAsync(long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        await RandomAccess.WriteAsync(_file, data, offset, cancellationToken).ConfigureAwait(false);
        _filled.Add(offset, offset + data.Length);
    }

    /// <summary>Reads at <paramref name="offset"/>, fetching original bytes that are not here yet from <paramref name="store"/>.</summary>
    public async ValueTask<int> ReadAsync(long offset, Memory<byte> destination, IObjectStore store, string baseKey, CancellationToken cancellationToken)
    {
        if (offset >= Length) return 0;
        var count = (int)Math.Min(destination.Length, Length - offset);
        await FillAsync(offset, offset + count, store, baseKey, cancellationToken).ConfigureAwait(false);
        var read = 0;
        while (read < count)
        {
            var got = await RandomAccess.ReadAsync(_file, destination[read..count], offset + read, cancellationToken).ConfigureAwait(false);
            if (got == 0) break;
            read += got;
        }
        return read;
    }

    /// <summary>Sets the length: cut bytes are gone for good, new bytes read as zeros.</summary>
    public void SetLength(long length)
    {
        if (length < BaseLength)
            BaseLength = length;
        _filled.Clip(length);
        if (length < Length)
            RandomAccess.SetLength(_file, length); // drop the cut bytes before growing again reads them back
        SetLengthCore(length);
    }

    private void SetLengthCore(long length)
    {
        OnDisk = false;
        var delta = length - _reserved;
        if (delta > 0 && !_area.TryReserve(delta))
            throw new StagingFullException(_area.LimitBytes);
        if (delta < 0)
            _area.Release(-delta);
        _reserved = length;
        RandomAccess.SetLength(_file, length);
        Length = length;
    }

    /// <summary>Fetches every original byte in [start, end) that is not here yet, in aligned ranged GETs.</summary>
    public async Task FillAsync(long start, long end, IObjectStore store, string baseKey, CancellationToken cancellationToken)
    {
        end = Math.Min(end, BaseLength);
        if (start >= end) return;
        // Whole aligned blocks: neighbouring small reads then cost one request, not one each.
        var alignedStart = start / FetchAlignment * FetchAlignment;
        var alignedEnd = Math.Min(BaseLength, (end + FetchAlignment - 1) / FetchAlignment * FetchAlignment);
        foreach (var (gapStart, gapEnd) in _filled.Missing(alignedStart, alignedEnd).ToList())
        {
            OnDisk = false;
            await FetchAsync(gapStart, gapEnd, store, baseKey, cancellationToken).ConfigureAwait(false);
            _filled.Add(gapStart, gapEnd);
        }
    }

    /// <summary>
    /// The version (ETag) of the object the unwritten bytes come from; fetches of any other
    /// version fail with <see cref="ObjectChangedException"/>. Null: whatever the store holds.
    /// </summary>
    public string? BaseVersion { get; set; }

    /// <summary>
    /// The object behind the unwritten bytes may now be shorter than when this file began (a
    /// conflict copy filled from the version that replaced it): missing bytes stay zeros.
    /// </summary>
    public bool BaseMayBeShorter { get; set; }

    private async Task FetchAsync(long start, long end, IObjectStore store, string baseKey, CancellationToken cancellationToken)
    {
        using var content = await store.GetAsync(baseKey, new ByteRange(start, end - start), BaseVersion, cancellationToken).ConfigureAwait(false);
        VersionChecks.EnsureVersion(content, baseKey, BaseVersion);
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            var at = start;
            while (at < end)
            {
                var got = await content.Stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, end - at)), cancellationToken).ConfigureAwait(false);
                if (got == 0 && BaseMayBeShorter)
                    break; // what the object no longer has stays zeros
                if (got == 0)
                    throw new IntegrityException("GET", baseKey, $"the object ended at byte {at}, before the {end} bytes it had when opened; it was changed elsewhere");
                await RandomAccess.WriteAsync(_file, buffer.AsMemory(0, got), at, cancellationToken).ConfigureAwait(false);
                at += got;
            }
            FetchedBytes += end - start;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>A seekable stream over the whole file, for a single PUT; call <see cref="FillAsync"/> first.</summary>
    public Stream OpenRead() => new StagedContentStream(_file, Length);

    /// <inheritdoc />
    public void Dispose()
    {
        _file.Dispose();
        _area.Release(_reserved);
        _reserved = 0;
    }
}

/// <summary>Staging files together would pass the limit set for them.</summary>
public sealed class StagingFullException(long limit)
    : Exception($"the staging area is full ({limit >> 20} MiB); raise --cache-max-size or close other files being written");
