using Spinodoid.Microstructure;
using Spinodoid.Transport;
using Xunit;

namespace Spinodoid.Tests.Transport;

/// <summary>The continuum η by second-order extrapolation of two sub-voxel solves.</summary>
public sealed class ContinuumExtrapolationTests
{
    /// <summary>
    /// A generated structure at a coarse N = 64 (features about 6–10 voxels across): its extrapolated η (from 64 and 48)
    /// is at least twice as close to the converged η as the solve at 32 alone. The converged η is the estimate from
    /// N = 128 and 96, which itself moves the N = 128 solve by under 0.5 %.
    /// </summary>
    [Theory]
    [InlineData(Axis.X)]
    [InlineData(Axis.Z)]
    public void AtACoarseGridTheEstimateIsCloserToTheConvergedValueThanOneSolve(Axis axis)
    {
        var theta = new SpinodoidParameters(0.1, 0.12, 0.15, 0.6);
        var options = new DiffusivityOptions(Tolerance: 1e-7, MaxIterations: 1000);
        DiffusivityResult At(int n) => DiffusivitySolver.Solve(SpinodoidGenerator.Generate(theta, 2, n, Discretization.Subvoxel), axis, options with { Extrapolate = true });
        var reference = At(128);
        var coarse = At(64);
        double converged = reference.Diffusivity;
        Assert.True(Math.Abs(reference.Continuum!.Diffusivity / converged - 1) < 0.005, $"N = 128 alone {reference.Continuum.Diffusivity:F5} vs {converged:F5}");
        double plainError = Math.Abs(coarse.Continuum!.Diffusivity / converged - 1), error = Math.Abs(coarse.Diffusivity / converged - 1);
        Assert.True(error < plainError / 2, $"N = 64: extrapolated {coarse.Diffusivity:F5} ({100 * error:F2} %) against one solve {coarse.Continuum.Diffusivity:F5} ({100 * plainError:F2} %), converged {converged:F5}");
    }

    [Fact]
    public void TheContinuumEstimateCombinesTheStructureSolvedAtTwoSizes()
    {
        var theta = new SpinodoidParameters(0.12, 0.15, 0.2, 0.6);
        var structure = SpinodoidGenerator.Generate(theta, 3, 32, Discretization.Subvoxel);
        var options = new DiffusivityOptions(Tolerance: 1e-8, MaxIterations: 1000);
        var plain = DiffusivitySolver.SolveAll(structure, options);
        var coarse = DiffusivitySolver.SolveAll(SpinodoidGenerator.Generate(theta, 3, ContinuumExtrapolation.CoarseSize(32), Discretization.Subvoxel), options);
        var continuum = DiffusivitySolver.SolveAll(structure, options with { Extrapolate = true });
        Assert.Equal(24, ContinuumExtrapolation.CoarseSize(32));
        for (int d = 0; d < 3; d++)
        {
            var c = continuum[d].Continuum!;
            Assert.Equal((32, 24), (c.Size, c.CoarseSize));
            Assert.Equal(plain[d].Diffusivity, c.Diffusivity);
            Assert.Equal(coarse[d].Diffusivity, c.CoarseDiffusivity);
            double expected = plain[d].Diffusivity + (plain[d].Diffusivity - coarse[d].Diffusivity) / (32.0 * 32 / (24 * 24) - 1);
            Assert.Equal(expected, continuum[d].Diffusivity, 12);
            Assert.Null(plain[d].Continuum);
        }
        // One axis alone gives the same estimate.
        Assert.Equal(continuum[1].Diffusivity, DiffusivitySolver.Solve(structure, Axis.Y, options with { Extrapolate = true }).Diffusivity);
    }

    [Theory]
    [InlineData(128, 96)]
    [InlineData(192, 144)]
    [InlineData(64, 48)]
    [InlineData(100, 76)]
    [InlineData(10, 8)]
    public void TheCoarseSizeIsTheEvenSizeNearestThreeQuarters(int size, int coarse) =>
        Assert.Equal(coarse, ContinuumExtrapolation.CoarseSize(size));

    [Fact]
    public void ABlockedDirectionStaysZeroAndAPlaneInterfaceIsUnchanged()
    {
        Assert.Equal(0, ContinuumExtrapolation.Extrapolate(0, 128, 0.01, 96));
        Assert.Equal(0.01, ContinuumExtrapolation.Extrapolate(0.01, 128, 0, 96));
        // Where both resolutions are exact (a plane interface), the estimate is that value.
        Assert.Equal(0.4, ContinuumExtrapolation.Extrapolate(0.4, 128, 0.4, 96), 15);
    }

    [Fact]
    public void OnlyGeneratedStructuresWithTheSubvoxelDiscretisationCanBeExtrapolated()
    {
        var generated = SpinodoidGenerator.Generate(new SpinodoidParameters(0.12, 0.15, 0.2, 0.6), 1, 16, Discretization.Subvoxel);
        var options = new DiffusivityOptions(Extrapolate: true);
        var voxel = Assert.Throws<ArgumentException>(() => DiffusivitySolver.SolveAll(generated, options with { Discretization = Discretization.Voxel }));
        Assert.Contains("first order", voxel.Message);
        var image = VoxelStructure.FromLevelSet(generated.Shape, generated.LevelSet!); // no provenance: an image
        var noProvenance = Assert.Throws<ArgumentException>(() => DiffusivitySolver.SolveAll(image, options));
        Assert.Contains("generated structure", noProvenance.Message);
    }
}
