namespace MountStore.Core.Model;

/// <summary>A path whose attributes changed from what the filesystem had shown for it.</summary>
/// <param name="Path">The path, relative to the mount root.</param>
/// <param name="KindChanged">True when it is another kind of node now (a file found to be a symlink): what was shown for the name must go, not only its attributes.</param>
public sealed record NodeChange(string Path, bool KindChanged);
