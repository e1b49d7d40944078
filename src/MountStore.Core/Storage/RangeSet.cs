namespace MountStore.Core.Storage;

/// <summary>A set of byte ranges [start, end), kept merged and sorted: which parts of a staging file hold real bytes.</summary>
public sealed class RangeSet
{
    private readonly List<(long Start, long End)> _ranges = [];

    /// <summary>The ranges, sorted, none touching another.</summary>
    public IReadOnlyList<(long Start, long End)> Ranges => _ranges;

    /// <summary>Adds [start, end), merging with neighbours it touches.</summary>
    public void Add(long start, long end)
    {
        if (end <= start) return;
        var index = 0;
        while (index < _ranges.Count && _ranges[index].End < start)
            index++;
        while (index < _ranges.Count && _ranges[index].Start <= end)
        {
            start = Math.Min(start, _ranges[index].Start);
            end = Math.Max(end, _ranges[index].End);
            _ranges.RemoveAt(index);
        }
        _ranges.Insert(index, (start, end));
    }

    /// <summary>The parts of [start, end) not in the set, in order.</summary>
    public IEnumerable<(long Start, long End)> Missing(long start, long end)
    {
        var at = start;
        foreach (var (rangeStart, rangeEnd) in _ranges.ToArray())
        {
            if (rangeEnd <= at) continue;
            if (rangeStart >= end) break;
            if (rangeStart > at) yield return (at, rangeStart);
            at = Math.Max(at, rangeEnd);
        }
        if (at < end) yield return (at, end);
    }

    /// <summary>Removes everything at or past <paramref name="length"/>.</summary>
    public void Clip(long length)
    {
        for (var index = _ranges.Count - 1; index >= 0; index--)
        {
            var (start, end) = _ranges[index];
            if (start >= length) _ranges.RemoveAt(index);
            else if (end > length) _ranges[index] = (start, length);
        }
    }
}
