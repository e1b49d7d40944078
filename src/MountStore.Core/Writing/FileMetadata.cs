using System.Globalization;
using MountStore.Core.FileSystem;
using MountStore.Core.Storage;

namespace MountStore.Core.Writing;

/// <summary>
/// What a file written through the mount records about itself in object metadata, in the names
/// and formats other tools read: "mtime" as Unix seconds with nine decimals (rclone writes this;
/// s3fs reads the whole seconds), "mode" as the full st_mode in decimal, file type bits included,
/// "uid" and "gid" in decimal (s3fs). An mtime is stored only once set explicitly (touch, cp -p,
/// tar, rsync): otherwise the object's own Last-Modified is the file's mtime, and writing a file
/// costs no extra request to keep the two in step.
/// </summary>
public sealed record FileMetadata(NodeKind Kind, uint Permissions, uint? Uid = null, uint? Gid = null, DateTimeOffset? ModifiedTime = null)
{
    /// <summary>The content type symlinks are written with (the freedesktop name), so Swift listings show them.</summary>
    public const string SymlinkContentType = "inode/symlink";

    private const uint TypeMask = 0xF000, RegularType = 0x8000, DirectoryType = 0x4000, SymlinkType = 0xA000;

    /// <summary>Keys this record owns; others found on an object are kept when it is rewritten.</summary>
    private static readonly string[] OwnKeys = ["mode", "uid", "gid", "mtime", "md5chksum"];

    /// <summary>True when <paramref name="info"/> is a symlink by s3fs's mode bits or by content type.</summary>
    public static bool IsSymlink(ObjectInfo info) =>
        string.Equals(info.ContentType, SymlinkContentType, StringComparison.OrdinalIgnoreCase)
        || (info.Metadata.TryGetValue("mode", out var text) && uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var mode)
            && (mode & TypeMask) == SymlinkType);

    /// <summary>How to write an object with this metadata, keeping <paramref name="foreign"/> keys other tools set.</summary>
    public ObjectWriteOptions ToWriteOptions(IReadOnlyDictionary<string, string>? foreign = null)
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
        var type = Kind switch { NodeKind.Directory => DirectoryType, NodeKind.Symlink => SymlinkType, _ => RegularType };
        metadata["mode"] = (type | (Permissions & 0xFFF)).ToString(CultureInfo.InvariantCulture);
        if (Uid is { } uid) metadata["uid"] = uid.ToString(CultureInfo.InvariantCulture);
        if (Gid is { } gid) metadata["gid"] = gid.ToString(CultureInfo.InvariantCulture);
        if (ModifiedTime is { } mtime) metadata["mtime"] = FormatTime(mtime);
        return new ObjectWriteOptions
        {
            Metadata = metadata,
            ContentType = Kind switch
            {
                NodeKind.Symlink => SymlinkContentType,
                NodeKind.Directory => "application/x-directory",
                _ => null, // the store guesses from the name (Swift: text/csv for .csv)
            },
        };
    }

    /// <summary>The metadata an existing object carries, as far as this record keeps it.</summary>
    public static FileMetadata Of(NodeAttributes attributes, ObjectInfo? info) => new(
        attributes.Kind,
        attributes.Mode,
        Number(info, "uid"),
        Number(info, "gid"),
        info?.Metadata.ContainsKey("mtime") == true ? attributes.ModifiedTime : null);

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

    private static uint? Number(ObjectInfo? info, string key) =>
        info is not null && info.Metadata.TryGetValue(key, out var text) && uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
}
