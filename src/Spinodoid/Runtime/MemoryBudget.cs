using System.Globalization;

namespace Spinodoid.Runtime;

/// <summary>
/// Checks a large computation's memory estimate against what the machine has free before anything is allocated, so
/// that a too-large grid ends with a clear message instead of the kernel killing the process mid-run.
/// </summary>
public static class MemoryBudget
{
    /// <summary>
    /// Bytes this process can still use: the operating system's available memory (Linux: MemAvailable) plus what the
    /// process's managed heap already holds and can reuse, within the GC's limit (a container's, for instance).
    /// </summary>
    public static long Available()
    {
        long limit = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        long free = limit;
        try
        {
            if (File.Exists("/proc/meminfo"))
                foreach (var line in File.ReadLines("/proc/meminfo"))
                    if (line.StartsWith("MemAvailable:", StringComparison.Ordinal))
                    {
                        free = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
                        break;
                    }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException) { }
        return Math.Min(limit, free + GC.GetTotalMemory(false));
    }

    /// <summary>Jobs smaller than this are not checked: they fit anywhere this runs, and checking reads /proc.</summary>
    public const long CheckedFrom = 256L << 20;

    /// <summary>
    /// Throws <see cref="InsufficientMemoryException"/> when <paramref name="bytes"/> (from <see cref="CheckedFrom"/>
    /// up) exceed <see cref="Available"/>.
    /// </summary>
    public static void Require(long bytes, string what)
    {
        if (bytes < CheckedFrom) return;
        long available = Available();
        if (bytes > available)
            throw new InsufficientMemoryException(string.Create(CultureInfo.InvariantCulture,
                $"{what} needs about {bytes / (double)(1L << 30):0.0} GiB of memory; {available / (double)(1L << 30):0.0} GiB is available here: use a smaller N"));
    }
}
