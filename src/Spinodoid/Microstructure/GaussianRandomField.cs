using System.Runtime.InteropServices;
using TorchSharp;
using Spinodoid.Runtime;

namespace Spinodoid.Microstructure;

/// <summary>
/// Periodic Gaussian random fields with the spectral density of eq. (3), made by FFT (eq. 12).
/// </summary>
/// <remarks>
/// Instead of transforming real-space white noise, the complex Fourier coefficient of every integer wave
/// vector k (cycles per domain length) is drawn directly: c_k = √γ(k) (g₁ + i g₂)/√2 with (g₁, g₂) standard
/// normal values that are a pure function of (seed, k) (<see cref="CounterRandom"/>). Complex white noise
/// in Fourier space is exactly the transform of real white noise, so the statistics are those of eq. (12);
/// what this buys is <em>resolution independence</em>: the same (θ, seed) on a grid of 2N is the same
/// field as on N, sampled twice as finely (modes beyond the coarse grid's Nyquist frequency aside, which
/// carry a negligible part of the variance for the paper's length scales). Hermitian symmetry
/// c₋ₖ = conj(cₖ) makes the field real; Nyquist planes and the mean (k = 0) are set to zero.
/// The returned field has zero mean and unit sample variance.
/// </remarks>
public static class GaussianRandomField
{
    /// <summary>Generates Ψ on a cubic grid of side <paramref name="n"/> (even, ≥ 4).</summary>
    public static float[] Generate(LengthScales a, ulong seed, int n)
    {
        var field = new float[(long)n * n * n];
        GenerateInto(a, seed, n, field);
        return field;
    }

    /// <summary>Writes Ψ into the first N³ entries of <paramref name="destination"/> (x fastest).</summary>
    public static void GenerateInto(LengthScales a, ulong seed, int n, float[] destination)
    {
        long count = (long)n * n * n;
        if (destination.LongLength < count)
            throw new ArgumentException($"destination holds {destination.LongLength} values, the field needs {count}");
        GenerateShifted(a, seed, n, [Shift.None], (_, field) => field.CopyTo(destination));
    }

    /// <summary>Where a field is sampled relative to the voxel centres: half a voxel along some axes.</summary>
    [Flags]
    public enum Shift
    {
        /// <summary>At the voxel centres (i, j, k).</summary>
        None = 0,
        /// <summary>Half a voxel along +x.</summary>
        X = 1,
        /// <summary>Half a voxel along +y.</summary>
        Y = 2,
        /// <summary>Half a voxel along +z.</summary>
        Z = 4,
        /// <summary>The voxel corners (i + ½, j + ½, k + ½).</summary>
        Corner = X | Y | Z,
    }

    /// <summary>
    /// Hands the same field Ψ, sampled on grids shifted by half a voxel (voxel centres, face centres, corners),
    /// to <paramref name="consume"/>, one grid at a time in the order given (N³ values, x fastest; the span is
    /// valid only during the call). The field is a trigonometric polynomial, so a shifted sample is the exact
    /// value of the same continuous field: each Fourier coefficient is multiplied by e^{iπ k·s/N}.
    /// </summary>
    public static void GenerateShifted(LengthScales a, ulong seed, int n, IReadOnlyList<Shift> shifts, SampleConsumer consume)
    {
        if (n < 4 || n % 2 != 0)
            throw new ArgumentOutOfRangeException(nameof(n), $"grid size N = {n} must be an even number ≥ 4");
        long count = (long)n * n * n;
        TorchRuntime.EnsureInitialised();

        int half = n / 2 + 1;
        // Interleaved (re, im) pairs of the half spectrum, layout [kz][ky][kx] with kx = 0 … N/2.
        long spectrumLength = (long)n * n * half * 2;
        var spectrum = BufferPool<float>.Rent(spectrumLength);
        try
        {
            Array.Clear(spectrum);
            double variance = FillSpectrum(spectrum, a, seed, n, half);
            if (variance <= 0)
                throw new ArgumentException($"length scales {a} leave no wave vector inside the grid (N = {n}); use smaller a or larger N");
            // The transform's input is written in place (torch.tensor of an array would clone and copy it: 8.5 MB twice
            // per grid at N = 128, a fifth of the continuous geometry's time).
            using var interleaved = torch.empty(new long[] { n, n, half, 2 }, torch.float32);
            foreach (var shift in shifts)
            {
                if (shift == Shift.None) spectrum.AsSpan(0, (int)spectrumLength).CopyTo(MemoryMarshal.Cast<byte, float>(interleaved.bytes));
                else PhaseShift(spectrum, interleaved, n, half, shift);
                using var scope = torch.NewDisposeScope();
                var complex = torch.view_as_complex(interleaved);
                // "Forward" normalisation puts no 1/N³ on the inverse: Ψ(x) = Σ_k c_k e^{2πi k·x/N}, independent of N.
                var field = torch.fft.irfftn(complex, s: new long[] { n, n, n }, dim: new long[] { 0, 1, 2 },
                    norm: FFTNormType.Forward);
                // Owned, not implicitly converted: TorchSharp does not keep an implicit Scalar alive during the native call,
                // so the GC could finalise (free) it while libtorch reads it ("Unknown scalar type" under load).
                using var scale = (1.0 / Math.Sqrt(variance)).ToScalar();
                field = field.mul_(scale).contiguous();
                consume(shift, MemoryMarshal.Cast<byte, float>(field.bytes)[..(int)count]);
            }
        }
        finally
        {
            BufferPool<float>.Return(spectrum);
        }
    }

    /// <summary>Receives one sampled grid of <see cref="GenerateShifted"/>.</summary>
    public delegate void SampleConsumer(Shift shift, ReadOnlySpan<float> field);

    /// <summary>target = source · e^{iπ (s_x k_x + s_y k_y + s_z k_z)/N}: the field moved by −s/2 voxel, i.e. sampled at +s/2.</summary>
    private static void PhaseShift(float[] source, torch.Tensor target, int n, int half, Shift shift)
    {
        double sx = shift.HasFlag(Shift.X) ? 1 : 0, sy = shift.HasFlag(Shift.Y) ? 1 : 0, sz = shift.HasFlag(Shift.Z) ? 1 : 0;
        int nyquist = n / 2;
        // The phase of a mode factorises: e^{iπ s_x k_x/N} e^{iπ s_y k_y/N} e^{iπ s_z k_z/N}.
        var px = new (double Re, double Im)[half];
        for (int kx = 0; kx < half; kx++) px[kx] = (Math.Cos(Math.PI * sx * kx / n), Math.Sin(Math.PI * sx * kx / n));
        Parallel.For(0, n, iz =>
        {
            int kz = iz < nyquist ? iz : iz - n;
            for (int iy = 0; iy < n; iy++)
            {
                int ky = iy < nyquist ? iy : iy - n;
                double angle = Math.PI * (sy * ky + sz * kz) / n;
                double cr = Math.Cos(angle), ci = Math.Sin(angle);
                int row = (iz * n + iy) * half * 2;
                var to = MemoryMarshal.Cast<byte, float>(target.bytes).Slice(row, 2 * half);
                for (int kx = 0; kx < half; kx++)
                {
                    double re = cr * px[kx].Re - ci * px[kx].Im, im = cr * px[kx].Im + ci * px[kx].Re;
                    int at = row + 2 * kx;
                    double a = source[at], b = source[at + 1];
                    to[2 * kx] = (float)(a * re - b * im);
                    to[2 * kx + 1] = (float)(a * im + b * re);
                }
            }
        });
    }

    /// <summary>Fills the half spectrum and returns Σ|c_k|² over the full spectrum (the field's sample variance).</summary>
    private static double FillSpectrum(float[] spectrum, LengthScales a, ulong seed, int n, int half)
    {
        double cut2 = SpectralDensity.Cutoff * SpectralDensity.Cutoff;
        int nyquist = n / 2;
        var partial = new double[n];
        Parallel.For(0, n, iz =>
        {
            if (iz == nyquist) return;
            int kz = iz < nyquist ? iz : iz - n;
            double sz = Sq(a.Z * kz);
            if (sz > cut2) return;
            double sum = 0;
            for (int iy = 0; iy < n; iy++)
            {
                if (iy == nyquist) continue;
                int ky = iy < nyquist ? iy : iy - n;
                double syz = sz + Sq(a.Y * ky);
                if (syz > cut2) continue;
                int kxMax = (int)Math.Min(nyquist - 1, Math.Floor(Math.Sqrt(cut2 - syz) / a.X));
                long row = ((long)iz * n + iy) * half;
                for (int kx = 0; kx <= kxMax; kx++)
                {
                    if (kx == 0 && ky == 0 && kz == 0) continue;
                    double amplitude = SpectralDensity.AmplitudeOfSquaredNorm(syz + Sq(a.X * kx));
                    // On the kx = 0 plane a mode and its mirror image are both stored: draw the canonical one
                    // (ky > 0, or ky = 0 and kz > 0) and conjugate for the other.
                    bool mirrored = kx == 0 && (ky < 0 || (ky == 0 && kz < 0));
                    var (g1, g2) = mirrored
                        ? CounterRandom.StandardNormalPair(CounterRandom.Key(seed, 0, -ky, -kz))
                        : CounterRandom.StandardNormalPair(CounterRandom.Key(seed, kx, ky, kz));
                    if (mirrored) g2 = -g2;
                    double re = amplitude * g1 * Math.Sqrt(0.5), im = amplitude * g2 * Math.Sqrt(0.5);
                    long at = (row + kx) * 2;
                    spectrum[at] = (float)re;
                    spectrum[at + 1] = (float)im;
                    // Modes with kx > 0 stand for themselves and their conjugates at −k.
                    double power = re * re + im * im;
                    sum += kx == 0 ? power : 2 * power;
                }
            }
            partial[iz] = sum;
        });
        return partial.Sum();
    }

    private static double Sq(double v) => v * v;
}
