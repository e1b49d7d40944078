namespace MountStore.Cli.Service;

/// <summary>
/// Turns the options of an fstab line or `mount -o` into `mountstore mount` arguments. The
/// usual mount words keep their meaning (ro, allow_other, uid=, gid=, nonempty); every other
/// `mountstore mount` option is written with underscores, e.g. cache_ttl=60, env_file=/etc/x.env.
/// </summary>
internal static class FstabOptions
{
    /// <summary>Words mount(8) and systemd act on themselves; they mean nothing to the mount process.</summary>
    private static readonly HashSet<string> ForMountItself = new(StringComparer.Ordinal)
    {
        "defaults", "auto", "noauto", "_netdev", "nofail", "user", "nouser", "users", "owner", "group", "rw",
        "exec", "noexec", "suid", "nosuid", "dev", "nodev", "atime", "noatime", "relatime", "strictatime",
        "diratime", "nodiratime", "sync", "async", "loud", "silent",
    };

    private static readonly Dictionary<string, string> Renamed = new(StringComparer.Ordinal)
    {
        ["ro"] = "--read-only",
        ["nonempty"] = "--allow-non-empty",
        ["credentials"] = "--env-file",
    };

    /// <summary>
    /// The arguments for <paramref name="options"/> (comma-separated). <paramref name="known"/>
    /// are the long option names of `mountstore mount`, with their arity. An unknown word is an
    /// error, unless <paramref name="sloppy"/> (mount -s), when it is dropped.
    /// </summary>
    public static List<string> Translate(string options, IReadOnlyDictionary<string, bool> known, bool sloppy)
    {
        var arguments = new List<string>();
        foreach (var word in options.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = word.IndexOf('=');
            var name = equals < 0 ? word : word[..equals];
            var value = equals < 0 ? null : word[(equals + 1)..];
            if (ForMountItself.Contains(name) || name.StartsWith("x-", StringComparison.Ordinal) || name == "comment")
                continue;
            var option = Renamed.TryGetValue(name, out var renamed) ? renamed : "--" + name.Replace('_', '-');
            if (option is "--daemon" or "--help" || !known.TryGetValue(option, out var takesValue))
            {
                if (sloppy)
                    continue;
                throw new ArgumentException($"unknown mount option '{word}'; see `mountstore mount --help` (write its options with underscores: cache_ttl=60)");
            }
            if (takesValue != (value is not null))
                throw new ArgumentException(takesValue ? $"mount option '{name}' needs a value: {name}=..." : $"mount option '{name}' takes no value");
            arguments.Add(option);
            if (value is not null)
                arguments.Add(value);
        }
        return arguments;
    }
}
