namespace MountStore.Core.FileSystem;

/// <summary>An open file: the handle number the kernel passes back, and the attributes it was opened with.</summary>
/// <param name="Handle">The number the kernel passes back with each read.</param>
/// <param name="Attributes">The attributes the file was opened with.</param>
/// <param name="Revalidated">True when opening asked the store again, so attributes the kernel cached earlier may be out of date.</param>
public sealed record OpenFile(ulong Handle, NodeAttributes Attributes, bool Revalidated);
