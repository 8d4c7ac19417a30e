using Spinodoid.Runtime;

namespace Spinodoid.Microstructure;

/// <summary>
/// Counter-based random numbers: a value is a pure function of (seed, key), so it does not depend on
/// the order of draws, on threading, or on the grid size. Built on the SplitMix64 finaliser.
/// </summary>
public static class CounterRandom
{
    /// <summary>The SplitMix64 bit mixer (a bijection on 64-bit words).</summary>
    public static ulong Mix(ulong z) => Runtime.SeededRandom.Mix(z);

    /// <summary>A 64-bit key for an integer wave vector and a seed.</summary>
    public static ulong Key(ulong seed, int kx, int ky, int kz)
    {
        ulong h = Mix(seed + 0x9E3779B97F4A7C15UL);
        h = Mix(h ^ (ulong)(uint)kx);
        h = Mix(h ^ ((ulong)(uint)ky << 21));
        return Mix(h ^ ((ulong)(uint)kz << 42));
    }

    /// <summary>Uniform in (0, 1] from 53 bits of a mixed key.</summary>
    public static double UniformOpen(ulong bits) => ((bits >> 11) + 1) * (1.0 / (1UL << 53));

    /// <summary>Two independent standard normal values for a key (Box–Muller).</summary>
    public static (double, double) StandardNormalPair(ulong key)
    {
        double u1 = UniformOpen(Mix(key ^ 0xD1B54A32D192ED03UL));
        double u2 = UniformOpen(Mix(key ^ 0x8CB92BA72F3D8DD7UL));
        double r = Math.Sqrt(-2.0 * Math.Log(u1));
        var (sin, cos) = Math.SinCos(2.0 * Math.PI * u2);
        return (r * cos, r * sin);
    }
}
