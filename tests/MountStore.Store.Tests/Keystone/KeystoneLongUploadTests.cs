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
        // One login per token the server refused, shared by every part that saw the refusal. On a
        // loaded machine the second token can expire too before the manifest is sent (the frozen
        // clock never renews ahead): that is one more refused token and one more login, no more.
        Assert.Equal(1 + handler.RefusedTokenCount, store.Session.LoginCount);
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

    [Fact]
    public async Task A_manifest_put_whose_token_expired_on_the_way_logs_in_again_and_stores_the_object()
    {
        // Swift's SLO middleware checks the segments before the proxy checks the token, so a
        // manifest PUT with an expired token is answered 400 "segment: 401 Unauthorized", not 401.
        // Tempauth refuses a bad token before SLO sees it; Keystone's authtoken middleware defers the
        // decision, as deployments do, so this is tried through the Keystone-fronted proxy.
        var keystone = await LocalKeystone.EnsureRunningAsync();
        using var faults = new FaultInjectingHandler();
        using var store = await keystone.SwiftStoreAsync(Container, handler: faults);
        await store.VerifyAccessAsync(CancellationToken.None);
        var key = $"manifest-{Guid.NewGuid():N}";
        var data = RandomNumberGenerator.GetBytes(2 * 1024);

        var upload = await store.BeginSegmentedUploadAsync(key, ObjectWriteOptions.Default, CancellationToken.None);
        var parts = new List<UploadedPart>
        {
            await upload.UploadPartAsync(1, data.AsMemory(0, 1024), CancellationToken.None),
            await upload.UploadPartAsync(2, data.AsMemory(1024), CancellationToken.None),
        };
        faults.SpoilTokenOfNext(r => r.Method == HttpMethod.Put && r.RequestUri!.Query.Contains("multipart-manifest=put"), 1);
        await upload.CompleteAsync(parts, CancellationToken.None);

        Assert.Equal(1, faults.InjectedCount);
        Assert.Equal(2, store.Session.LoginCount);
        await using var content = await store.GetAsync(key, null, CancellationToken.None);
        using var copy = new MemoryStream();
        await content.Stream.CopyToAsync(copy);
        Assert.Equal(data, copy.ToArray());
        await store.DeleteAsync(key, CancellationToken.None);
    }

    // segments are named <prefix><part number, 8 digits>
    private static bool IsSecondWave(Uri uri) =>
        uri.AbsolutePath.Contains("_segments/", StringComparison.Ordinal)
        && int.TryParse(uri.AbsolutePath[^8..], out var part) && part > PartsAtOnce;
}
