namespace MountStore.WinFsp;

/// <summary>
/// The notice WinFsp's free-software exception asks a program linking to its DLL to show in its
/// documentation or user interface (WinFsp's License.txt).
/// </summary>
public static class WinFspAttribution
{
    /// <summary>WinFsp's name, copyright and repository, as one line.</summary>
    public const string Notice = "WinFsp - Windows File System Proxy, Copyright (C) Bill Zissimopoulos (https://github.com/winfsp/winfsp)";
}
