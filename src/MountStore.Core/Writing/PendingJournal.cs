using System.Text.Json;
using Microsoft.Win32.SafeHandles;
using MountStore.Core.DiskCache;

namespace MountStore.Core.Writing;

/// <summary>
/// The folder of pending uploads: per file, ID.data (its bytes) and ID.json (its
/// <see cref="PendingUpload"/> record). A record is written, durably, only after its data is
/// flushed to disk, and removed only after the object is in the store; a data file without a
/// record is a file whose close() never returned (or one already stored) and is deleted at the
/// next mount. So after kill -9, a crash or a reboot, every record names bytes that are whole.
/// Changes after close (a rename, the times and mode tar sets) go to ID.update, written without
/// waiting for the disk: POSIX makes them durable only through fsync, which uploads at once, and
/// a flush each would double the cost of extracting a small file. The durable record is never
/// replaced by one: a crash that leaves a torn update loses the change, never the file.
/// </summary>
public sealed class PendingJournal : IDisposable
{
    private const string RecordExtension = ".json";
    private const string DataExtension = ".data";
    private const string UpdateExtension = ".update";

    /// <summary>Empty data files kept ready: enough for a burst of creates between two refills.</summary>
    private const int SpareFiles = 16;

    private readonly SpareDataFiles _spares;

    /// <summary>Opens (creates, mode 0700) the pending folder in <paramref name="cacheDirectory"/>.</summary>
    public PendingJournal(string cacheDirectory)
    {
        Directory = Path.Combine(cacheDirectory, "pending");
        PrivateFiles.EnsureFolder(Directory);
        _spares = new SpareDataFiles(CreateFile, id => File.Delete(DataPath(id)), SpareFiles);
    }

    /// <summary>The folder.</summary>
    public string Directory { get; }

    /// <summary>A new empty data file (mode 0600) and its id, made ahead where possible.</summary>
    public (string Id, SafeFileHandle File) NewFile() => _spares.Take();

    /// <summary>Deletes the spare data files; records and pending data stay for the next mount.</summary>
    public void Dispose() => _spares.Dispose();

    private (string Id, SafeFileHandle File) CreateFile()
    {
        var id = Guid.NewGuid().ToString("N");
        var path = DataPath(id);
        PrivateFiles.Open(path, FileMode.CreateNew).Dispose();
        return (id, File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite));
    }

    /// <summary>Reopens the data file of a recorded upload.</summary>
    public SafeFileHandle OpenData(string id) => File.OpenHandle(DataPath(id), FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);

    /// <summary>Files up to this size are sealed with one flush (their record in an attribute, with a hash of their bytes).</summary>
    public const long OneFlushBytes = 1 << 20;

    /// <summary>False to keep every record in a file of its own (as where attributes are missing), for tests.</summary>
    public bool UseAttributes { get; init; } = RecordAttribute.Supported;

    /// <summary>
    /// Makes <paramref name="data"/> and its record durable: what close() waits for. A small file
    /// takes one flush, its record (with a hash of its bytes) in the data file's attribute; a
    /// larger one, or one on a file system without attributes, is flushed and then recorded in
    /// ID.json, flushed too. Returns the record as kept.
    /// </summary>
    public PendingUpload Seal(PendingUpload record, SafeFileHandle data)
    {
        File.Delete(UpdatePath(record.Id)); // it amended the record this one replaces
        if (UseAttributes && record.Length <= OneFlushBytes)
        {
            var hashed = record with { Sha256 = Convert.ToHexStringLower(HashOf(data, record.Length)) };
            if (RecordAttribute.TrySet(data, Serialize(hashed)))
            {
                RandomAccess.FlushToDisk(data);
                return hashed;
            }
        }
        RandomAccess.FlushToDisk(data);
        PrivateFiles.ReplaceDurably(RecordPath(record.Id), Serialize(record));
        return record;
    }

    /// <summary>SHA-256 of the first <paramref name="length"/> bytes, read through one pooled 64 KiB buffer (this runs on every small close).</summary>
    private static byte[] HashOf(SafeFileHandle data, long length)
    {
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(64 << 10);
        try
        {
            for (long at = 0; at < length;)
            {
                var got = RandomAccess.Read(data, buffer.AsSpan(0, (int)Math.Min(buffer.Length, length - at)), at);
                if (got == 0)
                    break;
                hash.AppendData(buffer, 0, got);
                at += got;
            }
            return hash.GetHashAndReset();
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Records a change to a saved upload (its key, metadata or base version; never its bytes)
    /// without flushing it: kept across kill -9, and across a crash unless the disk had not
    /// written it yet, when the saved record stands.
    /// </summary>
    public void Update(PendingUpload record)
    {
        var path = UpdatePath(record.Id);
        using (var file = PrivateFiles.Open(path + ".new", FileMode.Create))
            file.Write(Serialize(record));
        File.Move(path + ".new", path, overwrite: true);
    }

    /// <summary>Forgets an upload that is done (or whose file was deleted): the record first, so a crash in between leaves only data, which is dropped.</summary>
    public void Remove(string id)
    {
        RemoveRecord(id);
        File.Delete(DataPath(id));
    }

    /// <summary>Forgets the record of an upload that is done; its data file stays while its writer may still write to it.</summary>
    public void RemoveRecord(string id)
    {
        File.Delete(RecordPath(id));
        RecordAttribute.Remove(DataPath(id));
        File.Delete(UpdatePath(id));
    }

    /// <summary>The ids of every recorded upload, however recorded (nothing is checked or deleted).</summary>
    public IReadOnlyList<string> RecordedIds() =>
        System.IO.Directory.EnumerateFiles(Directory, "*" + DataExtension)
            .Select(path => Path.GetFileNameWithoutExtension(path))
            .Where(id => File.Exists(RecordPath(id)) || RecordAttribute.Read(DataPath(id)) is not null)
            .ToList();

    private static byte[] Serialize(PendingUpload record) => JsonSerializer.SerializeToUtf8Bytes(record, PendingUploadJson.Default.PendingUpload);

    /// <summary>The latest update of <paramref name="record"/> when one was written whole, else the record.</summary>
    private PendingUpload Latest(PendingUpload record)
    {
        try
        {
            var update = JsonSerializer.Deserialize(File.ReadAllBytes(UpdatePath(record.Id)), PendingUploadJson.Default.PendingUpload);
            return update is not null && update.Id == record.Id && update.Length == record.Length ? update : record;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return record; // none, or torn by a crash: the change is lost, the file is not
        }
    }

    /// <summary>Deletes the data file of a writer that never sealed it (its close never returned, or the bytes were stored).</summary>
    public void DeleteUnrecorded(string id)
    {
        if (!File.Exists(RecordPath(id)) && RecordAttribute.Read(DataPath(id)) is null)
            File.Delete(DataPath(id));
    }

    /// <summary>
    /// What earlier mounts left: every readable record whose data file holds its full length,
    /// oldest first. Data files without a record are deleted; records that cannot be used are
    /// returned in <paramref name="damaged"/> and left on disk, never deleted unuploaded.
    /// </summary>
    public IReadOnlyList<PendingUpload> Load(out IReadOnlyList<string> damaged)
    {
        var found = new List<PendingUpload>();
        var unusable = new List<string>();
        var recorded = new HashSet<string>(StringComparer.Ordinal);
        var ids = System.IO.Directory.EnumerateFiles(Directory, "*" + RecordExtension)
            .Concat(System.IO.Directory.EnumerateFiles(Directory, "*" + DataExtension))
            .Select(path => Path.GetFileNameWithoutExtension(path))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        foreach (var id in ids)
        {
            var where = File.Exists(RecordPath(id)) ? RecordPath(id) : $"{DataPath(id)} (its record attribute)";
            try
            {
                var bytes = File.Exists(RecordPath(id)) ? File.ReadAllBytes(RecordPath(id)) : RecordAttribute.Read(DataPath(id));
                if (bytes is null)
                {
                    File.Delete(DataPath(id)); // a file whose close never returned, or one already stored
                    continue;
                }
                recorded.Add(id);
                var record = JsonSerializer.Deserialize(bytes, PendingUploadJson.Default.PendingUpload);
                var data = new FileInfo(DataPath(id));
                if (record is null || record.Id != id)
                    unusable.Add($"{where}: not a pending upload record");
                else if (!data.Exists || data.Length != record.Length)
                    unusable.Add($"{where}: '{record.Key}' should have {record.Length} bytes in {data.FullName}, which {(data.Exists ? $"has {data.Length}" : "is missing")}");
                else if (record.Sha256 is { } expected && !SameBytes(data.FullName, record.Length, expected))
                    unusable.Add($"{where}: the bytes of '{record.Key}' in {data.FullName} are not the ones recorded (the mount stopped while closing it)");
                else
                    found.Add(Latest(record));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
            {
                recorded.Add(id); // unreadable is not unrecorded: never deleted unuploaded
                unusable.Add($"{where}: {e.Message}");
            }
        }
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory))
        {
            if (path.EndsWith(".new", StringComparison.Ordinal))
                File.Delete(path); // a record being replaced when the mount stopped: the old one stands
            else if (path.EndsWith(UpdateExtension, StringComparison.Ordinal) && !recorded.Contains(Path.GetFileNameWithoutExtension(path)))
                File.Delete(path); // its upload finished as the mount stopped
        }
        damaged = unusable;
        return found.OrderBy(r => r.ClosedAt).ToList();
    }

    private static bool SameBytes(string path, long length, string sha256)
    {
        using var data = File.OpenHandle(path);
        return Convert.ToHexStringLower(HashOf(data, length)) == sha256;
    }

    /// <summary>Where the bytes of upload <paramref name="id"/> are.</summary>
    public string DataPath(string id) => Path.Combine(Directory, id + DataExtension);

    private string RecordPath(string id) => Path.Combine(Directory, id + RecordExtension);

    private string UpdatePath(string id) => Path.Combine(Directory, id + UpdateExtension);
}
