using Microsoft.Extensions.Logging.Abstractions;
using MountStore.Core.Activity;
using MountStore.Core.Model;
using MountStore.Core.Writing;

namespace MountStore.Core.Tests;

/// <summary>The registry of files being written: sharing, leaving, unlink and rename of open files.</summary>
public sealed class OpenWritersTests : IDisposable
{
    private readonly string _staging = Directory.CreateTempSubdirectory("mountstore-writers-").FullName;
    private readonly WriteContext _context;
    private readonly OpenWriters _writers = new(new NodeDefaults(1000, 100, 420, 493), NullLogger.Instance);

    public OpenWritersTests() =>
        _context = new WriteContext(TestStores.ForWriting(), TestStores.SmallParts(_staging), new StagingArea(_staging, 1 << 30), NullLogger.Instance, new UploadsInProgress(TimeProvider.System));

    public void Dispose() => Directory.Delete(_staging, recursive: true);

    private FileWriter NewWriter(string key) => FileWriter.ForNewFile(_context, key, new FileMetadata(NodeKind.File, 384), preferStaging: false);

    [Fact]
    public async Task Handles_of_one_path_share_one_writer_and_the_last_to_leave_closes_it()
    {
        var first = _writers.Add("a.txt", NewWriter("a.txt"));
        var raced = _writers.Add("a.txt", NewWriter("a.txt")); // a second create that lost the race
        var joined = _writers.Join("a.txt");

        Assert.Same(first, raced);
        Assert.Same(first, joined);
        Assert.False(await _writers.LeaveAsync(first));
        Assert.False(await _writers.LeaveAsync(first));
        Assert.Equal(1, _writers.Count);
        Assert.True(await _writers.LeaveAsync(first)); // created, never committed: its bytes are dropped
        Assert.Equal(0, _writers.Count);
        Assert.Null(_writers.Join("a.txt"));
    }

    [Fact]
    public async Task Attributes_show_the_bytes_written_so_far_and_the_defaults_for_the_owner()
    {
        var writer = _writers.Add("d/b.bin", NewWriter("d/b.bin"));
        await writer.WriteAsync(0, new byte[1234], CancellationToken.None);

        var attributes = _writers.Attributes("d/b.bin")!;
        Assert.Equal(1234, attributes.Size);
        Assert.Equal(384u, attributes.Mode);
        Assert.Equal(1000u, attributes.Uid);
        Assert.Equal([("d/b.bin", attributes)], _writers.In("d"));
        Assert.Empty(_writers.In(""));
        await _writers.LeaveAsync(writer);
    }

    [Fact]
    public async Task An_unlinked_open_file_no_longer_answers_to_its_path_and_stores_nothing()
    {
        var writer = _writers.Add("tmp", NewWriter("tmp"));

        Assert.Same(writer, _writers.Detach("tmp"));

        Assert.Null(_writers.Find("tmp"));
        Assert.Null(_writers.Attributes("tmp"));
        Assert.Equal(1, _writers.Count); // still counted while its handle is open
        Assert.Null(await writer.CommitAsync(CancellationToken.None));
        Assert.False(await _writers.LeaveAsync(writer)); // discarded, so nothing was "dropped"
        Assert.Equal(0, _writers.Count);
    }

    [Fact]
    public async Task A_rename_moves_the_writers_at_and_below_the_old_path()
    {
        var file = _writers.Add("old/f", NewWriter("old/f"));
        var deep = _writers.Add("old/sub/g", NewWriter("old/sub/g"));
        var other = _writers.Add("older", NewWriter("older"));

        _writers.Move("old", "new", path => "prefix/" + path);

        Assert.Same(file, _writers.Find("new/f"));
        Assert.Same(deep, _writers.Find("new/sub/g"));
        Assert.Equal("prefix/new/sub/g", deep.Key);
        Assert.Same(other, _writers.Find("older")); // "older" is not below "old"
        Assert.Equal([file, deep], _writers.Below("new").OrderBy(w => w.Key));
        foreach (var writer in _writers.All())
            await _writers.LeaveAsync(writer);
    }
}
