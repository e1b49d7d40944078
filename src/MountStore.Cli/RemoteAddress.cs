namespace MountStore.Cli;

/// <summary>Which store a remote names.</summary>
public enum StoreKind
{
    /// <summary>OpenStack Swift (swift://).</summary>
    Swift,

    /// <summary>S3 or an S3-compatible server (s3://).</summary>
    S3,
}

/// <summary>A parsed REMOTE argument: swift://CONTAINER[/PREFIX] or s3://BUCKET[/PREFIX].</summary>
public sealed record RemoteAddress(StoreKind Kind, string Container, string Prefix)
{
    /// <summary>Parses <paramref name="text"/>, or throws <see cref="FormatException"/> with an example of the right form.</summary>
    public static RemoteAddress Parse(string text)
    {
        var separator = text.IndexOf("://", StringComparison.Ordinal);
        if (separator < 0)
            throw new FormatException($"'{text}' is not a remote; write swift://CONTAINER[/PREFIX] or s3://BUCKET[/PREFIX]");
        var kind = text[..separator].ToLowerInvariant() switch
        {
            "swift" => StoreKind.Swift,
            "s3" => StoreKind.S3,
            var other => throw new FormatException($"unknown store '{other}://'; MountStore mounts swift:// and s3:// remotes"),
        };
        var rest = text[(separator + 3)..];
        var slash = rest.IndexOf('/');
        var container = slash < 0 ? rest : rest[..slash];
        var prefix = slash < 0 ? "" : rest[(slash + 1)..].Trim('/');
        if (container.Length == 0)
            throw new FormatException($"'{text}' names no {(kind == StoreKind.Swift ? "container" : "bucket")}");
        if (prefix.Length > 0 && prefix.Split('/').Any(part => part.Length == 0 || part is "." or ".."))
            throw new FormatException($"the prefix '{prefix}' has an empty, '.' or '..' component");
        return new RemoteAddress(kind, container, prefix.Length == 0 ? "" : prefix + "/");
    }

    /// <inheritdoc />
    public override string ToString() => $"{(Kind == StoreKind.Swift ? "swift" : "s3")}://{Container}{(Prefix.Length > 0 ? "/" + Prefix.TrimEnd('/') : "")}";
}
