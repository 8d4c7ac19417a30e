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
    public long Count => checked((long)Nx * Ny * Nz);

    /// <summary>
    /// The shape a file header (or an option) gives, checked in 64-bit arithmetic: every side positive and the voxels, at
    /// <paramref name="bytesPerVoxel"/> bytes each, within one array. Throws <see cref="InvalidDataException"/> naming
    /// <paramref name="source"/> and the limit otherwise.
    /// </summary>
    public static GridShape Checked(long nx, long ny, long nz, string source, int bytesPerVoxel = 1)
    {
        if (nx < 1 || ny < 1 || nz < 1 || nx > int.MaxValue || ny > int.MaxValue || nz > int.MaxValue)
            throw new InvalidDataException($"{source}: shape ({nx}, {ny}, {nz}) needs three sides from 1 to {int.MaxValue:N0}");
        // Each factor is below 2³¹, so the product of two fits a long; the third can overflow: divide instead.
        long limit = Array.MaxLength / Math.Max(1, bytesPerVoxel);
        if (nx * ny > limit || nz > limit / (nx * ny))
            throw new InvalidDataException($"{source}: shape ({nx}, {ny}, {nz}) has more voxels than one array holds ({limit:N0} at {bytesPerVoxel} byte(s) each)");
        return new GridShape((int)nx, (int)ny, (int)nz);
    }

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
