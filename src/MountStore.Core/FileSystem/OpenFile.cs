namespace MountStore.Core.FileSystem;

/// <summary>An open file: the handle number the kernel passes back, and the attributes it was opened with.</summary>
public sealed record OpenFile(ulong Handle, NodeAttributes Attributes);
