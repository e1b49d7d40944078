using MountStore.Core.Model;
using MountStore.Core.Storage;
using MountStore.Core.Writing;

namespace MountStore.Core.FileSystem;

/// <summary>
/// The one place where what went wrong below the filesystem (a store error, a full staging
/// disk, a write memory timeout, a bug) becomes a <see cref="FileSystemException"/>, so no door
/// ever needs to know a store's or a writer's exception types.
/// </summary>
internal static class FailureTranslation
{
    /// <summary>True for what must be translated: anything but a filesystem error or the caller's own cancellation.</summary>
    public static bool Needs(Exception e, CancellationToken cancellationToken) =>
        e is not FileSystemException && !(e is OperationCanceledException && cancellationToken.IsCancellationRequested);

    /// <summary><paramref name="e"/> as the filesystem error it means for <paramref name="path"/>.</summary>
    public static FileSystemException Of(Exception e, string path) => e switch
    {
        FileSystemException fs => fs,
        ObjectNotFoundException => new(FileSystemError.NotFound, path, "the object is no longer in the store", e),
        // ESTALE: this handle's version is gone; the bytes it already read were all of that version
        ObjectChangedException => new(FileSystemError.Stale, path, e.Message, e, FailureSeverity.Warning),
        AccessDeniedException or AuthenticationFailedException => new(FileSystemError.AccessDenied, path,
            $"{e.Message}. Check the mount's credentials and the container's access rights", e),
        InvalidObjectNameException => new(FileSystemError.InvalidName, path, e.Message, e),
        // EIO, logged once already by the conflict log with where the bytes went
        // a delete or rename that found the object changed elsewhere. Not ESTALE: Linux retries an
        // unlink or rename that fails so once, after looking the name up again, and that second
        // try would find the other version and delete or replace it
        WriteConflictException => new(FileSystemError.InputOutput, path, e.Message, e, FailureSeverity.Warning),
        ConflictCopyException => new(FileSystemError.InputOutput, path, e.Message, e, FailureSeverity.Answer),
        StagingFullException => new(FileSystemError.NoSpace, path, e.Message, e),
        FileTooLargeException => new(FileSystemError.FileTooLarge, path, e.Message, e),
        ObjectStoreException or IOException => new(FileSystemError.InputOutput, path, e.Message, e),
        OperationCanceledException => new(FileSystemError.InputOutput, path, "the store did not answer in time", e, FailureSeverity.Error),
        _ => new(FileSystemError.InputOutput, path, $"unexpected failure: {e.Message}", e, FailureSeverity.Unexpected),
    };
}
