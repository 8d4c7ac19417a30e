#!/usr/bin/env python3
"""How much does a sub-voxel label know that the voxel structure does not? (issue #12, choice of CNN input)

The earlier voxel-labelled dataset (data/compact-voxel) and the bundled sub-voxel one (data/compact) share
(seed, index) -> (theta, structure seed), so rows with one index are the same structure labelled twice. If
log(eta_subvoxel / eta_voxel) is a smooth function of quantities the voxel structure already fixes (its voxel eta,
porosity, length scales), a CNN that sees binary voxels (2x2x2 counts) loses nothing the sub-voxel label needs;
the held-out residual of that fit bounds what a continuous-field input could add.

Cross-check only (Debian's python3-numpy), not a project dependency:
    /usr/bin/python3 scripts/analysis/subvoxel-label-information.py
"""
import csv
import itertools
import sys

import numpy as np


def load(path):
    return {int(r["index"]): r for r in csv.DictReader(open(path))}


voxel = load("data/compact-voxel/dataset.csv")
subvoxel = load("data/compact/dataset.csv")
common = sorted(set(voxel) & set(subvoxel))
if not common:
    sys.exit("no rows in common")

features, target, structure = [], [], []
for i in common:
    v, s = voxel[i], subvoxel[i]
    assert v["seed"] == s["seed"] and v["a_x"] == s["a_x"], f"row {i} is not the same structure"
    lengths = np.log([float(v[k]) for k in ("a_x", "a_y", "a_z")])
    porosity = float(v["porosity"])
    for d, axis in enumerate("xyz"):
        ev, es = float(v[f"eta_{axis}"]), float(s[f"eta_{axis}"])
        if ev <= 0 or es <= 0:
            continue
        features.append([lengths[d], lengths.mean(), porosity, np.log(ev)])
        target.append(np.log(es / ev))
        structure.append(i)
features, target, structure = np.array(features), np.array(target), np.array(structure)


def cubic(columns, reference):
    z = (columns - reference.mean(0)) / reference.std(0)
    terms = [np.ones(len(z))]
    for degree in (1, 2, 3):
        for combination in itertools.combinations_with_replacement(range(z.shape[1]), degree):
            terms.append(np.prod(z[:, combination], axis=1))
    return np.array(terms).T


# Held out by structure: the three directions of one structure are all on one side.
held_out = set(np.random.default_rng(0).permutation(common)[: len(common) // 4].tolist())
test = np.array([k for k in range(len(target)) if structure[k] in held_out])
train = np.array([k for k in range(len(target)) if structure[k] not in held_out])
print(f"{len(common)} structures labelled both ways, {len(target)} (structure, direction) pairs; "
      f"eta_subvoxel / eta_voxel: mean {np.exp(target).mean():.4f}, std of the log {target.std():.4f}")
for name, columns in (("theta only (log a_d, mean log a, porosity)", features[:, :3]),
                      ("theta and the voxel eta", features)):
    design = cubic(columns, columns[train])
    coefficients, *_ = np.linalg.lstsq(design[train], target[train], rcond=None)
    residual = target[test] - design[test] @ coefficients
    print(f"cubic fit on {name}: held-out |residual| of log ratio mean {np.abs(residual).mean():.4f}, "
          f"std {residual.std():.4f}, 95th percentile {np.quantile(np.abs(residual), 0.95):.4f}")
