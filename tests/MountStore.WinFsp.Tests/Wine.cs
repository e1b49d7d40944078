namespace MountStore.WinFsp.Tests;

/// <summary>How the tests run a Windows x64 program here: Debian's wine64, in a prefix of their own.</summary>
internal static class Wine
{
    /// <summary>
    /// Debian's wine64 package installs the loader as /usr/lib/wine/wine64 and puts nothing on
    /// PATH (the `wine` package adds the wrappers); either is accepted.
    /// </summary>
    public static string Program { get; } =
        (System.Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "wine64"))
            .FirstOrDefault(File.Exists) ?? "/usr/lib/wine/wine64";

    /// <summary>
    /// A prefix kept between runs (creating one takes seconds; using it, a tenth of one), apart
    /// from the user's own ~/.wine; no debug chatter; no offer to install Gecko (HTML), which a
    /// console program does not use. Not mscoree as well: wine's built-in mscoree is what loads
    /// the IL-only assemblies of a .NET program published for win-x64 (without it System.Runtime.dll
    /// fails with "Module not found").
    /// </summary>
    public static IReadOnlyDictionary<string, string> Variables { get; } = new Dictionary<string, string>
    {
        ["WINEPREFIX"] = Path.Combine(Path.GetTempPath(), $"mountstore-wine-{System.Environment.UserName}"),
        ["WINEDEBUG"] = "-all",
        ["WINEDLLOVERRIDES"] = "mshtml=",
        // Under wine 8.0 the CLR dies ("Internal CLR error 0x80131506", finalizing a dynamic
        // method) at a garbage collection when W^X is on: the probe hit it on every run, and a
        // CLI run under wine once exited with an unexplained code. Off for every .NET program here.
        ["DOTNET_EnableWriteXorExecute"] = "0",
    };
}
