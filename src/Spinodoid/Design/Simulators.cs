using Spinodoid.Microstructure;
using Spinodoid.Surrogate;
using Spinodoid.Transport;
using Spinodoid.Design.Abc;

namespace Spinodoid.Design;

/// <summary>
/// η from the CNN surrogate: structures generated at the model's size in parallel, the pore phase checked for
/// inlet→outlet connectivity per direction (η = 0 where it does not percolate, as in the paper), one network pass per batch.
/// </summary>
public sealed class SurrogateSimulator(SurrogateModel model, LateralBoundary sides = LateralBoundary.Periodic, int? workers = null) : ISimulator
{
    /// <summary>The model's structure size and the digest of its weights (not its path: replaced weights are another simulator).</summary>
    public string Name => $"surrogate N = {model.StructureSize}, weights sha256:{model.WeightsDigest ?? "unsaved"}" +
                          (model.SymmetryAveraging == 1 ? "" : $", averaged over {model.SymmetryAveraging} symmetries") +
                          (model.Correction is null ? "" : ", coarse-grid correction") +
                          (sides == LateralBoundary.Periodic ? "" : $", {sides.ToString().ToLowerInvariant()} sides");

    /// <summary>The model.</summary>
    public SurrogateModel Model => model;

    /// <inheritdoc />
    public IReadOnlyList<double[]> Simulate(IReadOnlyList<Proposal> proposals, CancellationToken cancellation = default)
    {
        int n = model.StructureSize;
        var inputs = new byte[proposals.Count][];
        var percolates = new PhaseConnectivity[proposals.Count];
        Parallel.For(0, proposals.Count, new ParallelOptions { MaxDegreeOfParallelism = workers ?? Environment.ProcessorCount, CancellationToken = cancellation }, i =>
        {
            var structure = SpinodoidGenerator.Generate(SpinodoidParameters.FromVector(proposals[i].Theta), proposals[i].Seed, n);
            percolates[i] = Connectivity.OfPhase(structure.Pore, structure.Shape, 1, sides);
            inputs[i] = Downsampling.SolidCounts2x(structure);
        });
        var eta = model.Predict(inputs);
        return eta.Select((e, i) => ZeroWhereBlocked(e, percolates[i])).ToArray();
    }

    /// <summary>CNN η with 0 in each direction where the pore phase does not join inlet and outlet (the paper's rule).</summary>
    public static double[] ZeroWhereBlocked((double X, double Y, double Z) eta, PhaseConnectivity pores) =>
        [pores.X ? eta.X : 0, pores.Y ? eta.Y : 0, pores.Z ? eta.Z : 0];
}

/// <summary>
/// η from the numerical solver at size <paramref name="size"/> (slow), with <see cref="DesignValidation.DefaultDiscretization"/>
/// unless <paramref name="options"/> say otherwise.
/// </summary>
public sealed class SolverSimulator(int size, DiffusivityOptions? options = null) : ISimulator
{
    private readonly DiffusivityOptions _options = DesignValidation.SolverOptions(options).Validated();

    /// <summary>N of the structures simulated.</summary>
    public int Size => size;

    /// <summary>Grid size, discretisation, boundary convention, sides and tolerance.</summary>
    public string Name
    {
        get
        {
            var o = _options;
            return string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"solver N = {size}, {o.Discretization!.Value.ToString().ToLowerInvariant()}, {o.Convention.ToString().ToLowerInvariant()} convention, {o.Sides.ToString().ToLowerInvariant()} sides, tolerance {o.Tolerance:R}");
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<double[]> Simulate(IReadOnlyList<Proposal> proposals, CancellationToken cancellation = default)
    {
        // The solver is parallel inside, so structures go one after another.
        var results = new double[proposals.Count][];
        for (int i = 0; i < proposals.Count; i++)
        {
            cancellation.ThrowIfCancellationRequested();
            var structure = SpinodoidGenerator.Generate(SpinodoidParameters.FromVector(proposals[i].Theta), proposals[i].Seed, size,
                _options.Discretization!.Value);
            results[i] = DiffusivitySolver.SolveAll(structure, _options, cancellation: cancellation).Select(r => r.Diffusivity).ToArray();
        }
        return results;
    }
}

/// <summary>
/// The emulator's mean η̄(θ) as a simulator (the seed is ignored: η̄ is the mean over seeds). Cheap and smooth, so the
/// refinement of an emulator design takes its Jacobian from it instead of from hundreds of CNN structures.
/// </summary>
public sealed class EmulatorMeanSimulator(IDiffusivityEmulator emulator, string name = "emulator mean") : ISimulator
{
    /// <inheritdoc />
    public string Name => name;

    /// <inheritdoc />
    public IReadOnlyList<double[]> Simulate(IReadOnlyList<Proposal> proposals, CancellationToken cancellation = default) =>
        emulator.Predict(proposals.Select(p => p.Theta).ToList()).Select(p => p.Mean).ToArray();
}
