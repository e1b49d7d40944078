using Microsoft.Win32.SafeHandles;
using Xunit.Abstractions;

namespace MountStore.Mount.Tests;

/// <summary>
/// fsx-style: random writes, truncates, reads, reopenings and renames, applied to a file on the
/// mount and to the same file in a local folder, compared after every step. The number of steps
/// is MOUNTSTORE_FSX_OPS (300 in `make test`, thousands in `make soak`); the seed is printed so a
/// failure can be replayed with MOUNTSTORE_FSX_SEED. A failure also reports the steps that led
/// to it and the end of the mount's log, since a failure that does not replay needs both.
/// </summary>
[Collection(MountCollection.Name)]
public class RandomOperationTests(SwiftWritableMount mount, ITestOutputHelper output) : IClassFixture<SwiftWritableMount>
{
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
                if (choice < 45)
                {
                    var offset = random.NextInt64(Math.Min(maxLength, length + 65536));
                    var data = new byte[random.Next(1, 200_000)];
                    random.NextBytes(data);
                    what = $"write {data.Length} at {offset}";
                    RandomAccess.Write(remote, data, offset);
                    RandomAccess.Write(local, data, offset);
                }
                else if (choice < 60)
                {
                    var size = random.NextInt64(maxLength);
                    what = $"truncate to {size}";
                    RandomAccess.SetLength(remote, size);
                    RandomAccess.SetLength(local, size);
                }
                else if (choice < 85)
                {
                    what = "read";
                }
                else if (choice < 95)
                {
                    what = "close and reopen";
                    remote.Dispose();
                    local.Dispose();
                    remote = local = null;
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
