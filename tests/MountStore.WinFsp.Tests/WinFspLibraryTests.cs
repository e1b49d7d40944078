using System.Runtime.InteropServices;
using MountStore.WinFsp.Native;

namespace MountStore.WinFsp.Tests;

/// <summary>
/// Finding and loading winfsp-x64.dll, and the one-line error the CLI shows when it cannot. Runs
/// on Linux, where WinFsp cannot exist, so every failure path is exercised; success on Windows
/// is not (see the binding's notes).
/// </summary>
public sealed class WinFspLibraryTests : IDisposable
{
    private readonly string _installDir = Directory.CreateTempSubdirectory("winfsp-install-").FullName;

    public void Dispose() => Directory.Delete(_installDir, recursive: true);

    private static void AssertOneLineWithDownload(WinFspNotInstalledException e)
    {
        Assert.DoesNotContain('\n', e.Message);
        Assert.DoesNotContain('\r', e.Message);
        Assert.Contains("https://winfsp.dev", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Off_Windows_loading_says_in_one_line_that_WinFsp_is_a_Windows_driver_and_where_to_get_it()
    {
        if (OperatingSystem.IsWindows()) return; // on Windows the registry decides; covered by the cases below
        var e = Assert.Throws<WinFspNotInstalledException>(() => WinFspApi.Load());
        AssertOneLineWithDownload(e);
        Assert.Contains("Windows", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Without_an_install_folder_in_the_registry_it_is_not_installed(string? installDir)
    {
        var e = Assert.Throws<WinFspNotInstalledException>(() => WinFspLibrary.Locate(installDir, Architecture.X64));
        AssertOneLineWithDownload(e);
        Assert.Contains(@"HKLM\SOFTWARE\WOW6432Node\WinFsp", e.Message, StringComparison.Ordinal);
        Assert.Contains("InstallDir", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_install_folder_without_the_dll_names_the_path_it_looked_at()
    {
        var e = Assert.Throws<WinFspNotInstalledException>(() => WinFspLibrary.Locate(_installDir, Architecture.X64));
        AssertOneLineWithDownload(e);
        Assert.Contains(Path.Combine(_installDir, "bin", "winfsp-x64.dll"), e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Architecture.X64, "winfsp-x64.dll")]
    [InlineData(Architecture.Arm64, "winfsp-a64.dll")]
    public void The_dll_is_taken_from_the_bin_folder_for_the_process_architecture(Architecture architecture, string name)
    {
        var path = InstallDll(name, [0]);
        Assert.Equal(path, WinFspLibrary.Locate(_installDir, architecture));
    }

    [Fact]
    public void A_32_bit_process_is_refused_by_name() =>
        Assert.Throws<PlatformNotSupportedException>(() => WinFspLibrary.Locate(_installDir, Architecture.X86));

    [Fact]
    public void A_file_that_is_not_a_library_cannot_be_loaded_and_says_so_in_one_line()
    {
        var path = InstallDll("winfsp-x64.dll", "not a library"u8.ToArray());
        var e = Assert.Throws<WinFspNotInstalledException>(() => WinFspLibrary.Open(path));
        AssertOneLineWithDownload(e);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_library_without_WinFsp_functions_is_refused_naming_the_first_one_missing()
    {
        // A real library of this platform under WinFsp's name: it loads, and has none of the exports.
        var stranger = Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(),
            OperatingSystem.IsWindows() ? "System.IO.Compression.Native.dll" : "libSystem.Native.so");
        var path = InstallDll("winfsp-x64.dll", File.ReadAllBytes(stranger));
        var handle = WinFspLibrary.Open(WinFspLibrary.Locate(_installDir, Architecture.X64));
        try
        {
            var e = Assert.Throws<WinFspNotInstalledException>(() => WinFspApi.Bind(handle, path));
            AssertOneLineWithDownload(e);
            Assert.Contains("FspFileSystemCreate", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            NativeLibrary.Free(handle);
        }
    }

    private string InstallDll(string name, byte[] content)
    {
        var bin = Directory.CreateDirectory(Path.Combine(_installDir, "bin"));
        var path = Path.Combine(bin.FullName, name);
        File.WriteAllBytes(path, content);
        return path;
    }
}
