namespace MountStore.Core.Model;

/// <summary>
/// What a caller means to do with a file it opens, in no platform's terms: each door decodes its
/// own flags (open(2)'s O_* on Linux, CreateFile's access and disposition on Windows).
/// </summary>
/// <param name="Read">The handle may read.</param>
/// <param name="Write">The handle may write.</param>
/// <param name="Truncate">The file is emptied at open.</param>
/// <param name="Append">Every write goes to the end of the file.</param>
/// <param name="CreateNew">The file must not exist yet.</param>
public readonly record struct OpenIntent(bool Read, bool Write, bool Truncate, bool Append = false, bool CreateNew = false)
{
    /// <summary>Read only.</summary>
    public static readonly OpenIntent ReadOnly = new(true, false, false);

    /// <summary>Write only, as a new file is filled.</summary>
    public static readonly OpenIntent WriteOnly = new(false, true, false);
}
