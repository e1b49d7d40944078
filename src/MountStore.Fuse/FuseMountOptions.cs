namespace MountStore.Fuse;

/// <summary>How the kernel mount is made.</summary>
public sealed record FuseMountOptions
{
    /// <summary>The directory to mount on (absolute).</summary>
    public required string MountPoint { get; init; }

    /// <summary>Shown as the source in mount tables and df, e.g. "swift://container/prefix".</summary>
    public required string Source { get; init; }

    /// <summary>Mount read-only at the kernel level too.</summary>
    public bool ReadOnly { get; init; }

    /// <summary>Let users other than the mounting one see the files (needs user_allow_other in /etc/fuse.conf for non-root).</summary>
    public bool AllowOther { get; init; }

    /// <summary>Mount over a directory that is not empty.</summary>
    public bool AllowNonEmpty { get; init; }

    /// <summary>Kernel entry and attribute timeouts (the metadata TTL).</summary>
    public TimeSpan AttributeTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the kernel remembers "no such file".</summary>
    public TimeSpan NegativeTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>FUSE requests the kernel keeps in flight; libfuse's default of 12 caps parallel reads.</summary>
    public uint MaxBackground { get; init; } = 64;

    /// <summary>Threads reading /dev/fuse; they only dispatch, so few are needed.</summary>
    public uint MaxThreads { get; init; } = 8;

    /// <summary>The -o option string given to libfuse.</summary>
    public string KernelOptions()
    {
        // fsname is parsed by libfuse's option parser: commas and backslashes need escaping.
        var source = Source.Replace("\\", "\\\\").Replace(",", "\\,");
        var options = new List<string> { $"fsname={source}", "subtype=mountstore", "default_permissions", "auto_unmount" };
        if (ReadOnly)
            options.Add("ro");
        if (AllowOther)
            options.Add("allow_other");
        return string.Join(',', options);
    }
}
