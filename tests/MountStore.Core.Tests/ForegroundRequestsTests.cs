using MountStore.Core.WriteBack;

namespace MountStore.Core.Tests;

/// <summary>The count of requests applications wait on, which background uploads make way for.</summary>
public sealed class ForegroundRequestsTests
{
    [Fact]
    public async Task Quiet_comes_when_the_last_counted_request_ends()
    {
        var requests = new ForegroundRequests();
        var first = requests.Enter();
        var second = requests.Enter();
        var quiet = requests.WaitForQuietAsync(TimeSpan.FromMinutes(5), CancellationToken.None);
        Assert.Equal(2, requests.InFlight);

        first.Dispose();
        Assert.False(quiet.IsCompleted);
        second.Dispose();
        await quiet;
        Assert.Equal(0, requests.InFlight);
        Assert.True(requests.WaitForQuietAsync(TimeSpan.FromMinutes(5), CancellationToken.None).IsCompleted);
    }

    [Fact]
    public async Task Requests_of_background_work_are_not_counted_and_the_mark_ends_with_its_method()
    {
        var requests = new ForegroundRequests();
        async Task BackgroundAsync()
        {
            ForegroundRequests.MarkBackground();
            await Task.Yield();
            using var _ = requests.Enter();
            Assert.Equal(0, requests.InFlight);
        }
        await BackgroundAsync();

        using var counted = requests.Enter(); // the caller's flow is not background
        Assert.Equal(1, requests.InFlight);
    }

    [Fact]
    public async Task A_wait_ends_after_its_longest_time_even_while_requests_go_on()
    {
        var requests = new ForegroundRequests();
        using var _ = requests.Enter();
        await requests.WaitForQuietAsync(TimeSpan.FromMilliseconds(20), CancellationToken.None); // returns, not throws
        Assert.Equal(1, requests.InFlight);
    }
}
