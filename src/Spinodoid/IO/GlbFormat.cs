using System.Runtime.InteropServices;
using SharpGLTF.Schema2;
using Spinodoid.Geometry;
using Spinodoid.Runtime;

namespace Spinodoid.IO;

/// <summary>
/// Binary glTF (.glb) through SharpGLTF: the surface as one indexed triangle mesh, a third of the size of the same
/// STL (vertices shared), read by Blender, three.js viewers and most 3D tools. glTF's unit is the metre.
/// </summary>
public static class GlbFormat
{
    /// <summary>Writes <paramref name="mesh"/> (coordinates in millimetres) as a .glb in metres, atomically.</summary>
    public static void Write(SurfaceMesh mesh, string path, string name)
    {
        var metres = new float[mesh.Positions.Length];
        for (int i = 0; i < metres.Length; i++) metres[i] = mesh.Positions[i] / 1000f;
        var indices = new uint[mesh.Triangles.Length];
        for (int i = 0; i < indices.Length; i++) indices[i] = (uint)mesh.Triangles[i];

        var model = ModelRoot.CreateModel();
        var positionView = model.UseBufferView(MemoryMarshal.AsBytes(metres.AsSpan()).ToArray(), 0, null, 0, BufferMode.ARRAY_BUFFER);
        var positions = model.CreateAccessor("positions");
        positions.SetVertexData(positionView, 0, mesh.VertexCount, new SharpGLTF.Memory.AttributeFormat(DimensionType.VEC3));
        var indexView = model.UseBufferView(MemoryMarshal.AsBytes(indices.AsSpan()).ToArray(), 0, null, 0, BufferMode.ELEMENT_ARRAY_BUFFER);
        var triangles = model.CreateAccessor("indices");
        triangles.SetIndexData(indexView, 0, indices.Length, IndexEncodingType.UNSIGNED_INT);
        var surface = model.CreateMesh(name);
        var primitive = surface.CreatePrimitive();
        primitive.SetVertexAccessor("POSITION", positions);
        primitive.SetIndexAccessor(triangles);
        primitive.DrawPrimitiveType = PrimitiveType.TRIANGLES;
        model.UseScene(name).CreateNode(name).Mesh = surface;
        AtomicFile.WriteFile(path, temporary =>
        {
            using var stream = File.Create(temporary);
            model.WriteGLB(stream);
        });
    }

    /// <summary>Reads the positions (back in millimetres) and triangles of a .glb written by <see cref="Write"/>.</summary>
    public static SurfaceMesh Read(string path)
    {
        var model = ModelRoot.Load(path);
        var primitive = model.LogicalMeshes[0].Primitives[0];
        var positions = primitive.GetVertexAccessor("POSITION").AsVector3Array().SelectMany(p => new[] { p.X * 1000f, p.Y * 1000f, p.Z * 1000f }).ToArray();
        var triangles = primitive.GetIndexAccessor().AsIndicesArray().Select(i => (int)i).ToArray();
        return new SurfaceMesh(positions, triangles);
    }
}
