using MountStore.Core.Storage;

namespace MountStore.Core.Namespace;

/// <summary>
/// The conventions tools use to make an empty folder exist: a zero-byte object named "dir/"
/// (s3fs, rclone, the S3 console) or, on Swift, an object "dir" with Content-Type
/// application/directory (python-swiftclient, Swift's own static web).
/// </summary>
public static class DirectoryMarkers
{
    /// <summary>The content type Swift tools give directory markers.</summary>
    public const string SwiftContentType = "application/directory";

    /// <summary>True when <paramref name="info"/> marks a directory by its content type.</summary>
    public static bool HasDirectoryContentType(ObjectInfo info) =>
        info.ContentType is { } type
        && (type.StartsWith(SwiftContentType, StringComparison.OrdinalIgnoreCase)
            || type.StartsWith("application/x-directory", StringComparison.OrdinalIgnoreCase));
}
