using System.Globalization;

namespace MountStore.Core.Model;

/// <summary>
/// The object metadata format, read and written in one place, in the names and formats other
/// tools use: "mtime" as Unix seconds with a fraction (rclone writes nine decimals, s3fs and
/// python-swiftclient read and write it too), "mode" as the full st_mode in decimal with the
/// file type bits (s3fs), "uid" and "gid" in decimal (s3fs). A symlink is marked both by its mode
/// and by the content type <see cref="SymlinkContentType"/>, so Swift listings show it. An mtime
/// is written only once set explicitly (touch, cp -p, tar, rsync): otherwise the object's own
/// Last-Modified is the file's mtime, and writing a file costs no extra request to keep the two
/// in step. Anything absent or unparsable reads as absent, so a stranger's metadata never
/// breaks a stat().
/// </summary>
public sealed record FileMetadata(NodeKind Kind, uint Permissions, uint? Uid = null, uint? Gid = null, DateTimeOffset? ModifiedTime = null, DateTimeOffset? AccessTime = null)
{
    /// <summary>The content type symlinks are written with (the freedesktop name), so Swift listings show them.</summary>
    public const string SymlinkContentType = "inode/symlink";

    /// <summary>The content type folder markers are written with.</summary>
    public const string DirectoryContentType = "application/x-directory";

    /// <summary>Keys this format owns; others found on an object are kept when it is rewritten.</summary>
    private static readonly string[] OwnKeys = ["mode", "uid", "gid", "mtime", "atime", "md5chksum"];

    /// <summary>What an object's metadata says, as far as this format reads it; absent values are null.</summary>
    /// <param name="Mode">The full st_mode, file type bits included, when "mode" is set.</param>
    /// <param name="Uid">Owner.</param>
    /// <param name="Gid">Group.</param>
    /// <param name="ModifiedTime">The mtime a tool stored.</param>
    /// <param name="AccessTime">The atime a tool stored (s3fs does; "atime", in the mtime's format).</param>
    /// <param name="IsSymlink">True when the mode or the content type mark a symlink.</param>
    public sealed record Stored(uint? Mode, uint? Uid, uint? Gid, DateTimeOffset? ModifiedTime, DateTimeOffset? AccessTime, bool IsSymlink)
    {
        /// <summary>The permission bits of <see cref="Mode"/>.</summary>
        public uint? Permissions => Mode & FileModeBits.Permissions;

        /// <summary>The kind of a file object: a symlink, a fifo or a socket when its mode or content type says so.</summary>
        public NodeKind FileKind
        {
            get
            {
                if (IsSymlink)
                    return NodeKind.Symlink;
                return Mode is { } mode && FileModeBits.KindOf(mode) is { } kind && kind is NodeKind.Fifo or NodeKind.Socket ? kind : NodeKind.File;
            }
        }
    }

    /// <summary>Reads the metadata an object carries (keys in lower case, without the store's prefix).</summary>
    public static Stored Read(IReadOnlyDictionary<string, string>? metadata, string? contentType)
    {
        var mode = Number(metadata, "mode");
        return new Stored(mode, Number(metadata, "uid"), Number(metadata, "gid"), ParseTime(metadata, "mtime"), ParseTime(metadata, "atime"),
            string.Equals(contentType, SymlinkContentType, StringComparison.OrdinalIgnoreCase)
            || (mode is { } m && FileModeBits.KindOf(m) == NodeKind.Symlink));
    }

    /// <summary>
    /// The metadata to write for this record, keeping <paramref name="foreign"/> keys other tools
    /// set, and the content type to write with (null: the store guesses from the name, e.g.
    /// Swift gives a .csv text/csv).
    /// </summary>
    public (IReadOnlyDictionary<string, string> Metadata, string? ContentType) Write(IReadOnlyDictionary<string, string>? foreign = null)
    {
        var metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (foreign is not null)
        {
            foreach (var (key, value) in foreign)
            {
                if (!OwnKeys.Contains(key, StringComparer.OrdinalIgnoreCase))
                    metadata[key] = value;
            }
        }
        metadata["mode"] = FileModeBits.Mode(Kind, Permissions).ToString(CultureInfo.InvariantCulture);
        if (Uid is { } uid) metadata["uid"] = uid.ToString(CultureInfo.InvariantCulture);
        if (Gid is { } gid) metadata["gid"] = gid.ToString(CultureInfo.InvariantCulture);
        if (ModifiedTime is { } mtime) metadata["mtime"] = FormatTime(mtime);
        if (AccessTime is { } atime) metadata["atime"] = FormatTime(atime);
        var contentType = Kind switch
        {
            NodeKind.Symlink => SymlinkContentType,
            NodeKind.Directory => DirectoryContentType,
            _ => null,
        };
        return (metadata, contentType);
    }

    /// <summary>
    /// This record for an existing object: its kind and permissions as shown, and owner and
    /// times only where the object's metadata sets them (so a rewrite does not pin them).
    /// </summary>
    public static FileMetadata Of(NodeAttributes attributes, IReadOnlyDictionary<string, string>? metadata)
    {
        var stored = Read(metadata, null);
        return new FileMetadata(attributes.Kind, attributes.Mode, stored.Uid, stored.Gid,
            stored.ModifiedTime is null ? null : attributes.ModifiedTime, stored.AccessTime);
    }

    /// <summary>"1700000000.123456700": seconds and nine decimals, as rclone writes.</summary>
    public static string FormatTime(DateTimeOffset time)
    {
        var ticks = time.UtcTicks - DateTime.UnixEpoch.Ticks;
        var seconds = Math.DivRem(ticks, TimeSpan.TicksPerSecond, out var rest);
        if (rest < 0)
        {
            seconds--;
            rest += TimeSpan.TicksPerSecond;
        }
        return string.Create(CultureInfo.InvariantCulture, $"{seconds}.{rest * 100:D9}");
    }

    /// <summary>Parses a time: "1700000000" or "1700000000.123456789" (rclone), negative for before 1970.</summary>
    private static DateTimeOffset? ParseTime(IReadOnlyDictionary<string, string>? metadata, string key)
    {
        if (metadata is null || !metadata.TryGetValue(key, out var text))
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

    /// <summary>A decimal number, spaces around it allowed; null when absent or not a number.</summary>
    private static uint? Number(IReadOnlyDictionary<string, string>? metadata, string key) =>
        metadata is not null && metadata.TryGetValue(key, out var text)
        && uint.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : null;
}
