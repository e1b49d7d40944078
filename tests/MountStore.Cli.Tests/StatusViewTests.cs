using MountStore.Cli.Status;

namespace MountStore.Cli.Tests;

/// <summary>How `mountstore status` draws a report.</summary>
public sealed class StatusViewTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    private static MountStatusReport Report(DateTimeOffset now, long stored) => new(
        "swift://results", "/mnt/results", 42, false, "/var/log/mountstore/mnt-results.log",
        Now.AddMinutes(-90), now,
        [new UploadReport("runs/big.h5", stored, 100L << 20, false, Now.AddSeconds(-10))],
        3, 1, 5 << 20, 2,
        new CacheReport(90, 10, 1234, 100_000, 8 << 20, 80 << 20, FoldersConverging: 2, LoadedInBackground: 1500, CorrectedInBackground: 12,
            MemoryHeldBytes: 40 << 20, MemoryLimitBytes: 160 << 20, WriteBuffersInUseBytes: 16 << 20, MemoryKeptBytes: 16 << 20),
        [new RequestReport("get", 10, 0), new RequestReport("put", 4, 1)],
        1, 1,
        [new ProblemReport(Now.AddSeconds(-5), "error", "PUT 'runs/x.csv' failed: 503")]);

    [Fact]
    public void Shows_upload_progress_cache_hits_requests_and_the_last_problems()
    {
        var text = StatusView.Render(Report(Now, 40L << 20));
        Assert.Contains("swift://results on /mnt/results, pid 42, up 1h 30m 0s", text);
        Assert.Contains("runs/big.h5", text);
        Assert.Contains("[############..................]  40% 40.0 MiB of 100.0 MiB stored, 4.0 MiB/s (still being written)", text);
        Assert.Contains("90.0% hits (90 of 100 lookups)", text);
        Assert.Contains("memory: 40.0 MiB of 160.0 MiB held (read-ahead 8.0 MiB of 80.0 MiB, write buffers 16.0 MiB, kept for reuse 16.0 MiB)", text);
        Assert.Contains("1,500 loaded in the background, 12 differed from their listing, 2 folders still to do", text);
        Assert.Contains("store requests since mount: 14, 1 failed", text);
        Assert.Contains("put", text);
        Assert.Contains("PUT 'runs/x.csv' failed: 503", text);
    }

    [Fact]
    public void With_watch_the_rate_is_over_the_last_interval()
    {
        var before = Report(Now, 40L << 20);
        var after = Report(Now.AddSeconds(2), 60L << 20);
        Assert.Contains("60.0 MiB of 100.0 MiB stored, 10.0 MiB/s", StatusView.Render(after, before));
    }

    [Theory]
    [InlineData(0, 0, "[..............................]   0%")]
    [InlineData(5, 10, "[###############...............]  50%")]
    [InlineData(10, 10, "[##############################] 100%")]
    public void The_bar_fills_with_stored_over_written(long done, long total, string expected) =>
        Assert.Equal(expected, StatusView.Bar(done, total));

    [Fact]
    public void Shows_conflicts_and_where_each_losing_file_went()
    {
        var report = Report(Now, 0) with
        {
            Conflicts = 2,
            RecentConflicts = [new ConflictReport("runs/summary.csv", "runs/summary.conflict-labpc-20261121-115900.csv"), new ConflictReport("runs/big.h5", null)],
        };
        var text = StatusView.Render(report);
        Assert.Contains("conflicts (changed elsewhere while open here): 2", text);
        Assert.Contains("  runs/summary.csv -> this mount's bytes in runs/summary.conflict-labpc-20261121-115900.csv", text);
        Assert.Contains("  runs/big.h5 -> bytes NOT stored, see the log", text);
    }

    [Fact]
    public void Shows_the_data_cache_only_when_the_mount_has_one_and_its_disk_errors()
    {
        Assert.DoesNotContain("\ndata cache:", StatusView.Render(Report(Now, 0)));
        var report = Report(Now, 0) with
        {
            DataCache = new DataCacheReport("/var/cache/mountstore/swift-results-0123456789ab", 3L << 30, 10L << 30, 12, 2L << 30, 1L << 30, 512L << 20, 3, 2,
                "keeping 4194304 bytes of 'runs/big.h5' (the read itself went on from the store): No space left on device"),
        };
        var text = StatusView.Render(report);
        Assert.Contains("data cache: 3.0 GiB of 10.0 GiB in 12 files, /var/cache/mountstore/swift-results-0123456789ab", text);
        Assert.Contains("read from it 2.0 GiB, from the store 1.0 GiB; evicted 512.0 MiB in 3 files", text);
        Assert.Contains("local disk errors: 2, last: keeping 4194304 bytes of 'runs/big.h5' (the read itself went on from the store): No space left on device", text);
    }

    [Fact]
    public void Shows_closed_files_waiting_for_upload_and_the_refused_ones()
    {
        Assert.DoesNotContain("write-back", StatusView.Render(Report(Now, 0)));
        var report = Report(Now, 0) with
        {
            WriteBack = new WriteBackReport(37, 12L << 20, Now.AddSeconds(-42), 1200, [new FailedUploadReport("runs/big.h5", "too large for this store (quota)")], FolderChanges: 3),
        };
        var text = StatusView.Render(report);
        Assert.Contains("closed files waiting for upload (write-back): 37 (12.0 MiB), oldest closed 42s ago; uploaded in the background: 1,200", text);
        Assert.Contains("folders whose mode, owner or times are still to be stored: 3 (kept in memory only", text);
        Assert.Contains("  REFUSED runs/big.h5: too large for this store (quota) (kept in the cache; the next mount tries again)", text);
    }
}
