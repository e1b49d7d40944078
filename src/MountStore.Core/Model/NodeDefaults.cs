namespace MountStore.Core.Model;

/// <summary>What a node shows when its object carries no metadata of its own.</summary>
/// <param name="Uid">Owner.</param>
/// <param name="Gid">Group.</param>
/// <param name="FileMode">Permission bits of files.</param>
/// <param name="DirectoryMode">Permission bits of folders.</param>
public sealed record NodeDefaults(uint Uid, uint Gid, uint FileMode, uint DirectoryMode);
