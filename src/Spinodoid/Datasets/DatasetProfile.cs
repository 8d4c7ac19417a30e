using Spinodoid.Microstructure;
using Spinodoid.Transport;

namespace Spinodoid.Datasets;

/// <summary>How a labelled dataset is made: grid size, prior, solver settings and split sizes.</summary>
/// <param name="Name">Profile name.</param>
/// <param name="Size">Structure grid side N (the CNN input is N/2 after 2×2×2 downsampling).</param>
/// <param name="Train">Structures in the training split.</param>
/// <param name="Validation">Structures in the validation split.</param>
/// <param name="Test">Structures in the test split.</param>
/// <param name="Tolerance">Solver tolerance on η.</param>
/// <param name="Discretization">How the labels' solver discretises the structures: sub-voxel (the continuous structure's η;
/// both built-in profiles and the bundled dataset) or voxel (the staircase, a few percent lower at N = 128).</param>
public sealed record DatasetProfile(string Name, int Size, int Train, int Validation, int Test, double Tolerance = 1e-5,
    Discretization Discretization = Discretization.Subvoxel)
{
    /// <summary>The paper's: N = 192 (CNN input 96³), 8192 / 2048 / 2048 structures, sub-voxel labels.</summary>
    public static DatasetProfile Paper { get; } = new("paper", 192, 8192, 2048, 2048);

    /// <summary>
    /// The compact default: N = 128 (CNN input 64³), the paper's 8192 / 2048 / 2048 structures, sub-voxel labels
    /// (the bundled dataset, made on a 2-core machine in about 7 hours, in shards). With sub-voxel labels N = 128 is
    /// within 0.65 % of the continuum on average over prior draws; N = 96 misses 1 % (1.10 %). See docs/datasets.md.
    /// </summary>
    public static DatasetProfile Compact { get; } = new("compact", 128, 8192, 2048, 2048);

    /// <summary>The prior (the paper's for every profile).</summary>
    public SpinodoidPrior Prior => SpinodoidPrior.Paper;

    /// <summary>Solver settings: the paper's conventions for periodic generated structures.</summary>
    public DiffusivityOptions SolverOptions => new(BoundaryConvention.Paper, LateralBoundary.Periodic, Tolerance, Discretization: Discretization);

    /// <summary>Total number of structures.</summary>
    public int Count => Train + Validation + Test;

    /// <summary>The split of row <paramref name="index"/>: train rows first, then validation, then test.</summary>
    public string SplitOf(int index) => index < Train ? "train" : index < Train + Validation ? "validation" : "test";

    /// <summary>A built-in profile by name.</summary>
    public static DatasetProfile ByName(string name) => name.ToLowerInvariant() switch
    {
        "paper" => Paper,
        "compact" => Compact,
        _ => throw new ArgumentException($"unknown dataset profile '{name}'; allowed: paper, compact"),
    };

    /// <summary>This profile with a different total count, keeping the split proportions (train 2/3, validation and test 1/6 each).</summary>
    public DatasetProfile WithCount(int count)
    {
        if (count < 3) throw new ArgumentException($"a dataset needs at least 3 structures (one per split), got {count}");
        if (count == Count) return this;
        int validation = Math.Max(1, (int)Math.Round(count / 6.0)), test = validation;
        return this with { Train = count - validation - test, Validation = validation, Test = test };
    }

    /// <summary>Throws when a setting is out of range.</summary>
    public DatasetProfile Validated()
    {
        SpinodoidGenerator.ValidateSize(Size);
        if (Train < 1 || Validation < 1 || Test < 1) throw new ArgumentException($"every split needs at least one structure, got {Train}/{Validation}/{Test}");
        SolverOptions.Validated();
        return this;
    }
}
