using TorchSharp;
using static TorchSharp.torch;

namespace Spinodoid.Surrogate;

/// <summary>
/// Transformations of an input (1, D, H, W) = (channel, z, y, x) that leave the labels invariant, or permute them
/// along (Methods, "data augmentation"). Flipping along any axis leaves every η unchanged (the problem is
/// symmetric under reversing inlet and outlet, and lateral mirrors); permuting axes permutes η with them.
/// Circular shifts are exact only across the sides, so they are used for one-direction models only.
/// </summary>
public static class Augmentation
{
    // Tensor dims of the spatial axes: x → 3 (W), y → 2 (H), z → 1 (D).
    private static readonly int[] DimOfAxis = [3, 2, 1];

    /// <summary>
    /// Joint model: a random axis permutation (targets permuted with it) and random flips along all three axes.
    /// <paramref name="targets"/> holds logit(η_x, η_y, η_z) and is permuted in place.
    /// </summary>
    public static Tensor Joint(Tensor input, float[] targets, Random random)
    {
        // perm[k] = the original axis now lying along axis k.
        var perm = new[] { 0, 1, 2 }.OrderBy(_ => random.Next()).ToArray();
        var dims = new long[] { 0, DimOfAxis[perm[2]], DimOfAxis[perm[1]], DimOfAxis[perm[0]] };
        var permuted = input.permute(dims);
        var old = (float[])targets.Clone();
        for (int k = 0; k < 3; k++) targets[k] = old[perm[k]];
        var flips = Enumerable.Range(1, 3).Where(_ => random.Next(2) == 1).Select(d => (long)d).ToArray();
        return flips.Length > 0 ? permuted.flip(flips) : permuted;
    }

    /// <summary>
    /// The first <paramref name="count"/> elements of the cube's symmetry group as (axis permutation, flipped axes):
    /// 1 → the identity, 6 → the axis permutations, 48 → every permutation with every set of flips.
    /// permutation[k] is the original axis (0 = x, 1 = y, 2 = z) that lies along axis k after the transform.
    /// </summary>
    public static IEnumerable<(int[] Permutation, int[] FlippedAxes)> CubeSymmetries(int count)
    {
        int[][] permutations = [[0, 1, 2], [1, 2, 0], [2, 0, 1], [0, 2, 1], [2, 1, 0], [1, 0, 2]];
        int produced = 0;
        for (int f = 0; f < 8 && produced < count; f++)
            foreach (var permutation in permutations)
            {
                if (produced++ == count) yield break;
                yield return (permutation, Enumerable.Range(0, 3).Where(a => (f >> a & 1) == 1).ToArray());
            }
    }

    /// <summary>
    /// A batch (B, C, D, H, W) transformed by one element of <see cref="CubeSymmetries"/>: axes permuted so that the
    /// original axis permutation[k] lies along axis k, then the given axes (after permutation) flipped.
    /// </summary>
    public static Tensor Transform(Tensor batch, int[] permutation, int[] flippedAxes)
    {
        // Batch dims of the spatial axes: x → 4 (W), y → 3 (H), z → 2 (D).
        var dims = new long[] { 0, 1, 1 + DimOfAxis[permutation[2]], 1 + DimOfAxis[permutation[1]], 1 + DimOfAxis[permutation[0]] };
        var permuted = dims.SequenceEqual(new long[] { 0, 1, 2, 3, 4 }) ? batch : batch.permute(dims);
        return flippedAxes.Length == 0 ? permuted : permuted.flip(flippedAxes.Select(a => (long)(1 + DimOfAxis[a])).ToArray());
    }

    /// <summary>
    /// One-direction model (transport along the first spatial dim, z): random flips along all axes, a random
    /// swap of the two lateral axes, and a random circular shift in the lateral plane.
    /// </summary>
    public static Tensor SingleDirection(Tensor input, Random random)
    {
        var result = random.Next(2) == 1 ? input.permute(0, 1, 3, 2) : input;
        var flips = Enumerable.Range(1, 3).Where(_ => random.Next(2) == 1).Select(d => (long)d).ToArray();
        if (flips.Length > 0) result = result.flip(flips);
        long side = input.shape[2];
        return result.roll(new long[] { random.NextInt64(side), random.NextInt64(side) }, new long[] { 2, 3 });
    }

    /// <summary>The input turned so that <paramref name="axis"/> lies along the first spatial dim (for one-direction models).</summary>
    public static Tensor TransportAlongFirstDim(Tensor input, Microstructure.Axis axis)
    {
        // Works for one sample (C, D, H, W) and for a batch (B, C, D, H, W): the spatial dims are the last three.
        long o = input.dim() - 3;
        var leading = Enumerable.Range(0, (int)o).Select(d => (long)d);
        return axis switch
        {
            Microstructure.Axis.Z => input,
            Microstructure.Axis.Y => input.permute([.. leading, o + 1, o, o + 2]),
            _ => input.permute([.. leading, o + 2, o + 1, o]),
        };
    }
}
