using MountStore.Core.Metadata;
using MountStore.Core.Model;
using MountStore.Core.Storage;

namespace MountStore.Core.FileSystem;

/// <summary>
/// Asks about the next files of a folder while one is deleted. `rm -r`, `find -delete` and
/// `rsync --delete` unlink a folder's files one after another in listing order, and on Swift each
/// delete first asks what the object is (a large object takes its segments along; a version
/// changed elsewhere is not deleted), so every file cost a HEAD and a DELETE end to end. A delete
/// now takes the answer a HEAD of the last moment gave (<see cref="RecentAnswers"/>: the
/// kernel's lookup of the name usually asked just before), and once two files of one folder
/// are unlinked in a row, the next few beside the last that have no fresh answer are asked
/// about in the background, a few at a time: only the DELETE is waited for. A single unlink
/// starts nothing, so `rm one-file` costs no request it does not need. A file being written here
/// (<c>onlyHere</c>: open, or waiting for its upload) is not asked about: the store has nothing
/// to say of it yet.
/// </summary>
/// <remarks>
/// An answer may be up to <c>freshFor</c> old when its delete takes it: a version stored
/// elsewhere within that moment is deleted as the one this mount saw, where the delete's own HEAD
/// would have kept it. The delete's own HEAD always left such a window before its DELETE; it is
/// widened from milliseconds to at most <c>freshFor</c>.
/// </remarks>
public sealed class DeleteLookAhead(
    Func<string, NodeAttributes, Task> load, RecentAnswers answers, Func<string, string> keyOf, Func<string, bool> onlyHere,
    TimeProvider clock, int ahead, int parallel, TimeSpan freshFor)
{
    private readonly SemaphoreSlim _slots = new(Math.Max(parallel, 1), Math.Max(parallel, 1));
    private readonly Lock _lock = new();
    private (string Folder, DateTimeOffset At)? _lastUnlink;
    private long _answeredAhead;

    /// <summary>Deletes that took a fresh answer instead of asking for themselves (for tests and statistics).</summary>
    public long AnsweredAhead => Interlocked.Read(ref _answeredAhead);

    /// <summary>
    /// File <paramref name="path"/> is about to be deleted, and <paramref name="listing"/> is its
    /// folder's listing, which still holds it.
    /// </summary>
    public void Unlinking(string path, DirectoryListing? listing)
    {
        if (ahead <= 0)
            return;
        var folder = PathNames.ParentOf(path);
        var now = clock.GetUtcNow();
        bool inARow;
        lock (_lock)
        {
            inARow = _lastUnlink is { } last && last.Folder == folder && now - last.At < freshFor;
            _lastUnlink = (folder, now);
        }
        if (!inARow || listing is null)
            return;
        var index = listing.IndexOf(PathNames.NameOf(path));
        if (index < 0)
            return;
        var entries = listing.Entries;
        var looked = 0;
        for (var next = index + 1; next < entries.Count && looked < ahead; next++)
        {
            if (entries[next].Attributes.IsDirectory)
                continue;
            looked++;
            var sibling = PathNames.Join(folder, entries[next].Name);
            if (!onlyHere(sibling) && !answers.HasFresh(keyOf(sibling)))
                _ = AskAsync(sibling, entries[next].Attributes);
        }
    }

    /// <summary>
    /// A fresh answer for <paramref name="key"/> that shows <paramref name="version"/>, the
    /// version the delete means; null otherwise, and the delete asks for itself. An answer of
    /// another version is older than what this mount knows (it stored a new one since), or tells
    /// of a change elsewhere, which the delete's own HEAD then confirms. A large object's answer
    /// is not handed on either: how its segments go is read from its manifest, by the delete.
    /// </summary>
    public ObjectInfo? Take(string key, string? version)
    {
        if (answers.Take(key) is not { } answer || !VersionChecks.Same(version, answer.ETag) || answer.IsSegmented)
            return null;
        Interlocked.Increment(ref _answeredAhead);
        return answer;
    }

    private async Task AskAsync(string path, NodeAttributes listed)
    {
        if (!await _slots.WaitAsync(0).ConfigureAwait(false))
            return; // enough in flight: the delete asks for itself when it gets there
        try
        {
            await load(path, listed).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // the delete asks for itself, and reports a failure then
        }
        finally
        {
            _slots.Release();
        }
    }
}
