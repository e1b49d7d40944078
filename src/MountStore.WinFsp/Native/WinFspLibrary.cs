using System.Runtime.InteropServices;
using Microsoft.Win32;

namespace MountStore.WinFsp.Native;

/// <summary>
/// Finds and loads WinFsp's DLL the way WinFsp's own launcher and .NET binding do: from the
/// install folder its installer records in the registry, not from the DLL search path, so the
/// installed WinFsp is the one used and a stray copy elsewhere is not picked up. Loaded once per
/// process and never freed (the dispatcher's threads run its code until the process ends).
/// </summary>
internal static class WinFspLibrary
{
    /// <summary>Where the 64-bit installer records its folder (the 32-bit registry view, seen from a 64-bit process).</summary>
    public const string RegistryKey = @"SOFTWARE\WOW6432Node\WinFsp";

    /// <summary>The value under <see cref="RegistryKey"/> that holds the install folder.</summary>
    public const string RegistryValue = "InstallDir";

    /// <summary>The DLL's name for a process of <paramref name="architecture"/> (WinFsp ships x64, arm64 and x86 builds side by side in bin\).</summary>
    public static string DllName(Architecture architecture) => architecture switch
    {
        Architecture.X64 => "winfsp-x64.dll",
        Architecture.Arm64 => "winfsp-a64.dll",
        // The structures are declared and checked for 64-bit Windows only.
        _ => throw new PlatformNotSupportedException($"MountStore's WinFsp binding needs a 64-bit process (x64 or arm64), not {architecture}"),
    };

    /// <summary>WinFsp's install folder from the registry; throws <see cref="WinFspNotInstalledException"/> off Windows.</summary>
    public static string? ReadInstallDir()
    {
        if (!OperatingSystem.IsWindows())
            throw new WinFspNotInstalledException(
                $"WinFsp is a Windows driver and this is {RuntimeInformation.OSDescription}: mount with FUSE here, or on Windows install WinFsp from {WinFspNotInstalledException.DownloadUrl}");
        using var key = Registry.LocalMachine.OpenSubKey(RegistryKey);
        return key?.GetValue(RegistryValue) as string;
    }

    /// <summary>The DLL's path under <paramref name="installDir"/>; throws <see cref="WinFspNotInstalledException"/> when there is none.</summary>
    public static string Locate(string? installDir, Architecture architecture)
    {
        var name = DllName(architecture);
        if (string.IsNullOrWhiteSpace(installDir))
            throw new WinFspNotInstalledException(
                $"WinFsp is not installed (no {RegistryValue} under HKLM\\{RegistryKey}): install it from {WinFspNotInstalledException.DownloadUrl}");
        var path = Path.Combine(installDir, "bin", name);
        if (!File.Exists(path))
            throw new WinFspNotInstalledException(
                $"WinFsp is not installed ({path} is missing): install it from {WinFspNotInstalledException.DownloadUrl}");
        return path;
    }

    /// <summary>Loads the DLL at <paramref name="path"/>; throws <see cref="WinFspNotInstalledException"/> when it cannot be loaded.</summary>
    public static nint Open(string path)
    {
        try
        {
            return NativeLibrary.Load(path);
        }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
        {
            throw new WinFspNotInstalledException(
                $"WinFsp's {path} cannot be loaded ({OneLine(e.Message)}): reinstall WinFsp from {WinFspNotInstalledException.DownloadUrl}", e);
        }
    }

    /// <summary>Finds and loads the installed WinFsp's DLL for this process.</summary>
    public static (nint Handle, string Path) Load()
    {
        var path = Locate(ReadInstallDir(), RuntimeInformation.ProcessArchitecture);
        return (Open(path), path);
    }

    // The loader's messages can span lines (one per place it tried); the exception's is one line.
    private static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
