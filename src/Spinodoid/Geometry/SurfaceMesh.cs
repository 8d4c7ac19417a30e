using System.Numerics;

namespace Spinodoid.Geometry;

/// <summary>
/// An indexed triangle surface: vertex positions (x, y, z per vertex) and triangles (three vertex indices each,
/// counter-clockwise seen from outside, so normals point out of the enclosed phase).
/// </summary>
public sealed class SurfaceMesh
{
    /// <summary>Wraps positions (3 floats per vertex) and triangles (3 indices per triangle); neither is copied.</summary>
    public SurfaceMesh(float[] positions, int[] triangles)
    {
        if (positions.Length % 3 != 0) throw new ArgumentException($"{positions.Length} position values are not whole vertices (3 each)", nameof(positions));
        if (triangles.Length % 3 != 0) throw new ArgumentException($"{triangles.Length} indices are not whole triangles (3 each)", nameof(triangles));
        Positions = positions;
        Triangles = triangles;
    }

    /// <summary>x, y, z of every vertex.</summary>
    public float[] Positions { get; }

    /// <summary>Three vertex indices per triangle.</summary>
    public int[] Triangles { get; }

    /// <summary>The number of vertices.</summary>
    public int VertexCount => Positions.Length / 3;

    /// <summary>The number of triangles.</summary>
    public int TriangleCount => Triangles.Length / 3;

    /// <summary>The position of vertex <paramref name="v"/>.</summary>
    public Vector3 Vertex(int v) => new(Positions[3 * v], Positions[3 * v + 1], Positions[3 * v + 2]);

    /// <summary>The volume enclosed (divergence theorem, Σ v₀ · (v₁ × v₂) / 6); meaningful for a closed surface.</summary>
    public double Volume()
    {
        double sum = 0;
        var t = Triangles;
        for (int i = 0; i < t.Length; i += 3)
        {
            var (a, b, c) = (Vertex(t[i]), Vertex(t[i + 1]), Vertex(t[i + 2]));
            // In double: float cross products of coordinates ~10² lose too much for a 1e-4 relative sum.
            double cx = (double)b.Y * c.Z - (double)b.Z * c.Y, cy = (double)b.Z * c.X - (double)b.X * c.Z, cz = (double)b.X * c.Y - (double)b.Y * c.X;
            sum += a.X * cx + a.Y * cy + a.Z * cz;
        }
        return sum / 6;
    }

    /// <summary>The total area of the triangles.</summary>
    public double Area()
    {
        double sum = 0;
        var t = Triangles;
        for (int i = 0; i < t.Length; i += 3)
        {
            var (a, b, c) = (Vertex(t[i]), Vertex(t[i + 1]), Vertex(t[i + 2]));
            sum += Vector3.Cross(b - a, c - a).Length() / 2;
        }
        return sum;
    }

    /// <summary>The axis-aligned bounding box of the vertices.</summary>
    public (Vector3 Min, Vector3 Max) Bounds()
    {
        if (VertexCount == 0) return (Vector3.Zero, Vector3.Zero);
        var min = new Vector3(float.PositiveInfinity);
        var max = new Vector3(float.NegativeInfinity);
        for (int v = 0; v < VertexCount; v++)
        {
            var p = Vertex(v);
            min = Vector3.Min(min, p);
            max = Vector3.Max(max, p);
        }
        return (min, max);
    }

    /// <summary>The same surface with every position multiplied by <paramref name="scale"/> (a new mesh sharing the triangles).</summary>
    public SurfaceMesh Scaled(double scale)
    {
        if (!(scale > 0) || !double.IsFinite(scale)) throw new ArgumentOutOfRangeException(nameof(scale), $"scale {scale} must be a positive number");
        var positions = new float[Positions.Length];
        for (int i = 0; i < positions.Length; i++) positions[i] = (float)(Positions[i] * scale);
        return new SurfaceMesh(positions, Triangles);
    }

    /// <summary>
    /// The connected pieces of the surface (triangles joined through shared vertices): the part of every triangle
    /// (0 = the part with the most triangles, then by size) and the number of parts. A printed spinodoid's small
    /// pieces that touch nothing else would fall out of the print.
    /// </summary>
    public (int[] PartOfTriangle, int Parts) Parts()
    {
        var parent = new int[VertexCount];
        for (int v = 0; v < parent.Length; v++) parent[v] = v;
        int Find(int v)
        {
            while (parent[v] != v) v = parent[v] = parent[parent[v]];
            return v;
        }
        var t = Triangles;
        for (int i = 0; i < t.Length; i += 3)
        {
            int a = Find(t[i]), b = Find(t[i + 1]), c = Find(t[i + 2]);
            parent[b] = a;
            parent[Find(c)] = a;
        }
        var sizes = new Dictionary<int, int>();
        for (int i = 0; i < t.Length; i += 3) sizes[Find(t[i])] = sizes.GetValueOrDefault(Find(t[i])) + 1;
        var rank = sizes.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key).Select((kv, r) => (kv.Key, r)).ToDictionary(x => x.Key, x => x.r);
        var part = new int[TriangleCount];
        for (int i = 0; i < part.Length; i++) part[i] = rank[Find(t[3 * i])];
        return (part, sizes.Count);
    }

    /// <summary>Only the triangles of part 0 of <see cref="Parts"/> (unused vertices dropped).</summary>
    public SurfaceMesh LargestPart()
    {
        var (part, count) = Parts();
        if (count <= 1) return this;
        var map = new int[VertexCount];
        Array.Fill(map, -1);
        var positions = new List<float>();
        var triangles = new List<int>();
        for (int i = 0; i < part.Length; i++)
        {
            if (part[i] != 0) continue;
            for (int e = 0; e < 3; e++)
            {
                int v = Triangles[3 * i + e];
                if (map[v] < 0)
                {
                    map[v] = positions.Count / 3;
                    positions.AddRange([Positions[3 * v], Positions[3 * v + 1], Positions[3 * v + 2]]);
                }
                triangles.Add(map[v]);
            }
        }
        return new SurfaceMesh(positions.ToArray(), triangles.ToArray());
    }

    /// <summary>
    /// How every edge is used. A watertight, consistently oriented surface uses each edge in exactly two triangles,
    /// once in each direction.
    /// </summary>
    public MeshTopology Topology()
    {
        var t = Triangles;
        // One key per directed edge: the undirected pair (smaller index in the high bits) and the direction in bit 0.
        var keys = new ulong[t.Length];
        for (int i = 0; i < t.Length; i += 3)
            for (int e = 0; e < 3; e++)
            {
                uint a = (uint)t[i + e], b = (uint)t[i + (e + 1) % 3];
                keys[i + e] = a < b ? ((ulong)a << 33) | ((ulong)b << 1) : ((ulong)b << 33) | ((ulong)a << 1) | 1;
            }
        Array.Sort(keys);
        long edges = 0, open = 0, overShared = 0, misoriented = 0, degenerate = 0;
        for (int i = 0; i < keys.Length;)
        {
            int j = i;
            while (j < keys.Length && keys[j] >> 1 == keys[i] >> 1) j++;
            edges++;
            int count = j - i;
            if ((keys[i] >> 33) == ((keys[i] >> 1) & 0xFFFFFFFF)) degenerate++;
            if (count == 1) open++;
            else if (count > 2) overShared++;
            else if ((keys[i] & 1) == (keys[i + 1] & 1)) misoriented++;
            i = j;
        }
        return new MeshTopology(edges, open, overShared, misoriented, degenerate);
    }
}

/// <summary>Edge statistics of a surface (<see cref="SurfaceMesh.Topology"/>).</summary>
/// <param name="Edges">Distinct undirected edges.</param>
/// <param name="OpenEdges">Edges of only one triangle (holes).</param>
/// <param name="NonManifoldEdges">Edges of three or more triangles.</param>
/// <param name="MisorientedEdges">Edges of two triangles that run them the same way (inconsistent orientation).</param>
/// <param name="CollapsedEdges">Edges from a vertex to itself (a triangle repeating an index).</param>
public readonly record struct MeshTopology(long Edges, long OpenEdges, long NonManifoldEdges, long MisorientedEdges, long CollapsedEdges)
{
    /// <summary>Closed and consistently oriented: every edge in exactly two triangles, once each way.</summary>
    public bool IsWatertight => OpenEdges == 0 && NonManifoldEdges == 0 && MisorientedEdges == 0 && CollapsedEdges == 0;
}
