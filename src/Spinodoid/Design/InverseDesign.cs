using System.Globalization;
using Spinodoid.Microstructure;
using Spinodoid.Design.Abc;

namespace Spinodoid.Design;

/// <summary>The inverse design of a spinodoid with prescribed diffusivity by ABC-PMC (paper, "Optimization and inverse design").</summary>
public static class InverseDesign
{
    /// <summary>Summary names of the simulator output.</summary>
    public static IReadOnlyList<string> SummaryNames { get; } = ["eta_x", "eta_y", "eta_z"];

    /// <summary>The run folder's store for a request and the simulator it runs with.</summary>
    public static AbcRunDirectory Store(string directory, DesignRequest request, ISimulator simulator) =>
        new(directory, SpinodoidParameters.Names, SummaryNames, request.Fingerprint(simulator.Name));

    /// <summary>
    /// Runs (or resumes) the ABC part of a design in <paramref name="directory"/>. <see cref="DesignPipeline"/> runs
    /// the whole design (validation, refinement and the report as well).
    /// </summary>
    public static AbcResult Run(DesignRequest request, ISimulator simulator, string directory,
        IProgress<AbcProgress>? progress = null, CancellationToken cancellation = default) =>
        Run(request.Validated(), simulator, Store(directory, request, simulator), progress, cancellation);

    /// <summary>The same for a validated request and its store.</summary>
    internal static AbcResult Run(DesignRequest validated, ISimulator simulator, IAbcStore store,
        IProgress<AbcProgress>? progress, CancellationToken cancellation, Population? initialProposal = null)
    {
        if (validated.StartFromEmulator != initialProposal is not null)
            throw new ArgumentException(validated.StartFromEmulator ? "the request starts from the emulator's posterior but none was given" : "an initial proposal needs a request with StartFromEmulator");
        var sampler = new AbcPmcSampler(validated.Prior(), simulator, new MeanAbsolutePercentageDistance(validated.Target), validated.Kernel(),
            validated.Schedule(), validated.StoppingRules(), new AbcSettings(validated.Population, validated.Seed, validated.BatchSize), store)
        {
            InitialProposal = initialProposal,
        };
        return sampler.Run(progress, cancellation);
    }
}
