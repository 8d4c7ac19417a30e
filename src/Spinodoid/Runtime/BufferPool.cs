using System.Collections.Concurrent;

namespace Spinodoid.Runtime;

/// <summary>
/// Reuses large arrays of an exact length. Fresh multi-megabyte arrays cost page faults on every use
/// (tens of milliseconds on virtual machines); generating thousands of same-sized structures reuses a few.
/// </summary>
public static class BufferPool<T>
{
    private static readonly ConcurrentDictionary<long, ConcurrentBag<T[]>> Free = new();

    /// <summary>An array of exactly <paramref name="length"/> elements with undefined contents.</summary>
    public static T[] Rent(long length) =>
        Free.TryGetValue(length, out var bag) && bag.TryTake(out var array) ? array : new T[length];

    /// <summary>Gives an array back for reuse. At most a few arrays per length are kept.</summary>
    public static void Return(T[] array)
    {
        var bag = Free.GetOrAdd(array.LongLength, _ => new ConcurrentBag<T[]>());
        if (bag.Count < Environment.ProcessorCount + 1) bag.Add(array);
    }
}
