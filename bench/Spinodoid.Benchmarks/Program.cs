using BenchmarkDotNet.Running;
using Spinodoid.Benchmarks;

// Usage:
//   dotnet run -c Release --project bench/Spinodoid.Benchmarks -- generate [N] [repeats]
//   dotnet run -c Release --project bench/Spinodoid.Benchmarks -- bdn [BenchmarkDotNet arguments]
string command = args.Length > 0 ? args[0] : "help";
switch (command)
{
    case "generate":
        return GenerationTiming.Run(args.Skip(1).ToArray());
    case "diffusivity":
        return DiffusivityTiming.Run(args.Skip(1).ToArray());
    case "taufactor":
        return TauFactorBenchmark.Run(args.Skip(1).ToArray());
    case "resolution":
        return ResolutionStudy.Run(args.Skip(1).ToArray());
    case "tolerance":
        return ToleranceStudy.Run(args.Skip(1).ToArray());
    case "cylinders":
        return CylinderStudy.Run(args.Skip(1).ToArray());
    case "surrogate":
        return SurrogateThroughput.Run(args.Skip(1).ToArray());
    case "abc":
        return AbcKernelComparison.Run(args.Skip(1).ToArray());
    case "scalars":
        return ScalarLifetimeStress.Run(args.Skip(1).ToArray());
    case "subvoxel-profile":
        return SubvoxelProfile.Run(args.Skip(1).ToArray());
    case "surface":
        return SurfaceTiming.Run(args.Skip(1).ToArray());
    case "emulator":
        return EmulatorAccuracy.Run(args.Skip(1).ToArray());
    case "emulator-ensemble":
        return EmulatorEnsembleSize.Run(args.Skip(1).ToArray());
    case "abc-vs-emulator":
        return AbcEmulatorAgreement.Run(args.Skip(1).ToArray());
    case "emulator-labels":
        return EmulatorLabelSources.Run(args.Skip(1).ToArray());
    case "threshold-drift":
        return ThresholdDrift.Run(args.Skip(1).ToArray());
    case "conductance-variants":
        return ConductanceVariants.Run(args.Skip(1).ToArray());
    case "coarse":
        return CoarseTransportTiming.Run(args.Skip(1).ToArray());
    case "cycles":
        return MultigridCycles.Run(args.Skip(1).ToArray());
    case "bdn":
        BenchmarkSwitcher.FromAssembly(typeof(GenerationTiming).Assembly).Run(args.Skip(1).ToArray());
        return 0;
    default:
        Console.WriteLine("""
            spinodoid benchmarks (run in Release: dotnet run -c Release --project bench/Spinodoid.Benchmarks -- …)
              generate [N=192] [repeats=21] [θ=θ₁]   generation + threshold + connectivity; the sub-voxel geometry and set-up; median
              diffusivity [N=192] [seeds=5] [tol=1e-5] [subvoxel|voxel] [θ=θ₁]   η along x, y, z of θ structures, seeds 0…; median time
              taufactor [zip-or-tif] [tol=1e-5]   the TauFactor 500³ volume against published τ
              resolution [samples=10] [sizes=64,96,128,192] [reference=192,256] [csv]   voxel and sub-voxel η at several N against the continuum
              cylinders [fraction=0.5] [sides=8,…,64]   voxel and sub-voxel η of a cylinder array against the Rayleigh series
              surrogate [batch=8] [rounds=3]   structures/s for generate + CNN prediction (compact, compact + coarse-grid correction, paper)
              abc [target=0.40,0.50,0.60] [P=512] [final=0.01] [seed=1] [name filter]   simulator calls of ABC-PMC strategies on a cheap stand-in model
              scalars [seconds=20]            libtorch calls with implicit vs owned Scalars under forced collections (the inference crash)
              tolerance [N=128] [seeds=3] [θ=low-porosity design] [tolerances=1e-5,3e-5,1e-4,3e-4]   PCG stopping tolerance: time, iterations, η error against 1e-8
              subvoxel-profile [N=128] [seeds=3] [θ=η₁ design] where a sub-voxel label's time goes (generation, set-up, multigrid, solve)
              surface [sizes=32,64,96,128,192] [repeats=5]   the η₁ design's solid surface (export): triangles, STL size, time, volume error
              emulator [model=models/compact] [thetas=12] [seeds=8] [draw seed]   emulator η̄ against repeated solver and CNN runs at held-out θ
              abc-vs-emulator [model=models/compact] [out=/tmp/…] [spread=5] [first=0]   ABC and emulator posteriors on η₁, η₂ and targets spread over the reachable set
              emulator-labels [model=models/compact] [data=data/compact] [epochs=150]   emulators from CNN draws or solver labels, scored on the test split
              emulator-ensemble [data=data/compact] [members=8] [epochs=150]   emulators averaged over 1, 2, 4, … members, scored on the test split
              coarse [structures=16] [rounds=3]   the coarse-grid correction's 64³ + 32³ solves per CNN input (N = 128): one at a time and in parallel
              cycles [N=192] [seeds=4] [scales]   V- against W-cycle multigrid (coarse sweeps 2 or 1): median time, iterations, η difference
              conductance-variants [N=128] [csv] [weights=0,1/6,1/4]   apertures (0) against series face conductances (w > 0) or apertures from the 2N field (−1), vs the resolution study's η_c
              threshold-drift a_x a_y a_z ε seed   the voxel-quantile threshold at N = 64…256 and the porosity it gives on a 384³ sampling
              bdn [--filter *]                BenchmarkDotNet micro-benchmarks of the stages
            """);
        return command == "help" ? 0 : 2;
}
