#!/usr/bin/env python3
"""Which features should the coarse-grid correction use? (issue #12, the bundled model's correction.json)

`spinodoid correct` keeps, per structure, the label, the network's eta and the eta of the network's own input solved
on N/2 and N/4 grids (models/compact/correction-{train,validation}-DIGEST.csv). Each candidate feature set is fitted
here as SurrogateCorrection.Fit does it (least squares on logit labels, one weight vector for all three directions;
the polynomials in the four standardised variables, with the network's value kept outside the fitted range
widened by 5 %) on the
training table and scored on the validation table; the test split stays untouched (`spinodoid evaluate` scores the
chosen one on it once).

Cross-check only (Debian's python3-numpy), not a project dependency:
    /usr/bin/python3 scripts/analysis/correction-features.py [models/compact]
"""
import csv
import glob
import itertools
import sys

import numpy as np

folder = sys.argv[1] if len(sys.argv) > 1 else "models/compact"


def table(split):
    paths = glob.glob(f"{folder}/correction-{split}-*.csv")
    if len(paths) != 1:
        sys.exit(f"expected one correction-{split}-*.csv in {folder}, found {len(paths)}: run spinodoid correct first")
    rows = list(csv.DictReader(open(paths[0])))
    get = lambda prefix: np.array([[float(r[f"{prefix}_{a}"]) for a in "xyz"] for r in rows])
    eps = np.repeat(np.array([float(r["porosity"]) for r in rows])[:, None], 3, 1)
    return get("eta"), get("cnn"), get("coarse_half"), get("coarse_quarter"), eps


def logit(p):
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def variables(cnn, half, quarter, e):
    return [logit(cnn), logit(half), logit(quarter), e]


def polynomial(v, center, scale, degree):
    z = [(v[k] - center[k]) / scale[k] for k in range(4)]
    columns = [np.ones_like(z[0])]
    for d in range(1, degree + 1):
        for combo in itertools.combinations_with_replacement(range(4), d):
            columns.append(np.prod([z[k] for k in combo], axis=0))
    return np.stack(columns, -1)


def linear_sets(a, b, c, e):
    return {
        "network, eps, eps^2 (recalibration only)": [a, e, e * e, e * a],
        "network + coarse N/4": [a, c, e, e * e, e * c, e * a],
        "network + coarse N/2": [a, b, e, e * e, e * b, e * a],
        "coarse N/2 + N/4, no network": [b, c, e, e * e, e * b, e * c],
    }


train, validation = table("train"), table("validation")
usable = lambda t: (t[2] >= 1e-3) & (t[3] >= 1e-3)
label, cnn, eps = validation[0], validation[1], validation[4][:, 0]
vt, vv = variables(*train[1:]), variables(*validation[1:])
keep = usable(train)
center = [v[keep].mean() for v in vt]
scale = [v[keep].std() for v in vt]
inside = usable(validation)
for k in range(4):
    lo, hi = vt[k][keep].min(), vt[k][keep].max()
    margin = 0.05 * (hi - lo)  # SurrogateCorrection.RangeMargin
    inside &= (vv[k] >= lo - margin) & (vv[k] <= hi + margin)
print(f"fitted on {len(train[0])} training structures, scored on {len(label)} validation structures "
      f"({100 * inside.mean():.2f} % of directions inside the fitted range)")
print(f"{'features':42s} {'weights':>7s} {'MAPE %':>7s} {'eps<0.35':>9s} {'eps>=0.6':>9s} {'max %':>7s} {'MSE logit':>10s}")


def report(name, predicted, k):
    ape = 100 * np.abs(predicted - label) / label
    low, high = eps < 0.35, eps >= 0.6
    print(f"{name:42s} {k:7d} {ape.mean():7.3f} {ape[low].mean():9.3f} {ape[high].mean():9.3f} {ape.max():7.2f} "
          f"{np.mean((logit(predicted) - logit(label)) ** 2):10.3e}")


def fit_and_score(xt, xv):
    w = np.linalg.lstsq(xt[keep], logit(train[0])[keep], rcond=None)[0]
    return np.where(inside, 1 / (1 + np.exp(-(xv @ w))), cnn), len(w)


report("network alone", cnn, 0)
for (name, ct), cv in zip(linear_sets(*vt).items(), linear_sets(*vv).values()):
    report(name, *fit_and_score(np.stack([np.ones_like(ct[0])] + ct, -1), np.stack([np.ones_like(cv[0])] + cv, -1)))
for degree in range(1, 6):
    name = f"polynomial of degree {degree} in all four" + (" (default)" if degree == 4 else "")
    report(name, *fit_and_score(polynomial(vt, center, scale, degree), polynomial(vv, center, scale, degree)))
