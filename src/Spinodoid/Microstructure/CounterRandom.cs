namespace Spinodoid.Microstructure;

/// <summary>
/// Counter-based random numbers: a value is a pure function of (seed, key), so it does not depend on
/// the order of draws, on threading, or on the grid size. Built on the SplitMix64 finaliser.
/// </summary>
public static class CounterRandom
{
    /// <summary>The SplitMix64 bit mixer (a bijection on 64-bit words).</summary>
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

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

/// <summary>
/// A small, fast, seedable generator (xoshiro256**, seeded through SplitMix64). Unlike
/// <see cref="System.Random"/>, its stream is fixed forever, so seeds stay reproducible across .NET versions.
/// </summary>
public sealed class SeededRandom
{
    private ulong _s0, _s1, _s2, _s3;

    /// <summary>A generator whose whole stream is determined by <paramref name="seed"/>.</summary>
    public SeededRandom(ulong seed)
    {
        ulong x = seed;
        _s0 = Next(ref x); _s1 = Next(ref x); _s2 = Next(ref x); _s3 = Next(ref x);
        static ulong Next(ref ulong state) { state += 0x9E3779B97F4A7C15UL; return CounterRandom.Mix(state); }
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong result = RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0; _s3 ^= _s1; _s1 ^= _s2; _s0 ^= _s3; _s2 ^= t; _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [lo, hi).</summary>
    public double Uniform(double lo, double hi) => lo + (hi - lo) * NextDouble();

    /// <summary>Uniform integer in [0, n).</summary>
    public int NextInt(int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n));
        return (int)((NextUInt64() >> 32) * (ulong)n >> 32);
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));
}
