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
    };
}
