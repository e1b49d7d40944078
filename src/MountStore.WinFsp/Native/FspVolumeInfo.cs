using System.Runtime.InteropServices;

namespace MountStore.WinFsp.Native;

/// <summary>FSP_FSCTL_VOLUME_INFO (fsctl.h, 88 bytes): the answer to GetVolumeInfo.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct FspVolumeInfo
{
    public const int VolumeLabelCapacity = 32;

    public ulong TotalSize;
    public ulong FreeSize;

    /// <summary>In bytes, not characters.</summary>
    public ushort VolumeLabelLength;

    public fixed char VolumeLabel[VolumeLabelCapacity];

    /// <summary>Sets the label, cut to the 32 UTF-16 units the structure holds (Windows shows labels that short anyway).</summary>
    public void SetVolumeLabel(ReadOnlySpan<char> label)
    {
        var kept = label[..Math.Min(label.Length, VolumeLabelCapacity)];
        kept.CopyTo(MemoryMarshal.CreateSpan(ref VolumeLabel[0], VolumeLabelCapacity));
        VolumeLabelLength = (ushort)(kept.Length * sizeof(char));
    }
}
