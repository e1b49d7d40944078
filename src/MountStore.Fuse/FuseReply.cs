using MountStore.Fuse.Native;

namespace MountStore.Fuse;

/// <summary>
/// Sends replies from safe (and async) code: takes the reply's values, pins them for the call.
/// libfuse copies everything before returning, so nothing stays pinned. Returns libfuse's result:
/// non-zero when the request was interrupted and the kernel no longer waits for it.
/// </summary>
internal static unsafe class FuseReply
{
    public static int Error(nint request, int errno) => LibFuse.ReplyError(request, errno);

    public static int Entry(nint request, in FuseEntryParam entry)
    {
        fixed (FuseEntryParam* pointer = &entry)
            return LibFuse.ReplyEntry(request, pointer);
    }

    public static int Attributes(nint request, in Stat attributes, double timeout)
    {
        fixed (Stat* pointer = &attributes)
            return LibFuse.ReplyAttributes(request, pointer, timeout);
    }

    public static int Open(nint request, in FuseFileInfo info)
    {
        fixed (FuseFileInfo* pointer = &info)
            return LibFuse.ReplyOpen(request, pointer);
    }

    public static int Create(nint request, in FuseEntryParam entry, in FuseFileInfo info)
    {
        fixed (FuseEntryParam* entryPointer = &entry)
        fixed (FuseFileInfo* infoPointer = &info)
            return LibFuse.ReplyCreate(request, entryPointer, infoPointer);
    }

    public static int ReadLink(nint request, string target)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(target + "\0");
        fixed (byte* pointer = bytes)
            return LibFuse.ReplyReadLink(request, pointer);
    }

    /// <summary>Replies with several buffers in one writev, straight from where they are.</summary>
    public static int Segments(nint request, IReadOnlyList<ReadOnlyMemory<byte>> segments)
    {
        if (segments.Count <= 1)
            return Bytes(request, segments.Count == 0 ? default : segments[0].Span);
        var handles = new System.Buffers.MemoryHandle[segments.Count];
        var vectors = stackalloc IoVector[Math.Max(1, segments.Count)];
        try
        {
            for (var i = 0; i < segments.Count; i++)
            {
                handles[i] = segments[i].Pin();
                vectors[i] = new IoVector { Base = handles[i].Pointer, Length = (nuint)segments[i].Length };
            }
            return LibFuse.ReplyVector(request, vectors, segments.Count);
        }
        finally
        {
            foreach (var handle in handles)
                handle.Dispose();
        }
    }

    public static int Bytes(nint request, ReadOnlySpan<byte> bytes)
    {
        fixed (byte* pointer = bytes)
            return LibFuse.ReplyBuffer(request, pointer, (nuint)bytes.Length);
    }
}
