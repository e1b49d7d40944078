using System.Collections;

namespace MountStore.Cli;

/// <summary>The process environment as the store factories take it.</summary>
internal static class EnvironmentSnapshot
{
    public static IReadOnlyDictionary<string, string?> Take() =>
        Environment.GetEnvironmentVariables().Cast<DictionaryEntry>().ToDictionary(e => (string)e.Key, e => (string?)e.Value, StringComparer.Ordinal);
}
