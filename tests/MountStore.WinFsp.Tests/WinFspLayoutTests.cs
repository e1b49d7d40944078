using MountStore.WinFsp.Native;

namespace MountStore.WinFsp.Tests;

/// <summary>
/// The binding declares WinFsp's structures by hand; these check every size, offset, bit and
/// constant it relies on against what the Windows x64 C compiler makes of native/winfsp_layout.c
/// (built with mingw-w64, run under wine64).
/// </summary>
public class WinFspLayoutTests
{
    [Fact]
    public async Task Every_declared_size_offset_bit_and_constant_matches_the_Windows_x64_compiler()
    {
        var real = await WindowsLayoutProgram.LinesAsync();
        var declared = WinFspNativeLayout.Describe();
        Assert.True(declared.Count > 150, $"the binding describes its layouts ({declared.Count} lines)");
        var mismatches = declared
            .Where(d => !real.TryGetValue(d.Key, out var value) || value != d.Value)
            .Select(d => $"{d.Key}: binding {d.Value}, C {(real.TryGetValue(d.Key, out var v) ? v : "missing")}")
            .ToList();
        Assert.Empty(mismatches);
    }

    [Theory]
    [InlineData("FSP_FSCTL_VOLUME_PARAMS.", "_bit")]
    [InlineData("FSP_FILE_SYSTEM_INTERFACE.", "")]
    [InlineData("FSP_FSCTL_FILE_INFO.", "")]
    public async Task Every_volume_flag_interface_slot_and_file_info_field_WinFsp_defines_is_declared(string prefix, string suffix)
    {
        var real = await WindowsLayoutProgram.LinesAsync();
        var declared = WinFspNativeLayout.Describe();
        var missing = real.Keys
            .Where(k => k.StartsWith(prefix, StringComparison.Ordinal) && k.EndsWith(suffix, StringComparison.Ordinal))
            .Where(k => !declared.ContainsKey(k))
            .ToList();
        Assert.Empty(missing);
    }

    [Fact]
    public async Task The_program_was_built_for_64_bit_Windows()
    {
        var real = await WindowsLayoutProgram.LinesAsync();
        Assert.Equal(8, real["sizeof(void *)"]);
    }

    [Fact]
    public void The_interface_is_64_slots_with_the_33_named_ones_first()
    {
        var declared = WinFspNativeLayout.Describe();
        Assert.Equal(64 * 8, declared["sizeof(FSP_FILE_SYSTEM_INTERFACE)"]);
        Assert.Equal(32 * 8, declared["FSP_FILE_SYSTEM_INTERFACE.DispatcherStopped"]);
        Assert.Equal(33 * 8, declared["FSP_FILE_SYSTEM_INTERFACE.Reserved"]);
    }

    [Fact]
    public async Task Every_NTSTATUS_the_binding_names_is_checked_against_mingw_headers()
    {
        var real = await WindowsLayoutProgram.LinesAsync();
        var statuses = WinFspNativeLayout.Describe().Keys.Where(k => k.StartsWith("STATUS_", StringComparison.Ordinal)).ToList();
        Assert.True(statuses.Count >= 25, $"{statuses.Count} statuses");
        Assert.All(statuses, name => Assert.True(real.ContainsKey(name), $"native/winfsp_layout.c does not print {name}"));
    }

    [Theory]
    [InlineData("ObjectNameNotFound", "STATUS_OBJECT_NAME_NOT_FOUND")]
    [InlineData("FileIsADirectory", "STATUS_FILE_IS_A_DIRECTORY")]
    [InlineData("IoDeviceError", "STATUS_IO_DEVICE_ERROR")]
    public void A_constant_name_becomes_its_C_name(string pascal, string c) =>
        Assert.Equal(c, WinFspNativeLayout.CName("STATUS", pascal));
}
