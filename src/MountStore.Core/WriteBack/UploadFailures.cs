using MountStore.Core.Storage;
using MountStore.Core.Writing;

namespace MountStore.Core.WriteBack;

/// <summary>Which upload failures another try may cure (a server restarting, a network cut) and which it will not.</summary>
internal static class UploadFailures
{
    /// <summary>
    /// True when trying again cannot help before something changes: credentials or rights, a
    /// container that is gone, a name the store refuses, a quota or size limit (413), or a
    /// conflict copy that could not be stored. Those wait for the next mount.
    /// </summary>
    public static bool IsPermanent(Exception e) => e switch
    {
        AccessDeniedException or AuthenticationFailedException or ContainerNotFoundException or InvalidObjectNameException => true,
        ConflictCopyException => true,
        FileTooLargeException => true,
        ObjectStoreException { StatusCode: 400 or 403 or 413 or 507 } => true,
        _ => false,
    };
}
