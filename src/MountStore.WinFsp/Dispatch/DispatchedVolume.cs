using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using MountStore.WinFsp.Adapter;
using MountStore.WinFsp.Native;

namespace MountStore.WinFsp.Dispatch;

/// <summary>
/// The link between a WinFsp volume and its adapter: the interface table WinFsp calls (in native
/// memory, unmoved for the volume's life), the volume's UserContext that leads an entry back to
/// this object, file contexts handed to WinFsp as GCHandles, and the answers to pending requests.
/// </summary>
internal sealed unsafe class DispatchedVolume : IDisposable
{
    private GCHandle _self;

    /// <summary>A volume served by <paramref name="adapter"/> through <paramref name="api"/>; attach it to the FSP_FILE_SYSTEM once created.</summary>
    public DispatchedVolume(WinFspAdapter adapter, WinFspApi api, ILogger logger)
    {
        Adapter = adapter;
        Api = api;
        Logger = logger;
        Table = (FspFileSystemInterface*)NativeMemory.AllocZeroed((nuint)sizeof(FspFileSystemInterface));
        WinFspEntries.Fill(Table);
        _self = GCHandle.Alloc(this);
    }

    /// <summary>The operations served.</summary>
    public WinFspAdapter Adapter { get; }

    /// <summary>The WinFsp functions the entries call.</summary>
    public WinFspApi Api { get; }

    /// <summary>Where failures outside the adapter (a response that could not be sent) are reported.</summary>
    public ILogger Logger { get; }

    /// <summary>The table to pass to FspFileSystemCreate.</summary>
    public FspFileSystemInterface* Table { get; }

    /// <summary>The volume served, once attached.</summary>
    public FspFileSystem* FileSystem { get; private set; }

    /// <summary>
    /// Called on WinFsp's dispatcher thread when the dispatcher has ended: with true after
    /// FspFileSystemStopDispatcher, with false when WinFsp ended it (its driver being removed).
    /// Must not wait for the dispatcher (it runs on the thread that stop waits for).
    /// </summary>
    public Action<bool>? DispatcherStopped { get; set; }

    /// <summary>Makes <paramref name="fileSystem"/>'s callbacks lead here (its UserContext).</summary>
    public void Attach(FspFileSystem* fileSystem)
    {
        FileSystem = fileSystem;
        fileSystem->UserContext = (void*)GCHandle.ToIntPtr(_self);
    }

    /// <summary>The volume a callback is serving.</summary>
    public static DispatchedVolume Of(FspFileSystem* fileSystem) =>
        (DispatchedVolume)GCHandle.FromIntPtr((nint)fileSystem->UserContext).Target!;

    /// <summary>The value WinFsp keeps for <paramref name="context"/> until Close.</summary>
    public static nint Handle(FileContext context) => GCHandle.ToIntPtr(GCHandle.Alloc(context));

    /// <summary>The context behind a value WinFsp passes back.</summary>
    public static FileContext Context(nint handle) => (FileContext)GCHandle.FromIntPtr(handle).Target!;

    /// <summary>Ends the value given for a context (at Close: WinFsp never passes it again).</summary>
    public static void Free(nint handle) => GCHandle.FromIntPtr(handle).Free();

    /// <summary>
    /// Answers a request that returned STATUS_PENDING once <paramref name="work"/> finishes. The
    /// adapter's tasks answer every failure themselves; a fault here still gets an answer (an
    /// unanswered request hangs the program that made it).
    /// </summary>
    public void CompleteLater<T>(Task<T> work, Func<T, FspTransactResponse> answer, FspTransactResponse onFault)
    {
        work.ContinueWith(finished =>
        {
            FspTransactResponse response;
            try
            {
                response = answer(finished.Result);
            }
            catch (Exception e)
            {
                Logger.LogError(e, "A pending request failed unexpectedly");
                response = onFault;
            }
            try
            {
                Api.SendResponse(FileSystem, response);
            }
            catch (Exception e)
            {
                Logger.LogError(e, "A response could not be sent to WinFsp");
            }
        }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    /// <summary>Frees the table and the link; only after the dispatcher has stopped.</summary>
    public void Dispose()
    {
        if (!_self.IsAllocated)
            return;
        _self.Free();
        NativeMemory.Free(Table);
    }
}
