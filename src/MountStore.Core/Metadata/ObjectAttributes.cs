using System.Globalization;
using MountStore.Core.FileSystem;
using MountStore.Core.Storage;
using MountStore.Core.Writing;

namespace MountStore.Core.Metadata;

/// <summary>
/// Turns what the store says about an object into stat() attributes. Reads the metadata other
/// tools write: "mtime" as Unix seconds with an optional fraction (rclone on Swift and S3, s3fs),
/// and "mode", "uid", "gid" as decimal numbers (s3fs). Anything absent or unparsable falls back to
/// the mount's defaults, so a stranger's metadata never breaks a stat().
/// </summary>
public sealed class ObjectAttributes(FileSystemOptions options, DateTimeOffset mountTime)
{
    private const uint PermissionBits = 0xFFF; // 07777: rwx for all, setuid, setgid, sticky

    /// <summary>Attributes of a directory; <paramref name="modified"/> from its marker when it has one.</summary>
    public NodeAttributes Directory(DateTimeOffset? modified = null, IReadOnlyDictionary<string, string>? metadata = null) =>
        new(NodeKind.Directory, 0,
            Mode(metadata) ?? options.DirectoryMode,
            Number(metadata, "uid") ?? options.Uid,
            Number(metadata, "gid") ?? options.Gid,
            MTime(metadata) ?? modified ?? mountTime,
            ETag: null,
            MetadataLoaded: metadata is not null);

    /// <summary>Attributes of a file from a listing entry (<paramref name="metadataLoaded"/> false) or a HEAD.</summary>
    public NodeAttributes File(ObjectInfo info, bool metadataLoaded) =>
        new(FileMetadata.IsSymlink(info) ? NodeKind.Symlink : NodeKind.File, info.Size,
            Mode(info.Metadata) ?? options.FileMode,
            Number(info.Metadata, "uid") ?? options.Uid,
            Number(info.Metadata, "gid") ?? options.Gid,
            MTime(info.Metadata) ?? WholeSeconds(info.LastModified),
            info.ETag,
            metadataLoaded)
        {
            ChangeTime = WholeSeconds(info.LastModified),
        };

    /// <summary>
    /// Listings give times to the microsecond, HEAD only to the second (HTTP dates): both are cut
    /// to whole seconds so a file does not seem to change when opening it reads its headers.
    /// </summary>
    private static DateTimeOffset WholeSeconds(DateTimeOffset time) => time.AddTicks(-(time.UtcTicks % TimeSpan.TicksPerSecond));

    private static uint? Mode(IReadOnlyDictionary<string, string>? metadata) =>
        Number(metadata, "mode") is { } mode ? mode & PermissionBits : null;

    private static uint? Number(IReadOnlyDictionary<string, string>? metadata, string name) =>
        metadata is not null && metadata.TryGetValue(name, out var text)
        && uint.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : null;

    /// <summary>Parses "1700000000", "1700000000.123456789" (rclone) into a time.</summary>
    internal static DateTimeOffset? MTime(IReadOnlyDictionary<string, string>? metadata)
    {
        if (metadata is null || !metadata.TryGetValue("mtime", out var text))
            return null;
        text = text.Trim();
        var dot = text.IndexOf('.');
        var wholePart = dot < 0 ? text : text[..dot];
        if (!long.TryParse(wholePart, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds)
            || seconds < -62_135_596_800 || seconds > 253_402_300_799)
            return null;
        long ticks = 0;
        if (dot >= 0)
        {
            var fraction = text[(dot + 1)..];
            if (fraction.Length == 0 || !fraction.All(char.IsAsciiDigit))
                return null;
            // 7 digits are .NET's tick resolution (100 ns); further digits cannot be shown.
            var digits = fraction.Length > 7 ? fraction[..7] : fraction.PadRight(7, '0');
            ticks = long.Parse(digits, CultureInfo.InvariantCulture);
        }
        return DateTimeOffset.FromUnixTimeSeconds(seconds).AddTicks(ticks);
    }
}
