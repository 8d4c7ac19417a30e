using Spinodoid.Datasets;
using Spinodoid.Design.Abc;
using Spinodoid.Runtime;
using Spinodoid.Surrogate;

namespace Spinodoid.Design;

/// <summary>Training draws for an emulator: θ from the prior, one structure each (its own seed), η from a simulator.</summary>
public static class EmulatorDraws
{
    /// <summary>
    /// <paramref name="count"/> draws (θ, η) with θ from <paramref name="prior"/> and η from <paramref name="simulator"/> (the
    /// CNN, to emulate what ABC sees), in batches of <paramref name="batch"/>. Draws whose pore space does not percolate in
    /// some direction (η = 0 there) are left out: the prior's structures are connected by construction (the paper's rule).
    /// </summary>
    public static List<EmulatorSample> FromSimulator(ISimulator simulator, IPrior prior, int count, ulong seed, int batch = 64,
        IProgress<int>? progress = null, CancellationToken cancellation = default)
    {
        if (count < 10) throw new ArgumentException($"an emulator needs at least 10 draws, got {count}");
        var random = new SeededRandom(seed);
        var samples = new List<EmulatorSample>(count);
        int done = 0;
        while (done < count)
        {
            cancellation.ThrowIfCancellationRequested();
            int size = Math.Min(batch, count - done);
            var proposals = Enumerable.Range(0, size).Select(_ => new Proposal(prior.Sample(random), random.NextUInt64())).ToList();
            var eta = simulator.Simulate(proposals, cancellation);
            for (int i = 0; i < size; i++)
                if (eta[i].All(v => v > 0)) samples.Add(new EmulatorSample(proposals[i].Theta, eta[i]));
            done += size;
            progress?.Report(done);
        }
        return samples;
    }

    /// <summary>
    /// Draws from a labelled dataset: each row's θ and its solver η (one structure, one seed), so an emulator built from
    /// them models the solver's mean and scatter, which validation measures, rather than the CNN's. Rows with η = 0 in
    /// some direction are left out, as in <see cref="FromSimulator"/>.
    /// </summary>
    public static List<EmulatorSample> FromDataset(IEnumerable<DatasetRow> rows) =>
        rows.Where(r => r.EtaX > 0 && r.EtaY > 0 && r.EtaZ > 0)
            .Select(r => new EmulatorSample(r.Theta.ToVector(), [r.EtaX, r.EtaY, r.EtaZ])).ToList();
}
