using MountStore.Core.Model;
namespace MountStore.Core.FileSystem;

/// <summary>An open file: the handle number the kernel passes back, and the attributes it was opened with.</summary>
/// <param name="Handle">The number the kernel passes back with each read.</param>
/// <param name="Attributes">The attributes the file was opened with.</param>
/// <param name="Revalidated">True when the file's own metadata is known now (asked for by this open or the lookup before it), so attributes the kernel took from a listing may be out of date.</param>
public sealed record OpenFile(ulong Handle, NodeAttributes Attributes, bool Revalidated);
