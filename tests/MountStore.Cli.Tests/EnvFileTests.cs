using MountStore.Cli.Service;

namespace MountStore.Cli.Tests;

/// <summary>Credentials files for mount(8) and systemd mounts.</summary>
public sealed class EnvFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("mountstore-envfile-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Write(string text, UnixFileMode mode)
    {
        var path = Path.Combine(_folder, Guid.NewGuid().ToString("N") + ".env");
        File.WriteAllText(path, text);
        File.SetUnixFileMode(path, mode);
        return path;
    }

    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    public void Reads_assignments_with_export_quotes_and_comments_literally()
    {
        var path = Write("""
            # an openrc body
            export OS_AUTH_URL=https://keystone.example:5000/v3
            OS_USERNAME="ana"
            export OS_PASSWORD='pa$$ word'
            OS_PROJECT_NAME="say \"hi\""

            AWS_REGION=eu-west-1
            """, Private);
        var variables = EnvFile.Load(path);
        Assert.Equal("https://keystone.example:5000/v3", variables["OS_AUTH_URL"]);
        Assert.Equal("ana", variables["OS_USERNAME"]);
        Assert.Equal("pa$$ word", variables["OS_PASSWORD"]);
        Assert.Equal("say \"hi\"", variables["OS_PROJECT_NAME"]);
        Assert.Equal("eu-west-1", variables["AWS_REGION"]);
        Assert.Equal(5, variables.Count);
    }

    [Fact]
    public void Several_assignments_on_one_line_are_split_as_the_shell_does()
    {
        var path = Write("export OS_USERNAME=demo OS_PASSWORD=demo-secret\nexport A=\"one two\" B=three\\ four\n", Private);
        var variables = EnvFile.Load(path);
        Assert.Equal("demo", variables["OS_USERNAME"]);
        Assert.Equal("demo-secret", variables["OS_PASSWORD"]);
        Assert.Equal("one two", variables["A"]);
        Assert.Equal("three four", variables["B"]);
    }

    [Fact]
    public void A_word_that_is_not_an_assignment_is_refused_without_echoing_the_line()
    {
        var path = Write("OS_PASSWORD=secret extra-word\n", Private);
        var error = Assert.Throws<EnvFileException>(() => EnvFile.Load(path));
        Assert.Contains("line 1", error.Message);
        Assert.DoesNotContain("secret", error.Message);
        Assert.Contains("not closed", Assert.Throws<EnvFileException>(() => EnvFile.Load(Write("A='open\n", Private))).Message);
    }

    [Theory]
    [InlineData(UnixFileMode.OtherRead)]
    [InlineData(UnixFileMode.OtherWrite)]
    [InlineData(UnixFileMode.GroupWrite)]
    public void A_file_other_users_can_read_or_change_is_refused_with_the_chmod_to_run(UnixFileMode extra)
    {
        var path = Write("OS_PASSWORD=secret\n", Private | extra);
        var error = Assert.Throws<EnvFileException>(() => EnvFile.Load(path));
        Assert.Contains($"chmod 600 {path}", error.Message);
        Assert.DoesNotContain("secret", error.Message);
    }

    [Fact]
    public void Group_read_is_allowed_for_files_shared_with_an_admin_group()
    {
        var path = Write("ST_KEY=k\n", Private | UnixFileMode.GroupRead);
        Assert.Equal("k", EnvFile.Load(path)["ST_KEY"]);
    }

    [Fact]
    public void Shell_commands_and_variable_references_are_refused_with_the_line_number_and_no_value()
    {
        var prompt = Write("OS_AUTH_URL=x\nread -sr OS_PASSWORD_INPUT\n", Private);
        var error = Assert.Throws<EnvFileException>(() => EnvFile.Load(prompt));
        Assert.Contains("line 2", error.Message);
        Assert.Contains("OS_PASSWORD=", error.Message);

        var reference = Write("OS_PASSWORD=$OS_PASSWORD_INPUT\n", Private);
        Assert.Contains("not expanded", Assert.Throws<EnvFileException>(() => EnvFile.Load(reference)).Message);
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        var missing = Path.Combine(_folder, "none.env");
        Assert.Contains(missing, Assert.Throws<EnvFileException>(() => EnvFile.Load(missing)).Message);
    }
}
