namespace MountStore.Cli;

/// <summary>
/// Whether .NET runs what follows a socket read or write on the thread that saw the socket ready,
/// instead of handing each one to the thread pool (DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS,
/// which .NET reads from the process's own environment when the first socket is registered).
/// <para>
/// On for Swift: reading 1 GiB through a fresh mount, by hand on 2 cores shared with the server,
/// took 88,000 context switches and 1.4 s of the mount's CPU without it, 16,000 and 1.0 s with it;
/// the read took 2.36 s instead of 2.53 s, 16 parallel readers 1.96 s instead of 2.31 s; writes
/// unchanged. It is safe there because nothing after a Swift answer blocks: our client is async
/// from the HTTP call to the FUSE reply, and the one synchronous write on that path (fetched
/// bytes kept in the disk cache) is made on a pool thread. A value already in the environment is kept.
/// </para>
/// <para>
/// Off for S3, whatever the environment says: the AWS SDK reads an error's body synchronously
/// inside its async calls, and on the socket's own thread that read waits for the thread itself
/// (seen as a `cp` to RGW hanging for good on a 404's body).
/// </para>
/// </summary>
internal static class InlineSocketCompletions
{
    internal const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>Sets the variable for a mount of <paramref name="kind"/>; call before any socket does asynchronous work.</summary>
    public static void Choose(StoreKind kind, Func<string, string?> read, Action<string, string> write)
    {
        if (kind == StoreKind.S3)
            write(Variable, "0");
        else if (read(Variable) is null)
            write(Variable, "1");
    }

    /// <summary>The same, on this process's environment.</summary>
    public static void Choose(StoreKind kind) => Choose(kind, Environment.GetEnvironmentVariable, Environment.SetEnvironmentVariable);
}
