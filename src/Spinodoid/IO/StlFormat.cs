using System.Buffers.Binary;
using System.Numerics;
using System.Text;
using Spinodoid.Geometry;
using Spinodoid.Runtime;

namespace Spinodoid.IO;

/// <summary>Binary STL, the 3D printers' format: an 80-byte header, a count, and 50 bytes per triangle.</summary>
public static class StlFormat
{
    /// <summary>The file size of a binary STL with <paramref name="triangles"/> triangles.</summary>
    public static long BinarySize(long triangles) => 84 + 50 * triangles;

    /// <summary>
    /// Writes <paramref name="mesh"/> as binary STL (atomically). <paramref name="header"/> (ASCII, cut to 80
    /// bytes) should say the units; STL itself has none and slicers assume millimetres.
    /// </summary>
    public static void Write(SurfaceMesh mesh, string path, string header)
    {
        AtomicFile.Write(path, stream =>
        {
            // Not disposed: that would close the atomic writer's stream before it flushes and renames.
            var buffered = new BufferedStream(stream, 1 << 20);
            var head = new byte[80];
            // "solid" at the start makes some readers take a binary file for ASCII STL.
            var text = header.StartsWith("solid", StringComparison.OrdinalIgnoreCase) ? "binary " + header : header;
            Encoding.ASCII.GetBytes(text, 0, Math.Min(80, text.Length), head, 0);
            buffered.Write(head);
            Span<byte> record = stackalloc byte[50];
            BinaryPrimitives.WriteUInt32LittleEndian(record, (uint)mesh.TriangleCount);
            buffered.Write(record[..4]);
            var t = mesh.Triangles;
            for (int i = 0; i < t.Length; i += 3)
            {
                var (a, b, c) = (mesh.Vertex(t[i]), mesh.Vertex(t[i + 1]), mesh.Vertex(t[i + 2]));
                var normal = Vector3.Cross(b - a, c - a);
                float length = normal.Length();
                normal = length > 0 ? normal / length : Vector3.Zero;
                Put(record, 0, normal);
                Put(record, 12, a);
                Put(record, 24, b);
                Put(record, 36, c);
                record[48] = record[49] = 0;
                buffered.Write(record);
            }
            buffered.Flush();
        });
    }

    private static void Put(Span<byte> record, int offset, Vector3 v)
    {
        BinaryPrimitives.WriteSingleLittleEndian(record[offset..], v.X);
        BinaryPrimitives.WriteSingleLittleEndian(record[(offset + 4)..], v.Y);
        BinaryPrimitives.WriteSingleLittleEndian(record[(offset + 8)..], v.Z);
    }

    /// <summary>
    /// Reads a binary STL; vertices at bit-identical positions are merged, so the surface's topology can be
    /// checked (<see cref="SurfaceMesh.Topology"/>). Returns the header text too.
    /// </summary>
    public static (SurfaceMesh Mesh, string Header) Read(string path)
    {
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream);
        if (stream.Length < 84) throw new InvalidDataException($"{path}: {stream.Length} bytes is too short for a binary STL (84-byte header at least)");
        string header = Encoding.ASCII.GetString(reader.ReadBytes(80)).TrimEnd('\0', ' ');
        uint count = reader.ReadUInt32();
        if (stream.Length != BinarySize(count))
            throw new InvalidDataException($"{path}: {stream.Length} bytes, but a binary STL of {count} triangles has {BinarySize(count)} (an ASCII STL is not read)");
        var ids = new Dictionary<(float, float, float), int>();
        var positions = new List<float>();
        var triangles = new int[checked(3 * (int)count)];
        for (int i = 0; i < count; i++)
        {
            reader.ReadBytes(12);
            for (int v = 0; v < 3; v++)
            {
                var key = (reader.ReadSingle(), reader.ReadSingle(), reader.ReadSingle());
                if (!ids.TryGetValue(key, out int id))
                {
                    id = ids.Count;
                    ids.Add(key, id);
                    positions.AddRange([key.Item1, key.Item2, key.Item3]);
                }
                triangles[3 * i + v] = id;
            }
            reader.ReadUInt16();
        }
        return (new SurfaceMesh(positions.ToArray(), triangles), header);
    }
}
