using TorchSharp;

namespace Spinodoid.Runtime;

/// <summary>
/// One place that touches libtorch's global state: loading and the thread count. The library in the build
/// output has already been patched for older libstdc++ (see Directory.Build.targets).
/// </summary>
public static class TorchRuntime
{
    private static readonly object Gate = new();
    private static bool _initialised;

    /// <summary>Loads libtorch and uses every core for its intra-op work. Safe to call many times.</summary>
    public static void EnsureInitialised()
    {
        if (_initialised) return;
        lock (Gate)
        {
            if (_initialised) return;
            ReduceAllocatorPageFaults();
            LimitOneDnnToAvx2();
            try
            {
                torch.set_num_threads(Environment.ProcessorCount);
            }
            catch (TypeInitializationException e)
            {
                throw new InvalidOperationException(
                    "libtorch could not be loaded. Build with 'dotnet build' (the build marks the GLIBCXX_3.4.32 " +
                    "requirement of libLibTorchSharp.so weak for Debian 12's libstdc++). Details: " +
                    (e.InnerException?.Message ?? e.Message), e);
            }
            _initialised = true;
        }
    }

    /// <summary>
    /// A tensor holding a copy of <paramref name="data"/>. <c>torch.tensor(array)</c> wraps the managed array
    /// without copying, so a tensor made from a temporary array would depend on that array staying alive and
    /// unchanged; every tensor built from short-lived arrays goes through here.
    /// </summary>
    public static torch.Tensor CopyToTensor(float[] data, long[] shape)
    {
        EnsureInitialised();
        var copy = torch.tensor(data, shape).clone();
        GC.KeepAlive(data);
        return copy;
    }

    /// <summary>
    /// libtorch allocates its tensors with malloc. glibc serves blocks above a dynamic threshold with fresh
    /// mmap pages and trims freed memory back to the kernel, so every same-sized FFT buffer page-faults anew
    /// (measured: 60–300 ms instead of 20 ms for a 192³ inverse FFT here). Raising the mmap threshold to its
    /// maximum (32 MiB) and never trimming lets repeated tensors reuse warm memory.
    /// </summary>
    private static void ReduceAllocatorPageFaults()
    {
        if (!OperatingSystem.IsLinux()) return;
        try
        {
            const int mTrimThreshold = -1, mMmapThreshold = -3;
            mallopt(mMmapThreshold, 32 << 20);
            mallopt(mTrimThreshold, int.MaxValue);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc (e.g. musl): keep the allocator's defaults.
        }
    }

    /// <summary>
    /// libtorch 2.10's oneDNN AVX-512 convolution kernels give wrong results on this project's reference machine
    /// (AMD EPYC with AVX-512): forward and gradients 1–25 % off and intermittently NaN, against libtorch's own
    /// non-oneDNN convolution and a float64 reference (tests/…/NetworkTests). Capped at AVX2 they agree to 1e-6.
    /// A user who sets ONEDNN_MAX_CPU_ISA (or DNNL_MAX_CPU_ISA) keeps their choice. oneDNN reads the variable from
    /// the native environment at its first primitive, so it is set with libc's setenv before libtorch runs.
    /// </summary>
    private static void LimitOneDnnToAvx2()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return;
        try
        {
            if (getenv("DNNL_MAX_CPU_ISA") == IntPtr.Zero) setenv("ONEDNN_MAX_CPU_ISA", "AVX2", 0);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "getenv")]
    private static extern IntPtr getenv(string name);

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "setenv")]
    private static extern int setenv(string name, string value, int overwrite);

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "mallopt")]
    private static extern int mallopt(int parameter, int value);
}
