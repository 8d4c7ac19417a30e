#!/usr/bin/python3
"""How close can the solver's η come to a target inside the paper's prior? (issue #12, the η₂ case study)

The prior bounds anisotropy by β = a_max / a_min ≤ 3. Designs for η₂ = (0.25, 0.375, 0.50) end on that bound, so the
question is a property of the material, not of the CNN: the best any θ in the prior can do. This measures it with
the sub-voxel solver only (no surrogate):

1. On the bound β = 3 (a_x smallest, a_z largest, as the target's order asks), a grid over α = a_y / a_x and the
   porosity ε, at a fixed mean length scale, plus points off the grid (β < 3, other length scales) to show which
   way the bound pulls; every point sees the same structure seeds (common random numbers).
2. Fits log η_d as a quadratic in (α, ε) and finds the θ that minimises the largest relative error over the
   three directions; bootstraps the seeds for an interval on that error.
3. Checks the minimax θ on fresh seeds (at N and at N = 192).

  /usr/bin/python3 scripts/analysis/target-reachability.py OUT [--target 0.25,0.375,0.50] [--count 16]

SPINODOID is the program (default: the Release build of this clone). Each grid point is one `spinodoid validate`
run, kept in OUT, so an interrupted run resumes where it stopped.
"""
import argparse
import json
import os
import shlex
import subprocess
import sys

import numpy as np

repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
program = shlex.split(os.environ.get("SPINODOID", f"dotnet {repo}/src/Spinodoid.Cli/bin/Release/net10.0/spinodoid.dll"))


def theta_of(alpha, beta, eps, mean):
    a = np.array([1.0, alpha, beta]) * 3 * mean / (1 + alpha + beta)
    return [float(a[0]), float(a[1]), float(a[2]), float(eps)]


def validate(out, name, theta, size, count, seed, target):
    path = os.path.join(out, name)
    if not os.path.exists(path + ".json"):
        subprocess.run(program + ["validate", "--theta", ",".join(f"{v:.6f}" for v in theta), "--size", str(size),
                                  "--count", str(count), "--seed", str(seed), "--no-cnn", "--target", target,
                                  "--out", path], check=True, stdout=subprocess.DEVNULL)
    rows = np.genfromtxt(path + ".csv", delimiter=",", names=True)
    return np.stack([rows["solver_eta_x"], rows["solver_eta_y"], rows["solver_eta_z"]], axis=1)


def features(alpha, eps):
    alpha, eps = np.broadcast_arrays(np.asarray(alpha, float), np.asarray(eps, float))
    return np.stack([np.ones_like(alpha), alpha, eps, alpha**2, alpha * eps, eps**2], axis=-1)


def minimax(log_eta, alphas, epss, target):
    """Fit each log η_d on the grid; the (α, ε) of the smallest worst relative error on a fine grid."""
    x = features(alphas, epss)
    coefficients = np.linalg.lstsq(x, log_eta, rcond=None)[0]
    fa, fe = np.meshgrid(np.linspace(alphas.min(), alphas.max(), 161), np.linspace(epss.min(), epss.max(), 161))
    predicted = np.exp(features(fa, fe) @ coefficients)
    worst = np.max(np.abs(predicted / target - 1), axis=-1)
    i = np.unravel_index(np.argmin(worst), worst.shape)
    return float(worst[i]), float(fa[i]), float(fe[i]), predicted[i] / target - 1


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out")
    parser.add_argument("--target", default="0.25,0.375,0.50")
    parser.add_argument("--size", type=int, default=128)
    parser.add_argument("--count", type=int, default=16)
    parser.add_argument("--mean-length-scale", type=float, default=0.134)
    parser.add_argument("--alphas", default="1.3,1.55,1.8,2.05")
    parser.add_argument("--porosities", default="0.55,0.575,0.60")
    parser.add_argument("--bootstrap", type=int, default=2000)
    args = parser.parse_args()
    target = np.array([float(v) for v in args.target.split(",")])
    os.makedirs(args.out, exist_ok=True)
    beta, mean = 2.999, args.mean_length_scale
    grid_alpha = [float(v) for v in args.alphas.split(",")]
    grid_eps = [float(v) for v in args.porosities.split(",")]

    points = [(a, e) for a in grid_alpha for e in grid_eps]
    eta = []
    for k, (a, e) in enumerate(points):
        eta.append(validate(args.out, f"grid-{k}", theta_of(a, beta, e, mean), args.size, args.count, 1, args.target))
        print(f"grid {k + 1}/{len(points)}: α {a:.3f} ε {e:.3f}: η {np.round(eta[-1].mean(0), 4)}", flush=True)
    eta = np.array(eta)                          # point × seed × direction
    alphas = np.array([p[0] for p in points])
    epss = np.array([p[1] for p in points])
    worst, best_alpha, best_eps, errors = minimax(np.log(eta.mean(1)), alphas, epss, target)
    rng = np.random.default_rng(0)
    boot = []
    for _ in range(args.bootstrap):
        pick = rng.integers(0, args.count, args.count)
        boot.append(minimax(np.log(eta[:, pick].mean(1)), alphas, epss, target)[0])
    low, high = np.percentile(boot, [2.5, 97.5])
    theta = theta_of(best_alpha, beta, best_eps, mean)
    print(f"minimax on β = 3 (N = {args.size}, {args.count} common seeds): worst |error| {100 * worst:.2f} % "
          f"(95 % bootstrap {100 * low:.2f}–{100 * high:.2f} %) at α = {best_alpha:.3f}, ε = {best_eps:.4f}, "
          f"θ = ({', '.join(f'{v:.4f}' for v in theta)}); fitted errors {np.round(100 * errors, 2)} %")

    # Which way the bound pulls: the same seeds at a smaller β and at other mean length scales, at the minimax (α, ε).
    side = {}
    for name, th in [("beta-2.6", theta_of(best_alpha * 2.6 / 3, 2.6, best_eps, mean)),
                     ("scale-0.10", theta_of(best_alpha, beta, best_eps, 0.10)),
                     ("scale-0.17", theta_of(best_alpha, beta, best_eps, 0.17)),
                     ("minimax", theta)]:
        side[name] = validate(args.out, name, th, args.size, args.count, 1, args.target)
    base = side["minimax"].mean(0)
    for name in ("beta-2.6", "scale-0.10", "scale-0.17"):
        change = side[name].mean(0) / base - 1
        print(f"{name}: η change vs the minimax θ (same seeds) {np.round(100 * change, 2)} %")

    checks = {}
    for size, count in ((args.size, 20), (192, 10)):
        fresh = validate(args.out, f"check-{size}", theta, size, count, 2_000_001, args.target)
        m, se = fresh.mean(0), fresh.std(0, ddof=1) / np.sqrt(count)
        checks[size] = {"eta": m.tolist(), "standard_error": se.tolist(), "relative_error": (m / target - 1).tolist()}
        print(f"check at N = {size} ({count} fresh seeds): η {np.round(m, 4)} ± {np.round(se, 4)}, "
              f"error {np.round(100 * (m / target - 1), 2)} %")
    summary = {"target": target.tolist(), "size": args.size, "count": args.count, "beta": beta, "mean_length_scale": mean,
               "grid": [{"alpha": a, "porosity": e, "eta": eta[k].mean(0).tolist()} for k, (a, e) in enumerate(points)],
               "minimax": {"worst_relative_error": worst, "bootstrap_95": [low, high], "alpha": best_alpha,
                           "porosity": best_eps, "theta": theta, "fitted_relative_error": errors.tolist()},
               "checks": checks}
    with open(os.path.join(args.out, "summary.json.tmp"), "w") as f:
        json.dump(summary, f, indent=1)
    os.replace(os.path.join(args.out, "summary.json.tmp"), os.path.join(args.out, "summary.json"))


if __name__ == "__main__":
    sys.exit(main())
