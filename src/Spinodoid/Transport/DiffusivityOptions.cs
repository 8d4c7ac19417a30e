using Spinodoid.Microstructure;

namespace Spinodoid.Transport;

/// <summary>Where the fixed inlet and outlet concentrations sit.</summary>
public enum BoundaryConvention
{
    /// <summary>
    /// The paper's (and PuMA's, PoreSpy's): concentrations fixed on the first and last voxel layers,
    /// transport length N − 1 (eq. 6).
    /// </summary>
    Paper,
    /// <summary>
    /// TauFactor's: concentrations fixed on the outer faces, half a voxel outside the first and last layers,
    /// transport length N.
    /// </summary>
    TauFactor,
}

/// <summary>
/// What the solver's face conductances come from, i.e. how the structure's interface enters the
/// finite-volume system.
/// </summary>
public enum Discretization
{
    /// <summary>
    /// The staircase: a face conducts (conductance 1) exactly when both of its voxels are pore. All a binary
    /// image has; first order in the voxel size, and below the continuous structure's η at coarse grids.
    /// </summary>
    Voxel,
    /// <summary>
    /// From the continuous structure: a face conducts in proportion to its pore fraction (aperture), measured
    /// on the level set (the generator's field Ψ − T, or a float image with a threshold). Needs a structure
    /// that carries <see cref="Microstructure.FaceApertures"/> or a level set.
    /// </summary>
    Subvoxel,
}

/// <summary>Names of the discretisations, as the command line and the manifests write them.</summary>
public static class Discretizations
{
    /// <summary>Parses "voxel" or "subvoxel" (also "sub-voxel"; any case).</summary>
    public static Discretization Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "voxel" => Discretization.Voxel,
        "subvoxel" or "sub-voxel" => Discretization.Subvoxel,
        _ => throw new ArgumentException($"discretization '{name}' must be subvoxel or voxel"),
    };
}

/// <summary>Where the fixed concentrations of each <see cref="BoundaryConvention"/> sit: the one place that decodes it.</summary>
public static class BoundaryConventions
{
    /// <summary>Parses "paper" or "taufactor" (any case).</summary>
    public static BoundaryConvention Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "paper" => BoundaryConvention.Paper,
        "taufactor" => BoundaryConvention.TauFactor,
        _ => throw new ArgumentException($"boundary convention '{name}' must be paper or taufactor"),
    };

    /// <summary>The lateral sides that go with a convention unless the user says otherwise.</summary>
    public static LateralBoundary DefaultSides(this BoundaryConvention convention) =>
        convention == BoundaryConvention.TauFactor ? LateralBoundary.Mirror : LateralBoundary.Periodic;

    /// <summary>Voxel layers needed along the transport axis.</summary>
    public static int MinimumLength(this BoundaryConvention convention) => convention == BoundaryConvention.Paper ? 3 : 1;

    /// <summary>The transport length L of eq. (6) for <paramref name="layers"/> voxel layers: N − 1 (paper) or N (TauFactor).</summary>
    public static double TransportLength(this BoundaryConvention convention, int layers) =>
        convention == BoundaryConvention.Paper ? layers - 1 : layers;

    /// <summary>The first voxel layer that is an unknown (the paper fixes layer 0).</summary>
    internal static int FirstUnknownLayer(this BoundaryConvention convention) => convention == BoundaryConvention.Paper ? 1 : 0;

    /// <summary>Voxel layers that are unknowns.</summary>
    internal static int UnknownLayers(this BoundaryConvention convention, int layers) =>
        convention == BoundaryConvention.Paper ? layers - 2 : layers;

    /// <summary>
    /// Conductance factor between the outermost unknown layer and the fixed concentration: a full voxel
    /// spacing to a fixed layer (1), or half a voxel to a fixed face (2).
    /// </summary>
    internal static float BoundaryFactor(this BoundaryConvention convention) => convention == BoundaryConvention.Paper ? 1f : 2f;

    /// <summary>The empty box's concentration on unknown layer k of n (the starting guess).</summary>
    internal static double LinearProfile(this BoundaryConvention convention, int k, int n) =>
        convention == BoundaryConvention.Paper ? 1 - (k + 1.0) / (n + 1) : 1 - (k + 0.5) / n;
}

/// <summary>Settings of the effective-diffusivity solver.</summary>
/// <param name="Convention">Inlet/outlet convention.</param>
/// <param name="Sides">Lateral sides: periodic (generated structures) or mirror (no flux).</param>
/// <param name="Tolerance">
/// Relative accuracy of η. η is read from the dissipation of the iterate, which PCG lowers at every step towards
/// that of the discrete solution; the solve stops when its fall over the last three iterations and the geometric
/// estimate of the fall still to come are both below a quarter of this.
/// </param>
/// <param name="MaxIterations">Give up (reporting the accuracy reached) after this many PCG iterations.</param>
/// <param name="CoarseCorrectionScale">Over-correction of the aggregation multigrid's coarse-grid correction.</param>
/// <param name="FineSmoothingSweeps">Red–black Gauss–Seidel sweeps before and (reversed) after the coarse correction on the finest level.</param>
/// <param name="SmoothingSweeps">The same on the coarser levels.</param>
/// <param name="CycleIndex">Visits of each coarser multigrid level per cycle: 1 a V-cycle, 2 (default) a W-cycle.</param>
/// <param name="Extrapolate">
/// Report the continuum η: the structure is generated again at about ¾N and solved there too, and the two sub-voxel
/// values are extrapolated at second order (<see cref="ContinuumExtrapolation"/>); generated structures only.
/// </param>
/// <param name="Discretization">
/// Voxel or sub-voxel face conductances; null (the default): sub-voxel where the structure carries its
/// continuous geometry (generated with it, or read from a float image), voxel otherwise.
/// </param>
public sealed record DiffusivityOptions(
    BoundaryConvention Convention = BoundaryConvention.Paper,
    LateralBoundary Sides = LateralBoundary.Periodic,
    double Tolerance = 1e-5,
    int MaxIterations = 200,
    double CoarseCorrectionScale = 1.6,
    int FineSmoothingSweeps = 1,
    int SmoothingSweeps = 1,
    Discretization? Discretization = null,
    int CycleIndex = 2,
    bool Extrapolate = false)
{
    /// <summary>TauFactor's conventions: faces half a voxel outside, mirror sides.</summary>
    public static DiffusivityOptions TauFactorCompatible { get; } =
        new(BoundaryConvention.TauFactor, LateralBoundary.Mirror);

    /// <summary>Throws when a setting is out of range.</summary>
    public DiffusivityOptions Validated()
    {
        if (!(Tolerance > 0 && Tolerance < 0.1)) throw new ArgumentException($"tolerance {Tolerance} is outside the allowed range (0, 0.1)");
        if (MaxIterations is < 1 or > 100_000) throw new ArgumentException($"maximum iterations {MaxIterations} is outside 1–100,000");
        if (!(CoarseCorrectionScale > 0 && CoarseCorrectionScale < 2)) throw new ArgumentException($"coarse correction scale {CoarseCorrectionScale} is outside (0, 2)");
        if (SmoothingSweeps is < 1 or > 10 || FineSmoothingSweeps is < 1 or > 10)
            throw new ArgumentException($"smoothing sweeps ({FineSmoothingSweeps} fine, {SmoothingSweeps} coarse) must be in 1–10");
        if (CycleIndex is < 1 or > 3) throw new ArgumentException($"multigrid cycle index {CycleIndex} is outside 1–3 (1 V-cycle, 2 W-cycle)");
        return this;
    }
}

/// <summary>Effective diffusivity along one axis, with what it was computed from and how well.</summary>
/// <param name="Axis">Transport direction.</param>
/// <param name="Diffusivity">η = D_eff/D (eq. 6–7), flux averaged over the whole domain, solid included.</param>
/// <param name="Porosity">Total porosity ε.</param>
/// <param name="PercolatingPorosity">
/// Volume fraction of pore connected inlet→outlet along this axis (pore voxels of the cells that carry flux).
/// </param>
/// <param name="Iterations">PCG iterations.</param>
/// <param name="RelativeChange">Relative fall of η over the last three iterations.</param>
/// <param name="FluxImbalance">
/// |Q_in − Q_out| / Q of the final iterate: zero for the exact discrete solution. It is linear in the iterate's
/// error where η (from the dissipation) is quadratic, so it is of the order of √tolerance (10⁻⁴–10⁻³ at 1e-5).
/// </param>
/// <param name="Converged">
/// η settled to the tolerance within the iteration limit, confirmed on the true residual (the stopping rule of
/// <see cref="DiffusivityOptions.Tolerance"/>).
/// </param>
/// <param name="Seconds">Wall time for this direction.</param>
/// <param name="Convention">Inlet/outlet convention used.</param>
/// <param name="Sides">Lateral sides used.</param>
/// <param name="Discretization">Voxel or sub-voxel conductances, as used.</param>
/// <remarks>With <see cref="DiffusivityOptions.Extrapolate"/>, <see cref="Diffusivity"/> is the continuum estimate and
/// <see cref="Continuum"/> holds the two solves it came from; the other fields are those of the solve at N.</remarks>
public sealed record DiffusivityResult(
    Axis Axis, double Diffusivity, double Porosity, double PercolatingPorosity, int Iterations,
    double RelativeChange, double FluxImbalance, bool Converged, double Seconds,
    BoundaryConvention Convention, LateralBoundary Sides, Discretization Discretization = Discretization.Voxel)
{
    /// <summary>Tortuosity factor τ = ε/η (infinite when nothing percolates).</summary>
    public double TortuosityFactor => Diffusivity > 0 ? Porosity / Diffusivity : double.PositiveInfinity;

    /// <summary>Formation factor 1/η.</summary>
    public double FormationFactor => Diffusivity > 0 ? 1.0 / Diffusivity : double.PositiveInfinity;

    /// <summary>True when no pore path joins inlet and outlet (η = 0).</summary>
    public bool Blocked => PercolatingPorosity == 0;

    /// <summary>The two solves behind an extrapolated η (null when η is a single solve's).</summary>
    public ContinuumEstimate? Continuum { get; init; }
}

/// <summary>The solves behind a continuum η (<see cref="ContinuumExtrapolation"/>).</summary>
/// <param name="Size">N of the structure.</param>
/// <param name="Diffusivity">Its sub-voxel η.</param>
/// <param name="CoarseSize">N′ of the same structure generated again.</param>
/// <param name="CoarseDiffusivity">Its sub-voxel η.</param>
public sealed record ContinuumEstimate(int Size, double Diffusivity, int CoarseSize, double CoarseDiffusivity);
