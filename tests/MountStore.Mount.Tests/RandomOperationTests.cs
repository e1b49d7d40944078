using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using MountStore.Testing;
using Xunit.Abstractions;

namespace MountStore.Mount.Tests;

/// <summary>
/// fsx-style: random writes, writes and reads through shared mappings, truncates that grow and
/// shrink, copy_file_range within the file, reads, reopenings (then compared with the object in
/// the store itself) and renames, applied to a file on the mount and to the same file in a local
/// folder, compared after every step. The number of steps
/// is MOUNTSTORE_FSX_OPS (300 in `make test`, thousands in `make soak`); the seed is printed so a
/// failure can be replayed with MOUNTSTORE_FSX_SEED. A failure also reports the steps that led
/// to it and the end of the mount's log, since a failure that does not replay needs both.
/// </summary>
[Collection(MountCollection.Name)]
public partial class RandomOperationTests(SwiftWritableMount mount, ITestOutputHelper output) : IClassFixture<SwiftWritableMount>
{
    [LibraryImport("libc", SetLastError = true)]
    private static partial nint copy_file_range(int inFd, ref long inOffset, int outFd, ref long outOffset, nuint length, uint flags);

    /// <summary>copy_file_range(2) within one file, all of it (the call may copy less per call).</summary>
    private static void CopyRange(SafeFileHandle file, long from, long to, long length)
    {
        var fd = (int)file.DangerousGetHandle();
        while (length > 0)
        {
            var copied = copy_file_range(fd, ref from, fd, ref to, (nuint)length, 0);
            if (copied <= 0)
                throw new IOException($"copy_file_range returned {copied}, errno {Marshal.GetLastPInvokeError()}");
            length -= copied;
        }
    }

    /// <summary>Writes <paramref name="data"/> at <paramref name="offset"/> through a shared writable mapping, growing the file first as fsx does.</summary>
    private static void MapWrite(SafeFileHandle file, string path, long offset, byte[] data)
    {
        if (offset + data.Length > RandomAccess.GetLength(file))
            RandomAccess.SetLength(file, offset + data.Length);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        using var map = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.ReadWrite, HandleInheritability.None, leaveOpen: true);
        using var view = map.CreateViewAccessor(offset, data.Length, MemoryMappedFileAccess.ReadWrite);
        view.WriteArray(0, data, 0, data.Length);
        view.Flush();
    }

    /// <summary>Reads <paramref name="length"/> bytes at <paramref name="offset"/> through a shared mapping.</summary>
    private static byte[] MapRead(string path, long offset, int length)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var map = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: true);
        using var view = map.CreateViewAccessor(offset, length, MemoryMappedFileAccess.Read);
        var data = new byte[length];
        view.ReadArray(0, data, 0, length);
        return data;
    }

    [Fact]
    public async Task Random_operations_on_the_mount_match_a_local_file_after_every_step()
    {
        var operations = int.TryParse(Environment.GetEnvironmentVariable("MOUNTSTORE_FSX_OPS"), out var n) ? n : 300;
        var seed = int.TryParse(Environment.GetEnvironmentVariable("MOUNTSTORE_FSX_SEED"), out var s) ? s : Environment.TickCount;
        output.WriteLine($"seed {seed}, {operations} operations");
        var random = new Random(seed);
        var remoteDir = Path.Combine(mount.Root, "fsx-" + Guid.NewGuid().ToString("N")[..8]);
        var localDir = Directory.CreateTempSubdirectory("mountstore-fsx-").FullName;
        Directory.CreateDirectory(remoteDir);
        var name = "file.bin";
        const int maxLength = 3 << 20;
        SafeFileHandle? remote = null, local = null;
        var recent = new Queue<string>();
        var step = 0;
        try
        {
            for (; step < operations; step++)
            {
                remote ??= File.OpenHandle(Path.Combine(remoteDir, name), FileMode.OpenOrCreate, FileAccess.ReadWrite);
                local ??= File.OpenHandle(Path.Combine(localDir, name), FileMode.OpenOrCreate, FileAccess.ReadWrite);
                var length = RandomAccess.GetLength(local);
                var choice = random.Next(100);
                string what;
                var remotePath = Path.Combine(remoteDir, name);
                var localPath = Path.Combine(localDir, name);
                if (choice < 35)
                {
                    var offset = random.NextInt64(Math.Min(maxLength, length + 65536));
                    var data = new byte[random.Next(1, 200_000)];
                    random.NextBytes(data);
                    what = $"write {data.Length} at {offset}";
                    RandomAccess.Write(remote, data, offset);
                    RandomAccess.Write(local, data, offset);
                }
                else if (choice < 47)
                {
                    // half of them grow the file, half shrink it
                    var size = random.Next(2) == 0 ? random.NextInt64(length + 1) : length + random.NextInt64(Math.Max(1, maxLength - length));
                    what = $"truncate to {size}";
                    RandomAccess.SetLength(remote, size);
                    RandomAccess.SetLength(local, size);
                }
                else if (choice < 57)
                {
                    var offset = random.NextInt64(Math.Min(maxLength - 1, length + 65536));
                    var data = new byte[(int)Math.Min(random.Next(1, 150_000), maxLength - offset)];
                    random.NextBytes(data);
                    what = $"mapped write {data.Length} at {offset}";
                    MapWrite(remote, remotePath, offset, data);
                    MapWrite(local, localPath, offset, data);
                }
                else if (choice < 62 && length > 0)
                {
                    var offset = random.NextInt64(length);
                    var count = (int)Math.Min(random.Next(1, 150_000), length - offset);
                    what = $"mapped read {count} at {offset}";
                    var expected = MapRead(localPath, offset, count);
                    Assert.True(expected.AsSpan().SequenceEqual(MapRead(remotePath, offset, count)), $"{what}: the mapping shows other bytes, seed {seed}");
                }
                else if (choice < 67 && length > 0)
                {
                    var from = random.NextInt64(length);
                    var count = Math.Min(random.NextInt64(1, 100_000), length - from);
                    var to = random.NextInt64(Math.Min(maxLength - count, length + 65536));
                    if (to < from + count && from < to + count)
                        to = from + count; // the ranges of one copy must not overlap
                    what = $"copy_file_range {count} from {from} to {to}";
                    CopyRange(remote, from, to, count);
                    CopyRange(local, from, to, count);
                }
                else if (choice < 77)
                {
                    what = "read";
                }
                else if (choice < 92)
                {
                    what = "close and reopen, and compare with the store";
                    remote.Dispose();
                    local.Dispose();
                    remote = local = null;
                    var stored = await StoredAsync(name, remoteDir);
                    var expected = File.ReadAllBytes(localPath);
                    Assert.True(stored.AsSpan().SequenceEqual(expected), $"{what}: the store holds {stored.Length} bytes, {expected.AsSpan().CommonPrefixLength(stored)} of them right, of {expected.Length}; seed {seed}");
                }
                else
                {
                    var newName = $"file-{step}.bin";
                    what = $"close and rename to {newName}";
                    remote.Dispose();
                    local.Dispose();
                    remote = local = null;
                    File.Move(Path.Combine(remoteDir, name), Path.Combine(remoteDir, newName));
                    File.Move(Path.Combine(localDir, name), Path.Combine(localDir, newName));
                    name = newName;
                }
                Remember(recent, $"{step}: {what} (length {length} before)");
                Compare(remote, local, Path.Combine(remoteDir, name), Path.Combine(localDir, name), $"step {step} ({what}), seed {seed}");
            }
        }
        catch (Exception e)
        {
            await Task.Delay(1000); // the mount logs what went wrong a moment after it answered
            var log = mount.Mount.Output;
            throw new Xunit.Sdk.XunitException(
                $"step {step}, seed {seed}: {e.GetType().Name}: {e.Message}\n" +
                $"steps before it:\n  {string.Join("\n  ", recent)}\n" +
                $"end of the mount's log:\n{log[Math.Max(0, log.Length - 6000)..]}\n{e}");
        }
        finally
        {
            remote?.Dispose();
            local?.Dispose();
            Directory.Delete(localDir, recursive: true);
        }
        Assert.Equal([name], Directory.EnumerateFiles(remoteDir).Select(Path.GetFileName));
    }

    /// <summary>The object as the store holds it, read past the mount.</summary>
    private async Task<byte[]> StoredAsync(string name, string remoteDir)
    {
        using var store = LocalSwiftServer.SwiftStore(mount.Container);
        await using var content = await store.GetAsync(Path.GetRelativePath(mount.Root, Path.Combine(remoteDir, name)), null, CancellationToken.None);
        using var copy = new MemoryStream();
        await content.Stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    private static void Remember(Queue<string> recent, string what)
    {
        recent.Enqueue(what);
        if (recent.Count > 25)
            recent.Dequeue();
    }

    private static void Compare(SafeFileHandle? remote, SafeFileHandle? local, string remotePath, string localPath, string context)
    {
        // through the open handle when there is one, else through a fresh open (the committed object)
        var expected = local is null ? File.ReadAllBytes(localPath) : ReadAll(local);
        var actual = remote is null ? File.ReadAllBytes(remotePath) : ReadAll(remote);
        Assert.True(expected.Length == actual.Length, $"{context}: length {actual.Length}, expected {expected.Length}");
        var firstDifference = expected.AsSpan().CommonPrefixLength(actual);
        Assert.True(firstDifference == expected.Length, $"{context}: first difference at byte {firstDifference}");
    }

    private static byte[] ReadAll(SafeFileHandle handle)
    {
        var data = new byte[RandomAccess.GetLength(handle)];
        var read = 0;
        while (read < data.Length)
        {
            var got = RandomAccess.Read(handle, data.AsSpan(read), read);
            if (got == 0) break;
            read += got;
        }
        return data[..read];
    }
}
