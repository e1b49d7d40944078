using MountStore.Core.Model;
using MountStore.WinFsp.Native;
using static MountStore.WinFsp.Adapter.WindowsRequestFlags;

namespace MountStore.WinFsp.Adapter;

/// <summary>Read, Write, Flush, SetFileSize and SetBasicInfo: a file's bytes and attributes.</summary>
internal sealed partial class WinFspAdapter
{
    /// <summary>
    /// Read into <paramref name="buffer"/> from <paramref name="offset"/>: the bytes read, or
    /// STATUS_END_OF_FILE when nothing is left there (WinFsp's answer for a read at or past the end).
    /// </summary>
    public async Task<WinFspAnswer<int>> ReadAsync(FileContext context, Memory<byte> buffer, ulong offset)
    {
        try
        {
            var total = 0;
            // Core may answer part of a range (one read-ahead buffer); Windows expects the whole
            // length short only at the end of the file.
            while (total < buffer.Length)
            {
                var read = await FileSystem.ReadAsync(context.Handle, (long)offset + total, buffer[total..], CancellationToken.None).ConfigureAwait(false);
                if (read == 0)
                    break;
                total += read;
            }
            return total == 0 && buffer.Length > 0
                ? WinFspAnswer.Failure<int>(NtStatus.EndOfFile)
                : WinFspAnswer.Success(total);
        }
        catch (Exception e)
        {
            return WinFspAnswer.Failure<int>(Fail(e, "Read", context.Path));
        }
    }

    /// <summary>
    /// Write <paramref name="data"/> at <paramref name="offset"/>, or at the end of the file with
    /// <paramref name="writeToEndOfFile"/>. With <paramref name="constrainedIo"/> (paging I/O from
    /// the cache manager) the file never grows: what lies past its end is not written. Answers the
    /// bytes written and the file's information after the write.
    /// </summary>
    public async Task<WinFspAnswer<(int Written, FspFileInfo Info)>> WriteAsync(FileContext context, ReadOnlyMemory<byte> data, ulong offset, bool writeToEndOfFile, bool constrainedIo)
    {
        try
        {
            var handle = await WritableHandleAsync(context).ConfigureAwait(false);
            var size = (await FileSystem.GetAttributesAsync(context.Path, CancellationToken.None).ConfigureAwait(false)).Size;
            var at = writeToEndOfFile ? size : (long)offset;
            if (constrainedIo)
            {
                if (at >= size)
                    return WinFspAnswer.Success((0, await InfoOfAsync(context).ConfigureAwait(false)));
                data = data[..(int)Math.Min(data.Length, size - at)];
            }
            await FileSystem.WriteAsync(handle, at, data, CancellationToken.None).ConfigureAwait(false);
            context.Written = true;
            return WinFspAnswer.Success((data.Length, await InfoOfAsync(context).ConfigureAwait(false)));
        }
        catch (Exception e)
        {
            return WinFspAnswer.Failure<(int, FspFileInfo)>(Fail(e, "Write", context.Path));
        }
    }

    /// <summary>
    /// Flush (FlushFileBuffers): the file is in the store when this answers, as fsync on the FUSE
    /// side. A null context is the volume: nothing to do, every file commits on its own.
    /// </summary>
    public async Task<WinFspAnswer<FspFileInfo>> FlushAsync(FileContext? context)
    {
        if (context is null)
            return WinFspAnswer.Success(default(FspFileInfo));
        try
        {
            // Any open that may write shares the file's writer: FlushFileBuffers on it commits what
            // every open wrote, as fsync does.
            if (!context.IsDirectory && (context.OpenedForWrite || context.WriteHandle is not null))
                await FileSystem.SyncAsync(context.Handle, CancellationToken.None).ConfigureAwait(false);
            return WinFspAnswer.Success(await InfoOfAsync(context).ConfigureAwait(false));
        }
        catch (Exception e)
        {
            return WinFspAnswer.Failure<FspFileInfo>(Fail(e, "Flush", context.Path));
        }
    }

    /// <summary>
    /// SetFileSize: the file's length becomes <paramref name="newSize"/>. With
    /// <paramref name="setAllocationSize"/> it is the space reserved instead, which an object
    /// store has none of: only an allocation below the file's length changes it (cut to it, as
    /// Windows requires).
    /// </summary>
    public async Task<WinFspAnswer<FspFileInfo>> SetFileSizeAsync(FileContext context, ulong newSize, bool setAllocationSize)
    {
        try
        {
            if (setAllocationSize)
            {
                var current = await FileSystem.GetAttributesAsync(context.Path, CancellationToken.None).ConfigureAwait(false);
                if ((ulong)current.Size <= newSize)
                    return WinFspAnswer.Success(WindowsFileInfo.From(current));
            }
            var handle = await WritableHandleAsync(context).ConfigureAwait(false);
            var attributes = await FileSystem.SetAttributesAsync(context.Path, handle, new AttributeChanges(Size: (long)newSize), CancellationToken.None).ConfigureAwait(false);
            context.Written = true;
            return WinFspAnswer.Success(WindowsFileInfo.From(attributes));
        }
        catch (Exception e)
        {
            return WinFspAnswer.Failure<FspFileInfo>(Fail(e, "SetFileSize", context.Path));
        }
    }

    /// <summary>
    /// SetBasicInfo: READONLY in <paramref name="fileAttributes"/> (unless INVALID_FILE_ATTRIBUTES)
    /// clears the write bits, its absence gives the owner write; a last write or last access time
    /// other than 0 is kept. Creation and change times are not: a store keeps neither.
    /// </summary>
    public async Task<WinFspAnswer<FspFileInfo>> SetBasicInfoAsync(FileContext context, uint fileAttributes, ulong creationTime, ulong lastAccessTime, ulong lastWriteTime, ulong changeTime)
    {
        try
        {
            var current = await FileSystem.GetAttributesAsync(context.Path, CancellationToken.None).ConfigureAwait(false);
            uint? permissions = null;
            // Folders show no READONLY (Explorer reads it as "customized"), so none is taken from them either.
            if (fileAttributes != InvalidFileAttributes && !current.IsDirectory)
            {
                var wanted = PermissionsFor(current.Mode, (fileAttributes & WindowsFileInfo.ReadOnlyAttribute) != 0);
                if (wanted != (current.Mode & PermissionBits))
                    permissions = wanted;
            }
            var changes = new AttributeChanges(
                Permissions: permissions,
                ModifiedTime: lastWriteTime != 0 ? FromFileTime(lastWriteTime) : null,
                AccessTime: lastAccessTime != 0 ? FromFileTime(lastAccessTime) : null);
            if (!changes.ChangesMetadata)
                return WinFspAnswer.Success(WindowsFileInfo.From(current));
            var handle = context.IsDirectory ? (ulong?)null : context.Handle;
            var attributes = await FileSystem.SetAttributesAsync(context.Path, handle, changes, CancellationToken.None).ConfigureAwait(false);
            return WinFspAnswer.Success(WindowsFileInfo.From(attributes));
        }
        catch (Exception e)
        {
            return WinFspAnswer.Failure<FspFileInfo>(Fail(e, "SetBasicInfo", context.Path));
        }
    }

    private static DateTimeOffset FromFileTime(ulong fileTime) => DateTimeOffset.FromFileTime((long)fileTime);
}
