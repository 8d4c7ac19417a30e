using Spinodoid.Design;
using Spinodoid.Microstructure;
using Spinodoid.Reports;
using Spinodoid.Transport;

namespace Spinodoid.Tests.Design;

public class ValidationMergeTests
{
    private static readonly SpinodoidParameters Theta = new(new LengthScales(0.1, 0.15, 0.2), 0.6);

    private static ValidationSummary Part(params ulong[] seeds) => new(Theta, 32,
        seeds.Select(s => new ValidationSample(s, [0.1 * s, 0.2 + 0.01 * s, 0.3], [0.11 * s, 0.2, 0.31])).ToList()) { Discretization = Discretization.Subvoxel };

    [Fact]
    public void PartsMergeIntoTheSummaryOfOneRun()
    {
        var merged = ValidationSummary.Merge([Part(7, 3), Part(5), Part(4, 6)]);
        var whole = Part(3, 4, 5, 6, 7);
        Assert.Equal(whole.Samples.Select(s => s.Seed), merged.Samples.Select(s => s.Seed));
        Assert.Equal(whole.SolverMean, merged.SolverMean);
        Assert.Equal(whole.SolverStd, merged.SolverStd);
        Assert.Equal(whole.SurrogateMean, merged.SurrogateMean);
        Assert.Equal(Discretization.Subvoxel, merged.Discretization);
    }

    [Fact]
    public void MismatchedOrOverlappingPartsAreRefused()
    {
        Assert.Contains("seed 5", Assert.Throws<ArgumentException>(() => ValidationSummary.Merge([Part(5, 6), Part(5)])).Message);
        var other = Part(8) with { Size = 64 };
        Assert.Contains("differ", Assert.Throws<ArgumentException>(() => ValidationSummary.Merge([Part(5), other])).Message);
        var voxel = Part(8) with { Discretization = Discretization.Voxel };
        Assert.Contains("differ", Assert.Throws<ArgumentException>(() => ValidationSummary.Merge([Part(5), voxel])).Message);
        var noCnn = new ValidationSummary(Theta, 32, [new ValidationSample(9, [0.1, 0.2, 0.3], null)]) { Discretization = Discretization.Subvoxel };
        Assert.Contains("CNN", Assert.Throws<ArgumentException>(() => ValidationSummary.Merge([Part(5), noCnn])).Message);
        Assert.Throws<ArgumentException>(() => ValidationSummary.Merge([]));
    }

    [Fact]
    public void WrittenValidationReadsBackExactly()
    {
        var prefix = Path.Combine(Path.GetTempPath(), $"spinodoid-validation-{Guid.NewGuid():N}");
        try
        {
            var part = Part(3, 4);
            DesignReport.WriteValidation(part, prefix);
            var read = DesignReport.ReadValidation(prefix);
            Assert.Equal(part.Theta, read.Theta);
            Assert.Equal(part.Size, read.Size);
            Assert.Equal(part.Discretization, read.Discretization);
            Assert.Equal(part.Samples.Count, read.Samples.Count);
            for (int i = 0; i < part.Samples.Count; i++)
            {
                Assert.Equal(part.Samples[i].Seed, read.Samples[i].Seed);
                Assert.Equal(part.Samples[i].Solver, read.Samples[i].Solver);
                Assert.Equal(part.Samples[i].Surrogate, read.Samples[i].Surrogate);
            }
            // The JSON says which program made it and which seeds, so the run can be repeated.
            var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(prefix + ".json"))!;
            Assert.Equal(Spinodoid.Runtime.ProgramInfo.Version, json["version"]!.GetValue<string>());
            Assert.Equal(part.Samples.Select(s => s.Seed), json["seeds"]!.AsArray().Select(v => v!.GetValue<ulong>()));
        }
        finally
        {
            foreach (var ext in new[] { ".csv", ".json", ".png" }) File.Delete(prefix + ext);
        }
    }
}
