namespace MountStore.WinFsp.Adapter;

/// <summary>
/// Every file context open now, so a rename or a delete can move the contexts that name the
/// paths it changed: WinFsp keeps calling an open with the context it was given, and Core only
/// knows paths.
/// </summary>
internal sealed class OpenContexts
{
    private readonly HashSet<FileContext> _open = [];
    private readonly Lock _lock = new();

    public void Add(FileContext context)
    {
        lock (_lock) _open.Add(context);
    }

    public void Remove(FileContext context)
    {
        lock (_lock) _open.Remove(context);
    }

    /// <summary>Points the contexts on <paramref name="from"/>, or below it, at <paramref name="to"/>.</summary>
    public void Move(string from, string to)
    {
        lock (_lock)
        {
            foreach (var context in _open)
            {
                if (context.Path == from)
                    context.Path = to;
                else if (from.Length > 0 && context.Path.StartsWith(from + "/", StringComparison.Ordinal))
                    context.Path = to + context.Path[from.Length..];
            }
        }
    }

    /// <summary>Points the file contexts on exactly <paramref name="from"/> at <paramref name="to"/> (a file kept alive for its handles).</summary>
    public void MoveFile(string from, string to, FileContext? except = null)
    {
        lock (_lock)
        {
            foreach (var context in _open)
            {
                if (context != except && !context.IsDirectory && context.Path == from)
                    context.Path = to;
            }
        }
    }
}
