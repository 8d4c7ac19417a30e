using System.Diagnostics;
using System.Globalization;
using Spinodoid.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Spinodoid.Benchmarks;

/// <summary>
/// Reproduces the intermittent libtorch failure ("Unknown scalar type" in THSTensor_mul_scalar_): TorchSharp does not
/// keep an implicitly converted Scalar alive during the native call, so a collection on another thread can finalise
/// (free) it while libtorch reads it. Runs in-place scalar products while another thread forces collections, first with
/// implicit Scalars (the old code), then with owned ones (the fix), and counts failures and wrong results.
/// </summary>
internal static class ScalarLifetimeStress
{
    public static int Run(string[] args)
    {
        double seconds = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 20;
        TorchRuntime.EnsureInitialised();
        foreach (bool owned in new[] { false, true })
        {
            using var stop = new CancellationTokenSource();
            var collector = Task.Run(() =>
            {
                while (!stop.IsCancellationRequested)
                {
                    _ = new byte[1 << 16];
                    GC.Collect();
                    GC.WaitForPendingFinalizers();
                }
            });
            long calls = 0, failures = 0, wrong = 0;
            string? firstError = null;
            var watch = Stopwatch.StartNew();
            using var t = ones(64);
            while (watch.Elapsed.TotalSeconds < seconds / 2)
            {
                double k = 1 + (calls % 7);
                try
                {
                    using var scope = NewDisposeScope();
                    var x = t.clone();
                    if (owned)
                    {
                        using var scalar = k.ToScalar();
                        x.mul_(scalar);
                    }
                    else x.mul_(k);
                    if (x[0].item<float>() != (float)k) wrong++;
                }
                catch (Exception e)
                {
                    failures++;
                    firstError ??= e.Message.Split('\n')[0];
                }
                calls++;
            }
            stop.Cancel();
            collector.Wait();
            Console.WriteLine($"{(owned ? "owned Scalars   " : "implicit Scalars")}: {calls:N0} calls in {watch.Elapsed.TotalSeconds:F0} s under forced collections: " +
                              $"{failures} failed, {wrong} wrong{(firstError is null ? "" : $" (first: {firstError})")}");
        }
        return 0;
    }
}
