using System.Globalization;
using System.Text;

namespace MountStore.Cli.Status;

/// <summary>A status report as text for a terminal: the uploads first, since that is what a user waits on.</summary>
internal static class StatusView
{
    private const int BarWidth = 30;

    /// <summary>
    /// Renders <paramref name="report"/>. With the <paramref name="previous"/> report (--watch),
    /// upload rates are over the last interval; without, over each upload's whole life.
    /// </summary>
    public static string Render(MountStatusReport report, MountStatusReport? previous = null)
    {
        var text = new StringBuilder();
        var uptime = report.Now - report.MountedAt;
        text.AppendLine(Invariant($"{report.Remote} on {report.MountPoint}{(report.ReadOnly ? " (read-only)" : "")}, pid {report.ProcessId}, up {Duration(uptime)}"));
        text.AppendLine(Invariant($"logs: {report.LogDestination}"));
        text.AppendLine();

        if (report.Uploads.Count == 0)
            text.AppendLine("uploads in progress: none");
        else
            text.AppendLine(Invariant($"uploads in progress: {report.Uploads.Count}"));
        foreach (var upload in report.Uploads)
        {
            var rate = RateOf(upload, report, previous);
            var state = upload.Closing ? "closing" : "still being written";
            text.AppendLine(Invariant($"  {upload.Key}"));
            text.AppendLine(Invariant($"    {Bar(upload.BytesStored, upload.BytesWritten)} {Size(upload.BytesStored)} of {Size(upload.BytesWritten)} stored, {Size((long)rate)}/s ({state})"));
        }
        text.AppendLine(Invariant($"uploads finished: {report.UploadsCompleted} ({Size(report.BytesUploaded)}), failed or dropped: {report.UploadsAbandoned}"));
        if (report.WriteBack is { } writeBack)
        {
            var oldest = writeBack.OldestClosedAt is { } closed ? Invariant($", oldest closed {Duration(report.Now - closed)} ago") : "";
            text.AppendLine(Invariant($"closed files waiting for upload (write-back): {writeBack.Pending:N0} ({Size(writeBack.PendingBytes)}){oldest}; uploaded in the background: {writeBack.Uploaded:N0}"));
            if (writeBack.FolderChanges > 0)
                text.AppendLine(Invariant($"folders whose mode, owner or times are still to be stored: {writeBack.FolderChanges:N0} (kept in memory only: written within seconds and at unmount)"));
            foreach (var failed in writeBack.Failed)
                text.AppendLine(Invariant($"  REFUSED {failed.Key}: {failed.Error} (kept in the cache; the next mount tries again)"));
        }
        text.AppendLine(Invariant($"open files: {report.OpenFiles}"));
        text.AppendLine(Invariant($"conflicts (changed elsewhere while open here): {report.Conflicts:N0}"));
        foreach (var conflict in report.RecentConflicts ?? [])
            text.AppendLine(Invariant($"  {conflict.Key} -> {(conflict.CopyKey is { } copy ? $"this mount's bytes in {copy}" : "bytes NOT stored, see the log")}"));
        text.AppendLine();

        var cache = report.Cache;
        var lookups = cache.Hits + cache.Misses;
        text.AppendLine(Invariant($"metadata cache: {Percent(cache.Hits, lookups)} hits ({cache.Hits:N0} of {lookups:N0} lookups), {cache.Entries:N0} of {cache.MaxEntries:N0} entries"));
        text.AppendLine(Invariant($"listed files' own metadata: {cache.LoadedInBackground:N0} loaded in the background, {cache.CorrectedInBackground:N0} differed from their listing, {cache.FoldersConverging:N0} folders still to do"));
        text.AppendLine(Invariant($"folders listed ahead of a walk (find, ls -R): {cache.FoldersListedAhead:N0}"));
        text.AppendLine(Invariant($"deletes whose file was asked about ahead (rm -r): {cache.DeletesAnsweredAhead:N0}"));
        if (report.DataCache is { } disk)
        {
            text.AppendLine(Invariant($"data cache: {Size(disk.UsedBytes)} of {Size(disk.MaxBytes)} in {disk.Objects:N0} files, {disk.Directory}"));
            text.AppendLine(Invariant($"  read from it {Size(disk.ServedBytes)}, from the store {Size(disk.FetchedBytes)}; evicted {Size(disk.EvictedBytes)} in {disk.EvictedObjects:N0} files"));
            if (disk.DiskErrors > 0)
                text.AppendLine(Invariant($"  local disk errors: {disk.DiskErrors:N0}, last: {disk.LastDiskError}"));
        }
        text.AppendLine(Invariant($"memory: {Size(cache.MemoryHeldBytes)} of {Size(cache.MemoryLimitBytes)} held (read-ahead {Size(cache.ReadAheadBytesInUse)} of {Size(cache.ReadAheadBudgetBytes)}, write buffers {Size(cache.WriteBuffersInUseBytes)}, kept for reuse {Size(cache.MemoryKeptBytes)})"));
        text.AppendLine();

        var total = report.Requests.Sum(r => r.Count);
        var errors = report.Requests.Sum(r => r.Errors);
        text.AppendLine(Invariant($"store requests since mount: {total:N0}, {errors:N0} failed"));
        foreach (var request in report.Requests)
            text.AppendLine(Invariant($"  {request.Operation,-16} {request.Count,10:N0} {(request.Errors > 0 ? $"{request.Errors:N0} failed" : "")}").TrimEnd());
        text.AppendLine();

        text.AppendLine(Invariant($"warnings: {report.WarningsLogged:N0}, errors: {report.ErrorsLogged:N0}"));
        if (report.RecentProblems.Count > 0)
        {
            text.AppendLine("last problems (newest last):");
            foreach (var problem in report.RecentProblems)
                text.AppendLine(Invariant($"  {problem.Time.ToLocalTime():yyyy-MM-dd HH:mm:ss} {problem.Level,-7} {problem.Message}"));
        }
        return text.ToString();
    }

    private static double RateOf(UploadReport upload, MountStatusReport report, MountStatusReport? previous)
    {
        var before = previous?.Uploads.FirstOrDefault(u => u.Key == upload.Key && u.StartedAt == upload.StartedAt);
        if (before is not null && report.Now > previous!.Now)
            return (upload.BytesStored - before.BytesStored) / (report.Now - previous.Now).TotalSeconds;
        var running = (report.Now - upload.StartedAt).TotalSeconds;
        return running > 0 ? upload.BytesStored / running : 0;
    }

    /// <summary>[#######.......] 45%: stored bytes against written bytes.</summary>
    public static string Bar(long done, long total)
    {
        var fraction = total <= 0 ? 0 : Math.Clamp((double)done / total, 0, 1);
        var filled = (int)Math.Round(fraction * BarWidth);
        return Invariant($"[{new string('#', filled)}{new string('.', BarWidth - filled)}] {fraction * 100,3:0}%");
    }

    /// <summary>Bytes in the largest binary unit that keeps the number at or above 1.</summary>
    public static string Size(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        double value = bytes;
        var unit = 0;
        while (Math.Abs(value) >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? Invariant($"{bytes} B") : Invariant($"{value:0.0} {units[unit]}");
    }

    private static string Percent(long part, long whole) => whole == 0 ? "-" : Invariant($"{100.0 * part / whole:0.0}%");

    private static string Duration(TimeSpan span) =>
        span.TotalDays >= 1 ? Invariant($"{(int)span.TotalDays}d {span.Hours}h {span.Minutes}m")
        : span.TotalHours >= 1 ? Invariant($"{span.Hours}h {span.Minutes}m {span.Seconds}s")
        : span.TotalMinutes >= 1 ? Invariant($"{span.Minutes}m {span.Seconds}s")
        : Invariant($"{span.Seconds}s");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
