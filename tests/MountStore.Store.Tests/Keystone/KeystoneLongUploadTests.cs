using System.Collections.Concurrent;
using System.Security.Cryptography;
using MountStore.Core.Storage;
using MountStore.Swift;
using MountStore.Testing;

namespace MountStore.Store.Tests.Keystone;

public sealed class KeystoneLongUploadTests
{
    private const string Container = "mountstore-keystone-upload";
    private const int Parts = 8, PartsAtOnce = 4, PartBytes = 256 * 1024;

    [Fact]
    public async Task A_segmented_upload_that_outlives_its_token_logs_in_again_exactly_once_and_stores_every_byte()
    {
        var keystone = await LocalKeystone.EnsureRunningAsync();
        var delay = TimeSpan.Zero;
        // The second wave of four parts waits (once) past the token's end before it is sent.
        var delayed = new ConcurrentDictionary<string, bool>();
        using var handler = new SlowRequestsHandler(r =>
            r.Method == HttpMethod.Put && IsSecondWave(r.RequestUri!) && delayed.TryAdd(r.RequestUri!.AbsolutePath, true) ? delay : TimeSpan.Zero);
        // A clock that never moves: the client never renews on its own, so the server's 401 is what
        // makes it log in again. Every part in flight sees that 401; they must share one new login.
        var frozen = new ManualClock(DateTimeOffset.UtcNow);
        var authenticator = SwiftAuthFromEnvironment.Create(keystone.ApplicationCredentialEnvironment(), frozen);
        using var store = await keystone.SwiftStoreAsync(Container, authenticator, handler, frozen);
        await store.VerifyAccessAsync(CancellationToken.None);
        var life = await TokenLife.OfAsync(store);
        delay = life + TimeSpan.FromSeconds(1);
        var key = $"upload-{Guid.NewGuid():N}.bin";
        var data = RandomNumberGenerator.GetBytes(Parts * PartBytes);

        var upload = await store.BeginSegmentedUploadAsync(key, ObjectWriteOptions.Default, CancellationToken.None);
        var parts = new ConcurrentBag<UploadedPart>();
        await Parallel.ForEachAsync(Enumerable.Range(1, Parts), new ParallelOptions { MaxDegreeOfParallelism = PartsAtOnce }, async (n, ct) =>
            parts.Add(await upload.UploadPartAsync(n, data.AsMemory((n - 1) * PartBytes, PartBytes), ct)));
        await upload.CompleteAsync(parts.OrderBy(p => p.PartNumber).ToList(), CancellationToken.None);

        Assert.True(handler.UnauthorizedCount >= 1, "the token never expired during the upload: the test did not test anything");
        Assert.Equal(2, store.Session.LoginCount);
        await using (var content = await store.GetAsync(key, null, CancellationToken.None))
        {
            using var copy = new MemoryStream();
            await content.Stream.CopyToAsync(copy);
            Assert.Equal(SHA256.HashData(data), SHA256.HashData(copy.ToArray()));
        }
        var segments = new List<string>();
        using (var segmentStore = await keystone.SwiftStoreAsync(Container + "_segments"))
        {
            await foreach (var page in segmentStore.ListAllAsync(key + "/", null)) segments.AddRange(page.Objects.Select(o => o.Key));
        }
        Assert.Equal(Parts, segments.Count); // none missing, none doubled by the retried parts
        await store.DeleteAsync(key, CancellationToken.None);
    }

    // segments are named <prefix><part number, 8 digits>
    private static bool IsSecondWave(Uri uri) =>
        uri.AbsolutePath.Contains("_segments/", StringComparison.Ordinal)
        && int.TryParse(uri.AbsolutePath[^8..], out var part) && part > PartsAtOnce;
}
