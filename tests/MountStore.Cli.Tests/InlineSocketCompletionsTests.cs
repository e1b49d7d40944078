namespace MountStore.Cli.Tests;

public sealed class InlineSocketCompletionsTests
{
    private const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    private static string? Chosen(StoreKind kind, string? value)
    {
        var environment = new Dictionary<string, string>();
        if (value is not null)
            environment[Variable] = value;
        InlineSocketCompletions.Choose(kind, environment.GetValueOrDefault, (name, written) => environment[name] = written);
        return environment.GetValueOrDefault(Variable);
    }

    [Fact]
    public void A_swift_mount_turns_it_on_when_the_environment_does_not_say() => Assert.Equal("1", Chosen(StoreKind.Swift, null));

    [Theory]
    [InlineData("0")]
    [InlineData("1")]
    [InlineData("")]
    public void A_swift_mount_keeps_what_the_user_set(string value) => Assert.Equal(value, Chosen(StoreKind.Swift, value));

    [Theory]
    [InlineData(null)]
    [InlineData("1")]
    public void An_s3_mount_turns_it_off_even_when_the_user_turned_it_on(string? value) => Assert.Equal("0", Chosen(StoreKind.S3, value));
}
