using System.Numerics;

namespace Spinodoid.Transport;

/// <summary>
/// The diffusion operator on a structured grid in conductance form, A x = Diag ⊙ x − Σ_faces G x_neighbour,
/// and its Galerkin coarsening.
/// </summary>
/// <remarks>
/// Internal layout: x fastest, then y, then z; transport runs along z, so z never wraps. G{X,Y,Z}[i] is the
/// conductance of the face between cell i and its +neighbour; at the end of a row (or column) that face is
/// the periodic wrap-around face, whose conductance is 0 when the sides are closed. Diag holds the sum of a
/// cell's face conductances plus its conductance to a fixed-concentration boundary; Diag = 0 marks a cell that
/// is not an unknown (solid, or pore not connected inlet→outlet): it stays 0 in every vector. Bytes hold the
/// fine level's 0/1 conductances while it is coarsened; coarse levels hold floats.
/// </remarks>
internal sealed class ConductanceGrid<T> where T : unmanaged, INumberBase<T>
{
    public readonly int Nx, Ny, Nz;
    public readonly T[] Gx, Gy, Gz, Diag;

    public ConductanceGrid(int nx, int ny, int nz, T[] gx, T[] gy, T[] gz, T[] diag)
    {
        Nx = nx; Ny = ny; Nz = nz;
        Gx = gx; Gy = gy; Gz = gz; Diag = diag;
    }

    public long Count => (long)Nx * Ny * Nz;
    public int Plane => Nx * Ny;

    private static float F(T value) => float.CreateTruncating(value);

    /// <summary>The Galerkin coarse level for 2×2×2 aggregation (sides of 1 are not coarsened).</summary>
    public ConductanceGrid<float> Coarsen()
    {
        int cx = (Nx + 1) / 2, cy = (Ny + 1) / 2, cz = (Nz + 1) / 2;
        if (Nx == 1) cx = 1;
        if (Ny == 1) cy = 1;
        if (Nz == 1) cz = 1;
        long count = (long)cx * cy * cz;
        var gx = new float[count];
        var gy = new float[count];
        var gz = new float[count];
        var boundary = new float[count];
        // Each coarse plane gathers from at most two fine planes, so coarse planes run in parallel.
        Action<int> plane = kz =>
        {
            for (int fz = 2 * kz; fz < Math.Min(Nz, 2 * kz + 2); fz++)
                for (int fy = 0; fy < Ny; fy++)
                {
                    int ky = fy / 2;
                    long fine = ((long)fz * Ny + fy) * Nx;
                    long coarseRow = ((long)kz * cy + ky) * cx;
                    for (int fx = 0; fx < Nx; fx++)
                    {
                        long i = fine + fx;
                        float d = F(Diag[i]);
                        if (d == 0) continue;
                        long c = coarseRow + fx / 2;
                        float own = 0;
                        // Faces to +neighbours that leave the aggregate become coarse faces.
                        float g = F(Gx[i]);
                        if (g != 0) { own += g; if ((fx + 1) % Nx / 2 != fx / 2) gx[c] += g; }
                        g = F(Gy[i]);
                        if (g != 0) { own += g; if ((fy + 1) % Ny / 2 != ky) gy[c] += g; }
                        g = F(Gz[i]);
                        if (g != 0) { own += g; if ((fz + 1) / 2 != kz) gz[c] += g; }
                        // Faces to −neighbours, to recover the boundary part of the diagonal.
                        long left = fx > 0 ? i - 1 : i + Nx - 1;
                        long down = fy > 0 ? i - Nx : i + (long)(Ny - 1) * Nx;
                        own += F(Gx[left]) + F(Gy[down]);
                        if (fz > 0) own += F(Gz[i - Plane]);
                        boundary[c] += d - own;
                    }
                }
        };
        if (Count < 1 << 15) for (int kz = 0; kz < cz; kz++) plane(kz);
        else Parallel.For(0, cz, plane);

        var diag = new float[count];
        for (int kz = 0; kz < cz; kz++)
            for (int ky = 0; ky < cy; ky++)
                for (int kx = 0; kx < cx; kx++)
                {
                    long c = ((long)kz * cy + ky) * cx + kx;
                    long left = kx > 0 ? c - 1 : c + cx - 1;
                    long down = ky > 0 ? c - cx : c + (long)(cy - 1) * cx;
                    float sum = boundary[c] + gx[c] + gx[left] + gy[c] + gy[down] + gz[c];
                    if (kz > 0) sum += gz[c - (long)cx * cy];
                    diag[c] = sum;
                }
        return new ConductanceGrid<float>(cx, cy, cz, gx, gy, gz, diag);
    }
}
