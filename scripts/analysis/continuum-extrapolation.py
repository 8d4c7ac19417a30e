#!/usr/bin/env python3
"""Error of the continuum extrapolation (`--extrapolate`) against the resolution study's continuum values.

Reads bench/results/resolution-study.csv (every sub-voxel eta of 12 morphologies x 3 directions at N = 64, 96, 128,
192, and the continuum eta_c from N = 192 and 256) and prints, per N, the error of one sub-voxel solve and of the
second-order extrapolation from N and N' (the pair the program uses: N' = 3N/4 where the study has it, else 64).
Plain Python, no packages:  python3 scripts/analysis/continuum-extrapolation.py [csv]
"""
import csv
import sys
from collections import defaultdict

path = sys.argv[1] if len(sys.argv) > 1 else "bench/results/resolution-study.csv"
eta = defaultdict(dict)
continuum = {}
for row in csv.DictReader(open(path)):
    if row["discretization"] != "Subvoxel":
        continue
    key = (row["case"], row["axis"])
    eta[key][int(row["N"])] = float(row["eta"])
    continuum[key] = float(row["eta_continuum"])
keys = [k for k in eta if continuum[k] > 0]


def summary(errors):
    return (f"mean {sum(errors) / len(errors):+.2f} %, mean |.| {sum(map(abs, errors)) / len(errors):.2f} %, "
            f"max |.| {max(map(abs, errors)):.2f} %")


def extrapolate(fine, n, coarse, m):
    return fine + (fine - coarse) / ((n / m) ** 2 - 1)


for n, m in [(96, 64), (128, 96), (192, 128), (128, 64)]:
    single = [100 * (eta[k][n] / continuum[k] - 1) for k in keys]
    pair = [100 * (extrapolate(eta[k][n], n, eta[k][m], m) / continuum[k] - 1) for k in keys]
    worst = max(keys, key=lambda k: abs(extrapolate(eta[k][n], n, eta[k][m], m) / continuum[k] - 1))
    print(f"N = {n:3}: one solve {summary(single)}")
    print(f"  extrapolated from N = {n} and {m}: {summary(pair)} (worst: {worst[0]} {worst[1]})")
