using System.Diagnostics;
using Spinodoid.Runtime;

namespace Spinodoid.Microstructure;

/// <summary>
/// Spinodoid structures: a Gaussian random field with the spectral density of eq. (3), thresholded at its
/// ε-quantile (eq. 2). A structure is fixed by (θ, seed, N).
/// </summary>
public static class SpinodoidGenerator
{
    /// <summary>The smallest grid side accepted.</summary>
    public const int MinimumSize = 8;

    /// <summary>
    /// The largest grid side accepted: the field of N³ floats leaves libtorch as one span of bytes, which holds at most
    /// 2³¹ − 1 (N ≤ 812). The paper's largest grid is 576.
    /// </summary>
    public const int MaximumSize = 800;

    /// <summary>Approximate peak memory of generating an N³ structure (with its continuous geometry when asked).</summary>
    public static long EstimatePeakBytes(int n, bool continuous = false)
    {
        long voxels = (long)n * n * n;
        // Field and spectrum (floats), libtorch's complex input and real output, the pore bytes; the continuous
        // structure adds the shifted spectrum, the level set and the three aperture arrays.
        return voxels * (4 + 4 + 8 + 4 + 1) + (continuous ? voxels * (4 + 4 + 12) : 0);
    }


    /// <summary>Generates the structure for (θ, seed) on an N³ grid.</summary>
    public static VoxelStructure Generate(SpinodoidParameters theta, ulong seed, int n)
    {
        theta.Validated();
        ValidateSize(n);
        MemoryBudget.Require(EstimatePeakBytes(n), $"generating an N = {n} structure");
        var field = BufferPool<float>.Rent((long)n * n * n);
        byte[] pore;
        try
        {
            GaussianRandomField.GenerateInto(theta.LengthScales, seed, n, field);
            pore = PorosityThreshold.Apply(field, theta.Porosity);
        }
        finally
        {
            BufferPool<float>.Return(field);
        }
        return new VoxelStructure(GridShape.Cube(n), pore, new StructureProvenance(theta, seed, ProgramInfo.Version));
    }

    /// <summary>
    /// The structure for (θ, seed) on an N³ grid as the given discretisation needs it: voxels only, or with
    /// the continuous geometry (<see cref="GenerateContinuous"/>).
    /// </summary>
    public static VoxelStructure Generate(SpinodoidParameters theta, ulong seed, int n, Transport.Discretization discretization) =>
        discretization == Transport.Discretization.Subvoxel ? GenerateContinuous(theta, seed, n) : Generate(theta, seed, n);

    /// <summary>
    /// Generates the structure for (θ, seed) on an N³ grid together with its continuous geometry: the level
    /// set Ψ − T at the voxel centres and the exact pore fraction of every voxel face (the field sampled at
    /// the face centres and corners, <see cref="GaussianRandomField.GenerateShifted"/>), for the sub-voxel
    /// solver. The voxels are exactly those of <see cref="Generate(SpinodoidParameters, ulong, int)"/>.
    /// </summary>
    public static VoxelStructure GenerateContinuous(SpinodoidParameters theta, ulong seed, int n)
    {
        theta.Validated();
        ValidateSize(n);
        MemoryBudget.Require(EstimatePeakBytes(n, continuous: true), $"generating the continuous N = {n} structure");
        var shape = GridShape.Cube(n);
        long count = shape.Count;
        float[]? levelSet = null;
        byte[]? pore = null;
        float threshold = 0;
        FaceApertures.Builder? builder = null;
        var scratch = BufferPool<float>.Rent(count);
        try
        {
            GaussianRandomField.GenerateShifted(theta.LengthScales, seed, n,
                [GaussianRandomField.Shift.None, GaussianRandomField.Shift.Corner,
                 GaussianRandomField.Shift.X, GaussianRandomField.Shift.Y, GaussianRandomField.Shift.Z],
                (shift, field) =>
                {
                    switch (shift)
                    {
                        case GaussianRandomField.Shift.None:
                            levelSet = new float[count];
                            field.CopyTo(levelSet);
                            (pore, threshold) = PorosityThreshold.ApplyWithLevel(levelSet, theta.Porosity);
                            builder = new FaceApertures.Builder(shape, threshold, periodic: true);
                            break;
                        case GaussianRandomField.Shift.Corner:
                            field.CopyTo(scratch);
                            builder!.SetPeriodicCorners(scratch);
                            break;
                        default:
                            field.CopyTo(scratch);
                            builder!.AddPeriodicFaces(shift switch
                            {
                                GaussianRandomField.Shift.X => Axis.X,
                                GaussianRandomField.Shift.Y => Axis.Y,
                                _ => Axis.Z,
                            }, scratch);
                            break;
                    }
                });
        }
        finally
        {
            BufferPool<float>.Return(scratch);
        }
        var phi = levelSet!;
        float t = threshold;
        Parallel.For(0, n, z =>
        {
            var plane = phi.AsSpan((int)((long)z * n * n), n * n);
            for (int i = 0; i < plane.Length; i++) plane[i] -= t;
        });
        // Ψ − T < 0 is the quantile mask itself (ties at the threshold aside, which keep the quantile's choice).
        return new VoxelStructure(shape, pore!, new StructureProvenance(theta, seed, ProgramInfo.Version))
            .WithContinuousGeometry(phi, builder!.Build());
    }

    /// <summary>
    /// The continuous structure behind a binary structure this program generated: regenerated from the
    /// provenance's θ and seed, and returned only if its voxels are exactly the given ones (null otherwise,
    /// e.g. for an edited file or a non-cubic grid).
    /// </summary>
    public static VoxelStructure? RecoverContinuous(VoxelStructure structure)
    {
        if (structure.Provenance is not { } p) return null;
        var shape = structure.Shape;
        if (shape.Nx != shape.Ny || shape.Ny != shape.Nz || shape.Nx % 2 != 0 || shape.Nx < MinimumSize || shape.Nx > MaximumSize) return null;
        VoxelStructure continuous;
        try { continuous = GenerateContinuous(p.Parameters, p.Seed, shape.Nx); }
        catch (ArgumentException) { return null; }
        return continuous.Pore.AsSpan().SequenceEqual(structure.Pore) ? continuous : null;
    }

    /// <summary>Throws when N is not an even size in [<see cref="MinimumSize"/>, <see cref="MaximumSize"/>].</summary>
    public static void ValidateSize(int n)
    {
        if (n < MinimumSize || n > MaximumSize || n % 2 != 0)
            throw new ArgumentOutOfRangeException(nameof(n),
                $"grid size N = {n} must be an even number in [{MinimumSize}, {MaximumSize}]");
    }

    /// <summary>
    /// Draws θ from <paramref name="prior"/> and a fresh seed until the structure has both phases connected
    /// inlet→outlet along x, y and z (the paper's acceptance rule).
    /// </summary>
    /// <param name="prior">The parameter prior.</param>
    /// <param name="random">Source of θ and of the structure seeds.</param>
    /// <param name="n">Grid side.</param>
    /// <param name="maxAttempts">Give up after this many rejected draws.</param>
    public static AcceptedSample SampleConnected(SpinodoidPrior prior, SeededRandom random, int n, int maxAttempts = 1000)
    {
        ValidateSize(n);
        var watch = Stopwatch.StartNew();
        for (int attempt = 1; attempt <= maxAttempts; attempt++)
        {
            var theta = prior.Sample(random);
            ulong seed = random.NextUInt64();
            var structure = Generate(theta, seed, n);
            var report = Connectivity.Analyze(structure);
            if (report.AllConnected) return new AcceptedSample(theta, seed, structure, attempt, watch.Elapsed);
        }
        throw new InvalidOperationException($"no connected structure in {maxAttempts} draws from the prior at N = {n}");
    }
}

/// <summary>A prior draw that passed the connectivity checks.</summary>
/// <param name="Parameters">θ.</param>
/// <param name="Seed">The structure seed.</param>
/// <param name="Structure">The generated structure.</param>
/// <param name="Attempts">Draws made, this one included (attempts − 1 were rejected).</param>
/// <param name="Elapsed">Time spent on all attempts.</param>
public sealed record AcceptedSample(SpinodoidParameters Parameters, ulong Seed, VoxelStructure Structure, int Attempts, TimeSpan Elapsed);
