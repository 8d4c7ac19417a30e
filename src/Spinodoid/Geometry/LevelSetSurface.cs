namespace Spinodoid.Geometry;

/// <summary>
/// A scalar field sampled on a rectilinear grid of points; the enclosed region is where the value is ≥ 0.
/// </summary>
/// <param name="X">The x coordinate of every point column (increasing, at least 2).</param>
/// <param name="Y">The y coordinates.</param>
/// <param name="Z">The z coordinates.</param>
/// <param name="FillPlane">Writes plane k's values (X.Length × Y.Length, x fastest) into the array given.</param>
public sealed record SampledLevelSet(float[] X, float[] Y, float[] Z, Action<int, float[]> FillPlane);

/// <summary>
/// The boundary of {value ≥ 0} as a closed triangle surface: marching tetrahedra inside the box, and caps where
/// the region meets the box faces.
/// </summary>
/// <remarks>
/// Every grid cell is split into the six Kuhn tetrahedra around its main diagonal. Neighbouring cells then split
/// their shared face along the same diagonal, and a triangle face of a tetrahedron is cut by the surface along
/// 0 or 2 of its edges. Both facts make the surface watertight with every edge in exactly two triangles, with
/// none of marching cubes' ambiguous cases and no lookup table beyond the 16 sign patterns of a tetrahedron.
/// Vertices lie on the grid edges at the zero of the linear interpolant, so the surface is sub-voxel accurate for
/// a smooth field (its enclosed volume is the linear interpolant's). Where the region reaches the box, the cut
/// is closed by the part of each boundary face with value ≥ 0, so the surface encloses a volume and can be
/// printed. Orientation comes from the sign pattern, not from the geometry, so zero-area triangles (a sample
/// exactly at 0) keep the topology intact.
/// </remarks>
public static class LevelSetSurface
{
    // Kuhn tetrahedra: chains of cell corners 0 → … → 7 (corner bits: 1 = +x, 2 = +y, 4 = +z), one per axis order.
    private static readonly int[][] Chains = [[0, 1, 3, 7], [0, 1, 5, 7], [0, 2, 3, 7], [0, 2, 6, 7], [0, 4, 5, 7], [0, 4, 6, 7]];

    // +1 where the chain is an even permutation of (x, y, z): det(v₁ − v₀, v₂ − v₀, v₃ − v₀) > 0.
    private static readonly int[] Parity = [+1, -1, -1, +1, +1, -1];

    // Boundary-face triangles of a cell (corner triples) with the face's outward axis and side, split along the
    // same diagonal as the tetrahedra there.
    private static readonly (int A, int B, int C, int Axis, int Sign)[] BoundaryTriangles =
    [
        (0, 2, 6, 0, -1), (0, 4, 6, 0, -1), (1, 3, 7, 0, +1), (1, 5, 7, 0, +1),
        (0, 1, 5, 1, -1), (0, 4, 5, 1, -1), (2, 3, 7, 1, +1), (2, 6, 7, 1, +1),
        (0, 1, 3, 2, -1), (0, 2, 3, 2, -1), (4, 5, 7, 2, +1), (4, 6, 7, 2, +1),
    ];

    // Per sign pattern of a reference tetrahedron (bit l = vertex l inside): triangles as triples of local edges
    // (pairs of local vertices, lower first), oriented out of the region for a positively oriented tetrahedron.
    private static readonly (int, int)[][][] Cases = BuildCases();

    /// <summary>Extracts the closed surface of {value ≥ 0} over the box the grid spans.</summary>
    public static SurfaceMesh Extract(SampledLevelSet levelSet)
    {
        var (xs, ys, zs) = (levelSet.X, levelSet.Y, levelSet.Z);
        if (xs.Length < 2 || ys.Length < 2 || zs.Length < 2)
            throw new ArgumentException($"a level set needs at least 2 points per axis, not {xs.Length}×{ys.Length}×{zs.Length}");
        return new Sweep(levelSet).Run();
    }

    private sealed class Sweep
    {
        private readonly SampledLevelSet _set;
        private readonly float[] _xs, _ys, _zs;
        private readonly int _px, _py, _pz;
        private float[] _below, _above;
        // Vertex ids of the grid edges that start at a point: 8 slots per point of the lower plane (0 = the point
        // itself, 1–7 = the edge along the corner-bit direction), 4 per point of the upper plane (in-plane only).
        private readonly int[] _lowIds, _highIds;
        private int _k;
        private float[] _positions = new float[3 * 4096];
        private int _vertexCount;
        private int[] _triangles = new int[3 * 8192];
        private int _indexCount;

        public Sweep(SampledLevelSet set)
        {
            _set = set;
            (_xs, _ys, _zs) = (set.X, set.Y, set.Z);
            (_px, _py, _pz) = (_xs.Length, _ys.Length, _zs.Length);
            int plane = checked(_px * _py);
            _below = new float[plane];
            _above = new float[plane];
            _lowIds = new int[checked(plane * 8)];
            _highIds = new int[checked(plane * 4)];
            Array.Fill(_lowIds, -1);
            Array.Fill(_highIds, -1);
        }

        public SurfaceMesh Run()
        {
            Span<float> values = stackalloc float[8];
            _set.FillPlane(0, _below);
            for (_k = 0; _k < _pz - 1; _k++)
            {
                _set.FillPlane(_k + 1, _above);
                for (int j = 0; j < _py - 1; j++)
                    for (int i = 0; i < _px - 1; i++)
                    {
                        int inside = 0;
                        for (int b = 0; b < 8; b++)
                        {
                            values[b] = Value(i + (b & 1), j + ((b >> 1) & 1), b >> 2);
                            if (values[b] >= 0) inside |= 1 << b;
                        }
                        if (inside == 0) continue;
                        if (inside != 255) Tetrahedra(i, j, inside);
                        bool boundary = i == 0 || j == 0 || _k == 0 || i == _px - 2 || j == _py - 2 || _k == _pz - 2;
                        if (boundary) Caps(i, j, inside);
                    }
                (_below, _above) = (_above, _below);
                for (int p = 0; p < _px * _py; p++)
                {
                    _highIds.AsSpan(4 * p, 4).CopyTo(_lowIds.AsSpan(8 * p, 4));
                    _lowIds.AsSpan(8 * p + 4, 4).Fill(-1);
                }
                Array.Fill(_highIds, -1);
            }
            Array.Resize(ref _positions, 3 * _vertexCount);
            Array.Resize(ref _triangles, _indexCount);
            return new SurfaceMesh(_positions, _triangles);
        }

        private float Value(int i, int j, int layer) => (layer == 0 ? _below : _above)[i + _px * j];

        private void Tetrahedra(int i, int j, int inside)
        {
            for (int t = 0; t < 6; t++)
            {
                var chain = Chains[t];
                int mask = 0;
                for (int l = 0; l < 4; l++) mask |= ((inside >> chain[l]) & 1) << l;
                foreach (var triangle in Cases[mask])
                {
                    int a = EdgeVertex(i, j, chain[triangle[0].Item1], chain[triangle[0].Item2]);
                    int b = EdgeVertex(i, j, chain[triangle[1].Item1], chain[triangle[1].Item2]);
                    int c = EdgeVertex(i, j, chain[triangle[2].Item1], chain[triangle[2].Item2]);
                    if (Parity[t] > 0) AddTriangle(a, b, c); else AddTriangle(a, c, b);
                }
            }
        }

        private void Caps(int i, int j, int inside)
        {
            Span<int> polygon = stackalloc int[4];
            foreach (var (qa, qb, qc, axis, sign) in BoundaryTriangles)
            {
                int at = axis == 0 ? i : axis == 1 ? j : _k;
                int last = (axis == 0 ? _px : axis == 1 ? _py : _pz) - 2;
                if (sign < 0 ? at != 0 : at != last) continue;
                if ((((inside >> qa) | (inside >> qb) | (inside >> qc)) & 1) == 0) continue;
                // Order the corners so the triangle faces out of the box (grid points are never degenerate).
                var (c0, c1, c2) = Faces(i, j, qa, qb, qc, axis, sign) ? (qa, qb, qc) : (qa, qc, qb);
                int count = 0;
                ReadOnlySpan<int> corners = [c0, c1, c2];
                for (int e = 0; e < 3; e++)
                {
                    int from = corners[e], to = corners[(e + 1) % 3];
                    bool fromInside = ((inside >> from) & 1) != 0, toInside = ((inside >> to) & 1) != 0;
                    if (fromInside) polygon[count++] = PointVertex(i, j, from);
                    if (fromInside != toInside) polygon[count++] = EdgeVertex(i, j, Math.Min(from, to), Math.Max(from, to));
                }
                for (int m = 1; m + 1 < count; m++) AddTriangle(polygon[0], polygon[m], polygon[m + 1]);
            }
        }

        // Whether corners (a, b, c) of cell (i, j, k) run counter-clockwise seen from outside along ±axis.
        private bool Faces(int i, int j, int a, int b, int c, int axis, int sign)
        {
            var (pa, pb, pc) = (Corner(i, j, a), Corner(i, j, b), Corner(i, j, c));
            var normal = System.Numerics.Vector3.Cross(pb - pa, pc - pa);
            float along = axis == 0 ? normal.X : axis == 1 ? normal.Y : normal.Z;
            return along * sign > 0;
        }

        private System.Numerics.Vector3 Corner(int i, int j, int b) =>
            new(_xs[i + (b & 1)], _ys[j + ((b >> 1) & 1)], _zs[_k + (b >> 2)]);

        private int PointVertex(int i, int j, int corner) => Vertex(i + (corner & 1), j + ((corner >> 1) & 1), corner >> 2, 0);

        // The vertex on the edge from corner `lower` to corner `upper` (upper's bits contain lower's).
        private int EdgeVertex(int i, int j, int lower, int upper) =>
            Vertex(i + (lower & 1), j + ((lower >> 1) & 1), lower >> 2, upper ^ lower);

        private int Vertex(int pi, int pj, int layer, int direction)
        {
            ref int slot = ref layer == 0 ? ref _lowIds[8 * (pi + _px * pj) + direction] : ref _highIds[4 * (pi + _px * pj) + direction];
            if (slot >= 0) return slot;
            float x = _xs[pi], y = _ys[pj], z = _zs[_k + layer];
            if (direction != 0)
            {
                int qi = pi + (direction & 1), qj = pj + ((direction >> 1) & 1), ql = layer + (direction >> 2);
                float v0 = Value(pi, pj, layer), v1 = Value(qi, qj, ql);
                // v0 and v1 have opposite signs (≥ 0 inside); t is where the linear interpolant vanishes.
                float t = Math.Clamp(v0 / (v0 - v1), 0f, 1f);
                x += t * (_xs[qi] - x);
                y += t * (_ys[qj] - y);
                z += t * (_zs[_k + ql] - z);
            }
            if (3 * _vertexCount + 3 > _positions.Length) Array.Resize(ref _positions, 2 * _positions.Length);
            _positions[3 * _vertexCount] = x;
            _positions[3 * _vertexCount + 1] = y;
            _positions[3 * _vertexCount + 2] = z;
            slot = _vertexCount++;
            return slot;
        }

        private void AddTriangle(int a, int b, int c)
        {
            if (_indexCount + 3 > _triangles.Length) Array.Resize(ref _triangles, 2 * _triangles.Length);
            _triangles[_indexCount++] = a;
            _triangles[_indexCount++] = b;
            _triangles[_indexCount++] = c;
        }
    }

    private static (int, int)[][][] BuildCases()
    {
        // Reference tetrahedron: the chain x, y, z (positively oriented); crossings at edge midpoints.
        System.Numerics.Vector3[] p = [new(0, 0, 0), new(1, 0, 0), new(1, 1, 0), new(1, 1, 1)];
        var cases = new (int, int)[16][][];
        for (int mask = 0; mask < 16; mask++)
        {
            var inside = Enumerable.Range(0, 4).Where(l => ((mask >> l) & 1) != 0).ToArray();
            var outside = Enumerable.Range(0, 4).Where(l => ((mask >> l) & 1) == 0).ToArray();
            static (int, int) E(int a, int b) => (Math.Min(a, b), Math.Max(a, b));
            var triangles = new List<(int, int)[]>();
            if (inside.Length is 1 or 3)
            {
                int lone = inside.Length == 1 ? inside[0] : outside[0];
                var others = Enumerable.Range(0, 4).Where(l => l != lone).ToArray();
                triangles.Add([E(lone, others[0]), E(lone, others[1]), E(lone, others[2])]);
            }
            else if (inside.Length == 2)
            {
                var (a, b, c, d) = (inside[0], inside[1], outside[0], outside[1]);
                // The quad ac → ad → bd → bc: consecutive edges share a face of the tetrahedron.
                triangles.Add([E(a, c), E(a, d), E(b, d)]);
                triangles.Add([E(a, c), E(b, d), E(b, c)]);
            }
            var inCentre = inside.Aggregate(System.Numerics.Vector3.Zero, (s, l) => s + p[l]) / Math.Max(1, inside.Length);
            var outCentre = outside.Aggregate(System.Numerics.Vector3.Zero, (s, l) => s + p[l]) / Math.Max(1, outside.Length);
            for (int t = 0; t < triangles.Count; t++)
            {
                var tri = triangles[t];
                System.Numerics.Vector3 M((int, int) e) => (p[e.Item1] + p[e.Item2]) / 2;
                var normal = System.Numerics.Vector3.Cross(M(tri[1]) - M(tri[0]), M(tri[2]) - M(tri[0]));
                if (System.Numerics.Vector3.Dot(normal, outCentre - inCentre) < 0) triangles[t] = [tri[0], tri[2], tri[1]];
            }
            cases[mask] = triangles.ToArray();
        }
        return cases;
    }
}
