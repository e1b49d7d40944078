using System.Text;

namespace MountStore.WinFsp;

/// <summary>
/// The one treatment of object names Windows cannot show: a reversible mapping, so every object
/// appears on Windows and what Windows writes back lands under the original key.
/// </summary>
/// <remarks>
/// <para>What is mapped, in a name component (as rclone's Windows encoding does, plus reserved
/// names, which rclone leaves alone):</para>
/// <list type="bullet">
/// <item><c>\ : * ? " &lt; &gt; |</c> become their full-width forms (＼ ： ＊ ？ ＂ ＜ ＞ ｜), and control
/// characters U+0000-U+001F the Control Pictures U+2400-U+241F (␀ ... ␟), anywhere in the name;</item>
/// <item>a last character '.' or ' ' becomes '．' (U+FF0E) or '␠' (U+2420), since Windows drops them;</item>
/// <item>a device name (CON, PRN, AUX, NUL, COM0-9, LPT0-9, COM¹²³, LPT¹²³, in any case, alone or
/// before an extension, as "nul.txt") has its first letter made full-width ("ＮUL.txt"), since
/// Windows opens the device instead.</item>
/// </list>
/// <para>An object name that already holds one of those look-alikes where it would be read back
/// is quoted with '‛' (U+201B) in front of it, and so is a '‛' that would otherwise pair with what
/// follows it, so reading back always gives the original. The other way, a look-alike typed on
/// Windows (with no '‛') is stored as the character it stands for: "a＊" names the key "a*".</para>
/// <para>Names are otherwise kept as they are, in their case: the volume is case-sensitive.</para>
/// </remarks>
internal static class WindowsNames
{
    /// <summary>The character that marks the next one as the object's own, not a mapped one.</summary>
    public const char Quote = '\u201B';

    private const char FullWidthPeriod = '\uFF0E', SymbolForSpace = '\u2420';
    private const int FullWidthOffset = 0xFEE0, ControlPicturesStart = 0x2400;
    private const string Forbidden = "\\:*?\"<>|";

    private static readonly HashSet<string> DeviceNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "CON", "PRN", "AUX", "NUL",
        "COM0", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9", "COM\u00B9", "COM\u00B2", "COM\u00B3",
        "LPT0", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9", "LPT\u00B9", "LPT\u00B2", "LPT\u00B3",
    };

    /// <summary>How the object name component <paramref name="name"/> is shown on Windows.</summary>
    public static string ToWindows(string name)
    {
        // Built from the end: whether a '‛' needs quoting depends on what follows it once mapped.
        var pieces = new string[name.Length];
        for (var i = name.Length - 1; i >= 0; i--)
        {
            var c = name[i];
            if (Substitute(name, i) is { } shown)
                pieces[i] = shown.ToString();
            else if (ReadsAsSubstitute(name, i) || (c == Quote && QuotePairsWithNext(pieces, i)))
                pieces[i] = string.Concat(Quote, c);
            else
                pieces[i] = c.ToString();
        }
        return string.Concat(pieces);
    }

    /// <summary>The object name component a name Windows gives (shown or typed) stands for.</summary>
    public static string FromWindows(string name)
    {
        var result = new StringBuilder(name.Length);
        var firstIsLiteral = false;
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (c == Quote && i + 1 < name.Length && IsQuotable(name, i + 1, first: result.Length == 0))
            {
                if (result.Length == 0) firstIsLiteral = true;
                result.Append(name[++i]);
            }
            else
            {
                result.Append(Original(name, i) ?? c);
            }
        }
        // A full-width first letter that makes a device name is the mapped one, unless quoted.
        if (!firstIsLiteral && result.Length > 0 && FromFullWidth(result[0]) is { } letter && IsDeviceName(letter, result, 1))
            result[0] = letter;
        return result.ToString();
    }

    /// <summary>The object path (relative, '/'-separated, "" for the root) of a path WinFsp gives ("\dir\name").</summary>
    public static string ToObjectPath(string windowsPath) =>
        string.Join('/', windowsPath.Split('\\', StringSplitOptions.RemoveEmptyEntries).Select(FromWindows));

    // What the character at i of an object name is shown as, or null when it shows as itself.
    private static char? Substitute(string name, int i)
    {
        var c = name[i];
        if (c < 0x20) return (char)(ControlPicturesStart + c);
        if (Forbidden.Contains(c)) return (char)(c + FullWidthOffset);
        if (i == name.Length - 1 && c == '.') return FullWidthPeriod;
        if (i == name.Length - 1 && c == ' ') return SymbolForSpace;
        if (i == 0 && IsDeviceName(c, name, 1)) return (char)(c + FullWidthOffset);
        return null;
    }

    // Whether the object's own character at i would be read back as a substitute, so needs a quote.
    private static bool ReadsAsSubstitute(string name, int i) =>
        Original(name, i) is not null
        || (i == 0 && FromFullWidth(name[0]) is { } letter && IsDeviceName(letter, name, 1));

    // A '‛' at i is quoted when the next piece starts with '‛' or is a substitute, since reading
    // back would pair them; at the start, also before a full-width letter (the device-name case).
    private static bool QuotePairsWithNext(string[] pieces, int i)
    {
        if (i + 1 >= pieces.Length) return false;
        var next = pieces[i + 1][0];
        return next == Quote || IsLookAlike(next) || (i == 0 && FromFullWidth(next) is not null);
    }

    // Whether the character at i of a Windows name may follow a quote (the reading side of QuotePairsWithNext).
    private static bool IsQuotable(string name, int i, bool first) =>
        name[i] == Quote || IsLookAlike(name[i]) || (first && i == 1 && FromFullWidth(name[i]) is not null);

    // Any character some rule substitutes, wherever it stands (the quoting is decided on this, so it
    // is the same on both sides whatever the position).
    private static bool IsLookAlike(char c) =>
        (c >= ControlPicturesStart && c < ControlPicturesStart + 0x20)
        || (c > FullWidthOffset && Forbidden.Contains((char)(c - FullWidthOffset)))
        || c is FullWidthPeriod or SymbolForSpace;

    // The character a substitute at i of a Windows name stands for, or null when it is not one there.
    private static char? Original(string name, int i)
    {
        var c = name[i];
        if (c >= ControlPicturesStart && c < ControlPicturesStart + 0x20) return (char)(c - ControlPicturesStart);
        if (c > FullWidthOffset && Forbidden.Contains((char)(c - FullWidthOffset))) return (char)(c - FullWidthOffset);
        if (i == name.Length - 1 && c == FullWidthPeriod) return '.';
        if (i == name.Length - 1 && c == SymbolForSpace) return ' ';
        return null;
    }

    private static char? FromFullWidth(char c) =>
        c is >= '\uFF21' and <= '\uFF3A' or >= '\uFF41' and <= '\uFF5A' ? (char)(c - FullWidthOffset) : null;

    // Whether first + rest[from..] names a device: the part before the first '.', trailing spaces
    // dropped as Windows drops them, is one of the reserved names.
    private static bool IsDeviceName(char first, IEnumerable<char> rest, int from)
    {
        var stem = new StringBuilder().Append(first);
        foreach (var c in rest.Skip(from))
        {
            if (c == '.') break;
            stem.Append(c);
        }
        return DeviceNames.Contains(stem.ToString().TrimEnd(' '));
    }

    private static bool IsDeviceName(char first, StringBuilder rest, int from) =>
        IsDeviceName(first, rest.ToString(), from);
}
