using MountStore.Core.Model;
using MountStore.Core.Writing;
using MountStore.Testing;

namespace MountStore.Core.Tests;

/// <summary>
/// The write-back journal on its own: how a closed file's record is kept (one flush with the
/// record in the data file's attribute for a small file, a record file otherwise) and what the
/// next mount makes of what a crash can leave.
/// </summary>
public sealed class PendingJournalTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("mountstore-journal-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static PendingUpload RecordFor(string id, string key, long length) =>
        new(id, key, length, NodeKind.File, 420, null, null, null, null, DateTimeOffset.UnixEpoch, null, null, false);

    private static string Sealed(PendingJournal journal, string key, byte[] bytes, out PendingUpload kept)
    {
        var (id, file) = journal.NewFile();
        using (file)
        {
            RandomAccess.Write(file, bytes, 0);
            kept = journal.Seal(RecordFor(id, key, bytes.Length), file);
        }
        return id;
    }

    [Fact]
    public async Task New_data_files_come_from_a_few_made_ahead_which_a_stopping_mount_deletes_and_a_killed_ones_next_mount_deletes()
    {
        var journal = new PendingJournal(_folder);
        var (id, file) = journal.NewFile();
        file.Dispose();
        var pending = Path.Combine(_folder, "pending");
        for (var wait = 0; wait < 500 && Directory.GetFiles(pending).Length < 17; wait++)
            await Task.Delay(10);
        Assert.Equal(17, Directory.GetFiles(pending).Length); // the one taken and 16 spares, no more
        for (var i = 0; i < 40; i++)
        {
            var (_, more) = journal.NewFile();
            more.Dispose();
        }
        for (var wait = 0; wait < 500 && Directory.GetFiles(pending).Length < 41 + 16; wait++)
            await Task.Delay(10);
        await Task.Delay(50);
        Assert.Equal(41 + 16, Directory.GetFiles(pending).Length); // the 41 taken and 16 spares again

        // a mount killed with its spares made: the next one deletes them, as any unrecorded data file
        var next = new PendingJournal(_folder);
        Assert.Empty(next.Load(out var damaged));
        Assert.Empty(damaged);
        Assert.Empty(Directory.GetFiles(pending));

        // a mount that stops deletes its own
        next.NewFile().File.Dispose();
        for (var wait = 0; wait < 500 && Directory.GetFiles(pending).Length < 17; wait++)
            await Task.Delay(10);
        next.Dispose();
        Assert.Equal([next.DataPath(Path.GetFileNameWithoutExtension(Directory.GetFiles(pending).Single()))], Directory.GetFiles(pending));
        Assert.NotEqual(id, Path.GetFileNameWithoutExtension(Directory.GetFiles(pending).Single()));
        journal.Dispose();
    }

    [Fact]
    public void A_small_file_is_recorded_in_its_data_files_attribute_and_a_large_one_in_a_record_file()
    {
        using var journal = new PendingJournal(_folder);
        var small = Sealed(journal, "small.txt", TestStores.Pattern(5000), out var smallRecord);
        var large = Sealed(journal, "large.bin", TestStores.Pattern((int)PendingJournal.OneFlushBytes + 1), out var largeRecord);

        Assert.NotNull(smallRecord.Sha256);
        Assert.Null(largeRecord.Sha256);
        Assert.False(File.Exists(Path.ChangeExtension(journal.DataPath(small), ".json")));
        Assert.True(File.Exists(Path.ChangeExtension(journal.DataPath(large), ".json")));
        Assert.Equal(["large.bin", "small.txt"], journal.Load(out var damaged).Select(r => r.Key).Order());
        Assert.Empty(damaged);
    }

    [Fact]
    public void Without_attributes_every_record_is_a_file_and_loads_the_same()
    {
        using var journal = new PendingJournal(_folder) { UseAttributes = false };
        var id = Sealed(journal, "plain.txt", TestStores.Pattern(300), out var kept);

        Assert.Null(kept.Sha256);
        Assert.True(File.Exists(Path.ChangeExtension(journal.DataPath(id), ".json")));
        using var again = new PendingJournal(_folder);
        Assert.Equal("plain.txt", Assert.Single(again.Load(out _)).Key);
    }

    [Fact]
    public void Bytes_that_are_not_the_recorded_ones_are_reported_and_kept_never_uploaded()
    {
        // what a crash in the one flush can leave: the record on disk, the bytes not all there
        using var journal = new PendingJournal(_folder);
        var id = Sealed(journal, "torn.txt", TestStores.Pattern(4096, seed: 1), out _);
        File.WriteAllBytes(journal.DataPath(id), new byte[4096]);

        Assert.Empty(journal.Load(out var damaged));
        Assert.Contains("are not the ones recorded", Assert.Single(damaged));
        Assert.True(File.Exists(journal.DataPath(id)));
        Assert.Single(journal.RecordedIds());
    }

    [Fact]
    public void A_data_file_with_no_record_is_deleted_and_an_uploaded_files_record_goes_with_it()
    {
        using var journal = new PendingJournal(_folder);
        var (unsealed, file) = journal.NewFile();
        file.Dispose(); // its close never returned
        var stored = Sealed(journal, "stored.txt", TestStores.Pattern(100), out var record);
        journal.Update(record with { Key = "renamed.txt" });
        journal.RemoveRecord(stored); // uploaded; the data file stays while its writer lives

        Assert.Empty(journal.Load(out var damaged));
        Assert.Empty(damaged);
        Assert.Empty(Directory.GetFiles(journal.Directory));
        Assert.False(File.Exists(journal.DataPath(unsealed)));
    }
}
