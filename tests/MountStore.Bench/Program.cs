using MountStore.Bench;

// make bench-store:        our two store clients against curl on the same local server, in one run.
// make bench (prepare):    `prepare-mount` writes the data scripts/bench-mount.sh reads through the mounts.
if (args is ["prepare-mount", ..])
{
    await MountBenchData.EnsureAsync();
    return;
}
var outputDir = args.Length > 0 ? args[0] : Path.Combine(MountStore.Testing.RepoPaths.Root, "bench-results");
Directory.CreateDirectory(outputDir);
var report = await StoreBenchmark.RunAsync();
var path = Path.Combine(outputDir, "store.md");
await File.WriteAllTextAsync(path, report);
Console.WriteLine(report);
Console.WriteLine($"written to {path}");
