namespace MountStore.Core.DiskCache;

/// <summary>Another mount (or process) holds the cache folder's lock.</summary>
public sealed class CacheFolderInUseException(string directory, string holder)
    : IOException($"the cache folder {directory} is in use by another mount{holder}; give this mount its own --cache-dir, or unmount the other first");
