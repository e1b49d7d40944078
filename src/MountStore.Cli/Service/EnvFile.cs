using System.Text;
using System.Text.RegularExpressions;

namespace MountStore.Cli.Service;

/// <summary>
/// Credentials read from a file of NAME=VALUE lines (the body of an openrc, an AWS key pair),
/// for mounts started by mount(8) or systemd, where no shell sources anything. A file that
/// other users can read or change is refused: it holds secrets.
/// </summary>
internal static partial class EnvFile
{
    [GeneratedRegex(@"^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$")]
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
            var match = Assignment().Match(line);
            if (!match.Success)
                throw new EnvFileException($"env-file {full}, line {number}: expected NAME=VALUE (optionally after 'export'); " +
                    "shell commands are not run (an openrc that prompts for the password needs OS_PASSWORD=... written out instead)");
            variables[match.Groups[1].Value] = Unquote(match.Groups[2].Value.Trim(), full, number);
        }
        return variables;
    }

    /// <summary>Refuses a file that is not owned by this user or root, or that others can read or anyone else can change.</summary>
    public static void CheckPrivate(string path)
    {
        var mode = File.GetUnixFileMode(path);
        var owner = FileOwner.Of(path);
        var me = Posix.EffectiveUserId();
        if (owner != me && owner != 0)
            throw new EnvFileException($"env-file {path} belongs to uid {owner}, not to you or root; it holds credentials");
        var open = UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.GroupWrite;
        if ((mode & open) != 0)
            throw new EnvFileException($"env-file {path} holds credentials but is mode {Octal(mode)}, open to other users; run: chmod 600 {path}");
    }

    private static string Octal(UnixFileMode mode) => "0" + Convert.ToString((int)mode & 0xFFF, 8);

    private static string Unquote(string value, string path, int line)
    {
        if (value.Length >= 2 && value[0] == '\'' && value[^1] == '\'')
            return value[1..^1];
        if (value.Length >= 2 && value[0] == '"' && value[^1] == '"')
        {
            var text = new StringBuilder();
            for (var i = 1; i < value.Length - 1; i++)
            {
                if (value[i] == '\\' && i + 1 < value.Length - 1 && value[i + 1] is '"' or '\\' or '$' or '`')
                    i++;
                else if (value[i] == '$')
                    throw NotExpanded(path, line);
                text.Append(value[i]);
            }
            return text.ToString();
        }
        if (value.Contains('$'))
            throw NotExpanded(path, line);
        return value;
    }

    private static EnvFileException NotExpanded(string path, int line) =>
        new($"env-file {path}, line {line}: variables ($NAME) are not expanded; write the value out, or put it in single quotes if it holds a '$'");
}

/// <summary>An env-file that cannot be used; the message says why and what to do.</summary>
internal sealed class EnvFileException(string message) : Exception(message);
