using System.Globalization;
using MountStore.Fuse.Native;
using MountStore.Testing;

namespace MountStore.Fuse.Tests;

/// <summary>
/// The binding declares libfuse's structures by hand; this compiles native/fuse_layout.c against
/// the installed headers and checks every size, offset, bit and constant the binding relies on.
/// </summary>
public class NativeLayoutTests
{
    private static async Task<Dictionary<string, long>> FromHeadersAsync()
    {
        var source = Path.Combine(RepoPaths.Root, "native", "fuse_layout.c");
        var program = Path.Combine(Path.GetTempPath(), $"fuse_layout_{Environment.ProcessId}");
        (await ProcessRunner.RunAsync("gcc", ["-Wall", "-Werror", "-I/usr/include/fuse3", "-o", program, source]))
            .EnsureSuccess("compiling native/fuse_layout.c (make deps installs gcc and libfuse3-dev)");
        try
        {
            var output = (await ProcessRunner.RunAsync(program, [])).EnsureSuccess("running fuse_layout").StdOut;
            return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => line.Split('=', 2))
                .ToDictionary(p => p[0], p => long.Parse(p[1], CultureInfo.InvariantCulture));
        }
        finally
        {
            File.Delete(program);
        }
    }

    [Fact]
    public async Task Every_declared_size_offset_bit_and_constant_matches_the_installed_headers()
    {
        var real = await FromHeadersAsync();
        var declared = NativeLayout.Describe();
        Assert.True(declared.Count > 60, "the binding describes its layouts");
        var mismatches = declared
            .Where(d => !real.TryGetValue(d.Key, out var value) || value != d.Value)
            .Select(d => $"{d.Key}: binding {d.Value}, headers {(real.TryGetValue(d.Key, out var v) ? v : "missing")}")
            .ToList();
        Assert.Empty(mismatches);
    }

    [Fact]
    public async Task The_headers_are_a_libfuse_version_the_binding_supports_and_so_is_the_library()
    {
        var real = await FromHeadersAsync();
        var headers = new Version((int)real["FUSE_MAJOR_VERSION"], (int)real["FUSE_MINOR_VERSION"]);
        Assert.InRange(headers, LibFuseVersion.Oldest, new Version(3, 16, int.MaxValue));
        var library = LibFuseVersion.EnsureSupported();
        Assert.Equal(headers, new Version(library.Major, library.Minor));
    }

    [Fact]
    public void The_operations_table_has_every_callback_libfuse_calls_in_order()
    {
        var declared = NativeLayout.Describe();
        // 44 function pointers: a missing or extra field would shift every callback after it
        Assert.Equal(44 * IntPtr.Size, declared["sizeof(fuse_lowlevel_ops)"]);
    }
}
