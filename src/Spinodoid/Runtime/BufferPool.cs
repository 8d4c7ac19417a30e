using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Spinodoid.Runtime;

/// <summary>
/// Reuses large arrays of an exact length. Fresh multi-megabyte arrays cost a page fault per 4 KiB page on
/// first use (on virtual machines tens of microseconds each: seconds for a gigabyte), so repeated work of one
/// size reuses a few arrays, and new large arrays ask Linux for transparent huge pages (512 times fewer faults).
/// </summary>
public static class BufferPool<T> where T : unmanaged
{
    private static readonly ConcurrentDictionary<long, ConcurrentBag<T[]>> Free = new();

    /// <summary>An array of exactly <paramref name="length"/> elements with undefined contents.</summary>
    public static T[] Rent(long length)
    {
        if (Free.TryGetValue(length, out var bag) && bag.TryTake(out var array)) return array;
        long bytes = length * Unsafe.SizeOf<T>();
        if (bytes < HugePages.Threshold) return new T[length];
        // Not zeroed, so its pages are untouched until used, and can be backed by huge pages.
        var fresh = GC.AllocateUninitializedArray<T>(checked((int)length));
        HugePages.Advise(ref Unsafe.As<T, byte>(ref MemoryMarshal.GetArrayDataReference(fresh)), bytes);
        return fresh;
    }

    /// <summary>
    /// Gives an array back for reuse. Per length, a few arrays are kept (one more than the cores), or as many as fit in
    /// <see cref="KeptBytesPerLength"/> (at most 32): one sub-voxel solve holds nine arrays of its grid's length (five of
    /// the operator, four of PCG), and validation runs one solve per core.
    /// </summary>
    public static void Return(T[] array)
    {
        var bag = Free.GetOrAdd(array.LongLength, _ => new ConcurrentBag<T[]>());
        long bytes = array.LongLength * Unsafe.SizeOf<T>();
        if (bag.Count < KeptPerLength(bytes, Environment.ProcessorCount)) bag.Add(array);
    }

    /// <summary>Memory the pool may keep for one array length when that is more than one array per core (plus one).</summary>
    public const long KeptBytesPerLength = 256L << 20;

    /// <summary>Arrays of <paramref name="bytes"/> each kept per length on <paramref name="cores"/> cores.</summary>
    internal static long KeptPerLength(long bytes, int cores) => Math.Max(cores + 1, Math.Min(32, KeptBytesPerLength / Math.Max(1, bytes)));
}

/// <summary>madvise(MADV_HUGEPAGE) for large buffers on Linux (where transparent huge pages are "madvise").</summary>
internal static class HugePages
{
    public const long Threshold = 8L << 20;
    private const int MadvHugepage = 14;
    private const long PageSize = 2L << 20;
    private static bool _unavailable = !OperatingSystem.IsLinux();

    [DllImport("libc", EntryPoint = "madvise")]
    private static extern int madvise(nint address, nuint length, int advice);

    /// <summary>Advises huge pages for the 2 MiB-aligned interior of [start, start + bytes). Large-object-heap
    /// arrays do not move, so the advice stays with the array.</summary>
    public static unsafe void Advise(ref byte start, long bytes)
    {
        if (_unavailable) return;
        nint begin = (nint)Unsafe.AsPointer(ref start);
        nint alignedBegin = (nint)(((long)begin + PageSize - 1) & ~(PageSize - 1));
        nint alignedEnd = (nint)(((long)begin + bytes) & ~(PageSize - 1));
        if (alignedEnd <= alignedBegin) return;
        try
        {
            madvise(alignedBegin, (nuint)(alignedEnd - alignedBegin), MadvHugepage);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            _unavailable = true;
        }
    }
}
