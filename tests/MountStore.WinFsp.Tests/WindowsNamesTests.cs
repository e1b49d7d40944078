namespace MountStore.WinFsp.Tests;

/// <summary>
/// The mapping of object names Windows cannot show: what each rule does, that reading back always
/// gives the original, and that what is shown is a name Windows accepts.
/// </summary>
public class WindowsNamesTests
{
    [Theory]
    [InlineData("report.txt", "report.txt")]
    [InlineData("résumé 2024 (final)", "résumé 2024 (final)")]
    [InlineData("a:b", "a：b")]
    [InlineData("what?", "what？")]
    [InlineData(@"x*y|z\w", "x＊y｜z＼w")]
    [InlineData("\"quoted\" <tag>", "＂quoted＂ ＜tag＞")]
    [InlineData("tab\there\u0001", "tab\u2409here\u2401")]
    [InlineData("ends.", "ends．")]
    [InlineData("ends ", "ends\u2420")]
    [InlineData("a. b.c", "a. b.c")]
    [InlineData("CON", "ＣON")]
    [InlineData("nul.txt", "ｎul.txt")]
    [InlineData("Com1.tar.gz", "Ｃom1.tar.gz")]
    [InlineData("LPT\u00B9", "ＬPT\u00B9")]
    [InlineData("con .txt", "ｃon .txt")]
    [InlineData("CONSOLE", "CONSOLE")]
    [InlineData("COM10", "COM10")]
    [InlineData("my con.txt", "my con.txt")]
    // The object's own look-alikes, where they would be read back as mapped, are quoted.
    [InlineData("a＊", "a\u201B＊")]
    [InlineData("x．", "x\u201B．")]
    [InlineData("x．y", "x．y")]
    [InlineData("ＣON", "\u201BＣON")]
    [InlineData("Ｃat", "Ｃat")]
    [InlineData("\u201B", "\u201B")]
    [InlineData("it\u201Bs", "it\u201Bs")]
    [InlineData("\u201B*", "\u201B\u201B＊")]
    [InlineData("\u201B\u201B", "\u201B\u201B\u201B")]
    public void Each_rule_shows_the_name_as_documented_and_reads_back_to_it(string objectName, string shown)
    {
        Assert.Equal(shown, WindowsNames.ToWindows(objectName));
        Assert.Equal(objectName, WindowsNames.FromWindows(shown));
    }

    [Theory]
    [InlineData("a＊b", "a*b")]
    [InlineData("ＮUL", "NUL")]
    [InlineData("\u201B＊", "＊")]
    [InlineData("note．", "note.")]
    [InlineData("Ｃat", "Ｃat")]
    [InlineData("\u201Babc", "\u201Babc")]
    public void A_look_alike_typed_on_Windows_names_the_character_it_stands_for(string typed, string objectName) =>
        Assert.Equal(objectName, WindowsNames.FromWindows(typed));

    [Theory]
    [InlineData(@"\", "")]
    [InlineData(@"\a.txt", "a.txt")]
    [InlineData(@"\dir\sub\a：b", "dir/sub/a:b")]
    [InlineData(@"\ｃon\x．", "con/x.")]
    public void A_WinFsp_path_becomes_the_object_path(string windowsPath, string objectPath) =>
        Assert.Equal(objectPath, WindowsNames.ToObjectPath(windowsPath));

    [Fact]
    public void Any_name_reads_back_to_itself_and_is_shown_as_a_name_Windows_accepts()
    {
        // Every character some rule touches, the quote, and plain ones around them.
        var alphabet = "aCcONnUuLlPTM1¹0.  \\:*?\"<>|\u0001\t\u001F＊：．\u2420\u2401ＣｃＮｎ\u201Bé"
            .ToCharArray();
        var random = new Random(18);
        for (var n = 0; n < 50_000; n++)
        {
            var length = random.Next(1, 9);
            var name = new string(Enumerable.Range(0, length).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
            // Device names come up rarely by chance: make some.
            if (n % 4 == 0) name = new[] { "con", "NUL", "Com1", "lpt¹", "ＣON", "\u201BCON" }[n / 4 % 6] + name;
            var shown = WindowsNames.ToWindows(name);
            Assert.True(WindowsNames.FromWindows(shown) == name, $"'{Escape(name)}' shows as '{Escape(shown)}', which reads back as '{Escape(WindowsNames.FromWindows(shown))}'");
            Assert.True(AcceptedByWindows(shown), $"'{Escape(name)}' shows as '{Escape(shown)}', which Windows refuses");
        }
    }

    [Fact]
    public void Names_without_anything_to_map_are_the_same_on_both_sides()
    {
        // No letters enough to spell a device name, no character any rule touches.
        const string plain = "abcXYZ019 -_.()[]{}!@#$%^&+=~`',;éß漢字";
        var random = new Random(6);
        for (var n = 0; n < 5_000; n++)
        {
            var name = new string(Enumerable.Range(0, random.Next(1, 12)).Select(_ => plain[random.Next(plain.Length)]).ToArray());
            if (name[^1] is '.' or ' ') continue;
            Assert.Equal(name, WindowsNames.ToWindows(name));
            Assert.Equal(name, WindowsNames.FromWindows(name));
        }
    }

    private static bool AcceptedByWindows(string name)
    {
        if (name.Any(c => c < 0x20 || "\\/:*?\"<>|".Contains(c))) return false;
        if (name[^1] is '.' or ' ') return false;
        var stem = name.Split('.')[0].TrimEnd(' ');
        string[] devices = ["CON", "PRN", "AUX", "NUL", "COM0", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
            "COM¹", "COM²", "COM³", "LPT0", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9", "LPT¹", "LPT²", "LPT³"];
        return !devices.Contains(stem, StringComparer.OrdinalIgnoreCase);
    }

    private static string Escape(string s) => string.Concat(s.Select(c => c < 0x20 || c > 0x7E ? $"\\u{(int)c:X4}" : c.ToString()));
}
