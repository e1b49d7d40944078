using MountStore.WinFsp.Native;

namespace MountStore.WinFsp.Adapter;

/// <summary>What an adapter operation answers: the NTSTATUS WinFsp gets, and the value that goes with a success.</summary>
internal readonly record struct WinFspAnswer<T>(int Status, T Value)
{
    /// <summary>True when the status is STATUS_SUCCESS.</summary>
    public bool Succeeded => Status == NtStatus.Success;
}

/// <summary>Building answers.</summary>
internal static class WinFspAnswer
{
    /// <summary>A success carrying <paramref name="value"/>.</summary>
    public static WinFspAnswer<T> Success<T>(T value) => new(NtStatus.Success, value);

    /// <summary>A failure with <paramref name="status"/> and no value.</summary>
    public static WinFspAnswer<T> Failure<T>(int status) => new(status, default!);
}
