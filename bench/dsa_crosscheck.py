"""Cross-check attnsim.dynamics.dsa against the reference implementation, `dsa-metric` (Ostrow et al.).

dsa-metric pulls PyTorch, so it is never a dependency of attnsim: it lives in a throwaway venv.

    python -m venv /tmp/dsa_venv
    /tmp/dsa_venv/bin/pip install "torch==2.13.0+cpu" dsa-metric      # CPU torch is enough
    python bench/dsa_crosscheck.py [--ref-python /tmp/dsa_venv/bin/python]

Both sides get the same synthetic systems (tests/helpers/dynamics_systems.py: line and point
attractors, a bent re-read line, a rotated copy) and the same n_delays / rank (HAVOK operator,
angular score). The reference runs in a subprocess of its venv on the saved arrays; this
script prints both distance matrices, their differences, and the eigenvalues of one operator
from each side. Since both search a non-convex problem, attnsim's angle may be lower than the
reference's (its Adam run from 2 starts can stop at a local optimum); agreement means
|difference| <= TOL everywhere. To tell the fit from the search, attnsim's Procrustes search
is also run on the reference's own operators.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

TOL = 0.02          # rad, stated before the run
OPTS = {"n_delays": 2, "rank": 4}


def _reference(npz: str, out: str) -> None:
    """Runs inside the dsa-metric venv: no attnsim here."""
    from DSA import DSA
    from DSA.dmd import DMD
    data = np.load(npz)
    xs = [data[k] for k in data.files]
    t = time.perf_counter()
    dsa = DSA(xs, n_delays=OPTS["n_delays"], rank=OPTS["rank"], score_method="angular", iters=1500, lr=5e-3)
    mat = np.asarray(dsa.fit_score(), dtype=float)
    wall = time.perf_counter() - t
    ops = []
    for x in xs:
        dmd = DMD(x, n_delays=OPTS["n_delays"], rank=OPTS["rank"])
        dmd.fit()
        ops.append(dmd.A_v.cpu().numpy().astype(float))
    np.savez(out, matrix=mat, wall=wall, eig=np.linalg.eigvals(ops[0]), operators=np.stack(ops))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--ref-python", default="/tmp/dsa_venv/bin/python")
    ap.add_argument("--reference", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.reference:
        _reference(*args.reference)
        return
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests"))
    from scipy.stats import ortho_group

    from attnsim.dynamics.dsa import dsa_distance, fit_operator, procrustes_angle
    from helpers.dynamics_systems import system

    line = system("line", seed=0)
    systems = {"line": line, "line_seed2": system("line", seed=3), "line_rotated": line @ ortho_group.rvs(6, random_state=5),
               "line_bent": system("line", seed=2, warp=0.1, n_units=9), "point": system("point", seed=1),
               "point_seed2": system("point", seed=4)}
    names = list(systems)
    t = time.perf_counter()
    ours = np.array([[dsa_distance(systems[a], systems[b], **OPTS) if a != b else 0.0 for b in names] for a in names])
    ours_wall = time.perf_counter() - t
    with tempfile.TemporaryDirectory() as tmp:
        npz, out = os.path.join(tmp, "systems.npz"), os.path.join(tmp, "ref.npz")
        np.savez(npz, **{f"{i:02d}_{n}": systems[n] for i, n in enumerate(names)})
        subprocess.run([args.ref_python, __file__, "--reference", npz, out], check=True)
        ref = dict(np.load(out))
    np.set_printoptions(precision=4, suppress=True, linewidth=140)
    print(f"systems: {names}; options {OPTS}")
    print(f"attnsim ({ours_wall:.1f} s):\n{ours}")
    print(f"dsa-metric ({float(ref['wall']):.1f} s):\n{ref['matrix']}")
    diff = ours - ref["matrix"]
    np.fill_diagonal(diff, 0.0)
    print(f"attnsim - dsa-metric:\n{diff}")
    print(f"max |difference| {np.abs(diff).max():.4f} rad (tolerance {TOL}); attnsim lower in "
          f"{int(np.sum(diff < -TOL))} pairs, higher in {int(np.sum(diff > TOL))}")
    print("operator eigenvalues of 'line', attnsim:", np.sort_complex(np.linalg.eigvals(fit_operator(line, **OPTS).operator)))
    print("operator eigenvalues of 'line', dsa-metric:", np.sort_complex(ref["eig"]))
    # the optimizer alone: attnsim's Procrustes search on dsa-metric's own operators
    ops = ref["operators"]
    on_ref = np.array([[procrustes_angle(a, b)[0] if i != j else 0.0 for j, b in enumerate(ops)]
                       for i, a in enumerate(ops)])
    print(f"attnsim's search on dsa-metric's operators - dsa-metric:\n{on_ref - ref['matrix']}")
    print(f"attnsim's search on dsa-metric's operators - attnsim: max |difference| "
          f"{np.abs(on_ref - ours).max():.2e} rad")
    print("AGREE" if np.abs(diff).max() <= TOL else "DISAGREE")


if __name__ == "__main__":
    main()
