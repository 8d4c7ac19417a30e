namespace Spinodoid.Microstructure;

/// <summary>
/// Size of a voxel grid. Voxels are stored with x varying fastest:
/// <c>index = x + Nx * (y + Ny * z)</c>.
/// </summary>
public readonly record struct GridShape(int Nx, int Ny, int Nz)
{
    /// <summary>A cubic grid of side <paramref name="n"/>.</summary>
    public static GridShape Cube(int n) => new(n, n, n);

    /// <summary>Number of voxels.</summary>
    public long Count => (long)Nx * Ny * Nz;

    /// <summary>Linear index of voxel (x, y, z).</summary>
    public long Index(int x, int y, int z) => x + (long)Nx * (y + (long)Ny * z);

    /// <summary>Extent along an axis.</summary>
    public int this[Axis axis] => axis switch { Axis.X => Nx, Axis.Y => Ny, _ => Nz };

    /// <inheritdoc />
    public override string ToString() => $"{Nx}×{Ny}×{Nz}";
}

/// <summary>A coordinate axis; also a transport direction.</summary>
public enum Axis
{
    /// <summary>x, the fastest-varying index.</summary>
    X = 0,
    /// <summary>y.</summary>
    Y = 1,
    /// <summary>z, the slowest-varying index (TIFF page).</summary>
    Z = 2,
}

/// <summary>One of the two phases of a binary structure.</summary>
public enum Phase
{
    /// <summary>The pore space (conducting; I(x) = 0 in the paper's eq. 2).</summary>
    Pore,
    /// <summary>The solid (I(x) = 1 in eq. 2).</summary>
    Solid,
}

/// <summary>What the sides parallel to the transport direction do.</summary>
public enum LateralBoundary
{
    /// <summary>Opposite sides are joined (generated structures are periodic).</summary>
    Periodic,
    /// <summary>Closed, mirror-symmetric sides: no flux and no connection across them.</summary>
    Mirror,
}
