using System.Text;

namespace MountStore.Core.Model;

/// <summary>
/// Compares keys by their UTF-8 bytes, the order Swift and S3 list in. String.CompareOrdinal
/// compares UTF-16 code units and puts characters above U+FFFF before U+E000..U+FFFF: wrong here.
/// </summary>
public sealed class Utf8Order : IComparer<string>
{
    /// <summary>The one instance.</summary>
    public static readonly Utf8Order Instance = new();

    /// <inheritdoc />
    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y)) return 0;
        if (x is null) return -1;
        if (y is null) return 1;
        var i = 0;
        var j = 0;
        while (i < x.Length && j < y.Length)
        {
            var a = Rune.GetRuneAt(x, i);
            var b = Rune.GetRuneAt(y, j);
            // UTF-8 byte order equals code point order, so compare scalar values
            if (a.Value != b.Value) return a.Value < b.Value ? -1 : 1;
            i += a.Utf16SequenceLength;
            j += b.Utf16SequenceLength;
        }
        return (x.Length - i).CompareTo(y.Length - j);
    }
}
