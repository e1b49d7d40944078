using System.Text;
using System.Text.RegularExpressions;
using MountStore.Fuse;

namespace MountStore.Cli.Service;

/// <summary>
/// Credentials read from a file of NAME=VALUE lines (the body of an openrc, an AWS key pair),
/// for mounts started by mount(8) or systemd, where no shell sources anything. A file that
/// other users can read or change is refused: it holds secrets.
/// </summary>
internal static partial class EnvFile
{
    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*=")]
    private static partial Regex Assignment();

    /// <summary>The variables of <paramref name="path"/>; throws <see cref="EnvFileException"/> saying what is wrong.</summary>
    public static IReadOnlyDictionary<string, string> Load(string path)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
            throw new EnvFileException($"env-file {full} does not exist");
        CheckPrivate(full);
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        var number = 0;
        foreach (var raw in File.ReadLines(full))
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            // As the shell reads it: `export A=1 B="two words"` sets two variables.
            var words = Words(line, full, number);
            if (words.Count > 0 && words[0] == "export")
                words.RemoveAt(0);
            if (words.Count == 0 || !words.All(word => Assignment().IsMatch(word)))
                throw new EnvFileException($"env-file {full}, line {number}: expected NAME=VALUE (optionally after 'export', several on a line, values with spaces in quotes); " +
                    "shell commands are not run (an openrc that prompts for the password needs OS_PASSWORD=... written out instead)");
            foreach (var word in words)
            {
                var equals = word.IndexOf('=');
                variables[word[..equals]] = word[(equals + 1)..];
            }
        }
        return variables;
    }

    /// <summary>
    /// Splits a line into words the way sh does for plain assignments: whitespace separates,
    /// quotes group and are removed, a backslash escapes. Values never appear in errors: they may
    /// be secrets.
    /// </summary>
    private static List<string> Words(string line, string path, int number)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (char.IsWhiteSpace(c))
            {
                if (inWord)
                    words.Add(word.ToString());
                word.Clear();
                inWord = false;
                continue;
            }
            inWord = true;
            switch (c)
            {
                case '\\' when i + 1 < line.Length:
                    word.Append(line[++i]);
                    break;
                case '\'':
                    var close = line.IndexOf('\'', i + 1);
                    if (close < 0)
                        throw Unterminated(path, number);
                    word.Append(line, i + 1, close - i - 1);
                    i = close;
                    break;
                case '"':
                    for (i++; ; i++)
                    {
                        if (i >= line.Length)
                            throw Unterminated(path, number);
                        if (line[i] == '"')
                            break;
                        if (line[i] == '\\' && i + 1 < line.Length && line[i + 1] is '"' or '\\' or '$' or '`')
                            i++;
                        else if (line[i] is '$' or '`')
                            throw NotExpanded(path, number);
                        word.Append(line[i]);
                    }
                    break;
                case '$' or '`':
                    throw NotExpanded(path, number);
                default:
                    word.Append(c);
                    break;
            }
        }
        if (inWord)
            words.Add(word.ToString());
        return words;
    }

    private static EnvFileException Unterminated(string path, int line) =>
        new($"env-file {path}, line {line}: a quote is not closed");

    /// <summary>
    /// Refuses a file that is not owned by this user or root, or that others can read or anyone
    /// else can change. Linux only: Windows keeps access lists, not modes, and a file in the
    /// user's profile is closed to other users by default.
    /// </summary>
    public static void CheckPrivate(string path)
    {
        if (OperatingSystem.IsWindows())
            return;
        var mode = File.GetUnixFileMode(path);
        var owner = FileOwner.Of(path);
        var me = CurrentUser.Uid;
        if (owner != me && owner != 0)
            throw new EnvFileException($"env-file {path} belongs to uid {owner}, not to you or root; it holds credentials");
        var open = UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.GroupWrite;
        if ((mode & open) != 0)
            throw new EnvFileException($"env-file {path} holds credentials but is mode {Octal(mode)}, open to other users; run: chmod 600 {path}");
    }

    private static string Octal(UnixFileMode mode) => "0" + Convert.ToString((int)mode & 0xFFF, 8);

    private static EnvFileException NotExpanded(string path, int line) =>
        new($"env-file {path}, line {line}: variables ($NAME) are not expanded; write the value out, in single quotes if it holds a '$'");
}

/// <summary>An env-file that cannot be used; the message says why and what to do.</summary>
internal sealed class EnvFileException(string message) : Exception(message);
