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
