namespace MountStore.Testing;

/// <summary>Finds the checkout's root (the folder with MountStore.sln) from wherever tests run.</summary>
public static class RepoPaths
{
    /// <summary>The checkout's root folder.</summary>
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MountStore.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"no MountStore.sln above {AppContext.BaseDirectory}");
    }
}
