using System.Globalization;
using MountStore.Testing;

namespace MountStore.Cli.Tests;

/// <summary>Every option of `mountstore mount` is in the README's table with its default, and in the man page.</summary>
public sealed class OptionsDocumentationTests
{
    private static readonly string Readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
    private static readonly string ManPage = File.ReadAllText(Path.Combine(RepoPaths.Root, "packaging", "man", "mountstore.1")).Replace(@"\-", "-");

    public static TheoryData<string> Options()
    {
        var data = new TheoryData<string>();
        foreach (var option in new MountCommandOptions().AllOptions)
            data.Add(option.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Options))]
    public void The_readme_table_and_the_man_page_document_the_option_with_its_default(string name)
    {
        var option = new MountCommandOptions().AllOptions.Single(o => o.Name == name);
        var row = Readme.Split('\n').SingleOrDefault(line => line.StartsWith("| `", StringComparison.Ordinal) && NamesIn(line.Split('|')[1]).Contains(name));
        Assert.True(row is not null, $"README.md's options table has no row for {name}");
        if (option.HasDefaultValue && option.GetDefaultValue() is { } value and not false)
        {
            var text = Convert.ToString(value, CultureInfo.InvariantCulture)!;
            Assert.True(row.Contains(text, StringComparison.Ordinal), $"README.md's row for {name} does not give its default {text}: {row}");
        }
        Assert.Contains(name, ManPage);
    }

    /// <summary>The options a table cell names: `--uid UID`, `--gid GID` → --uid, --gid.</summary>
    private static IEnumerable<string> NamesIn(string cell) =>
        cell.Split('`', StringSplitOptions.RemoveEmptyEntries).Where(part => part.StartsWith("--", StringComparison.Ordinal)).Select(part => part.Split(' ')[0]);
}
