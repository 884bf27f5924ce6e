"""Cross-check attnsim.dynamics.shape against netrep and attnsim.dynamics.rsa against rsatoolbox.

Neither package is a dependency of attnsim; they live in a throwaway venv:

    python -m venv /tmp/geo_venv
    /tmp/geo_venv/bin/pip install rsatoolbox
    /tmp/geo_venv/bin/pip install <a checkout of github.com/ahwillia/netrep>   # not on PyPI
    python bench/geometry_crosscheck.py [--ref-python /tmp/geo_venv/bin/python]

The same random data go to both sides (seeded here, saved to a temporary .npz); the reference
side runs in a subprocess of its venv. Compared:
- netrep LinearMetric (alpha 1, 0.5, 0; angular and euclidean; 5 vs 7 units, zero-padded)
  with attnsim's procrustes_distance;
- netrep GaussianStochasticMetric (alpha 0.5, 1, 2; orthogonal group, no centring, the smallest of
  its means start and 5 random starts)
  with attnsim's stochastic_shape_distance(center=False);
- rsatoolbox calc_rdm crossnobis (identity and shrinkage precision, leave one fold out) with
  attnsim's crossval_rdm, and rsatoolbox's shrinkage_diag noise covariance with attnsim's;
- rsatoolbox compare (spearman, cosine) with attnsim's compare_rdms.
Agreement: relative difference <= 1e-6 for the closed forms (Procrustes, RDMs, noise
covariance, comparisons), <= 1e-3 for the stochastic distance (both search over rotations).
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import os

import numpy as np

ALPHAS_LINEAR = (1.0, 0.5, 0.0)
ALPHAS_STOCH = (0.5, 1.0, 2.0)


def _data():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((40, 5))
    y = x @ rng.standard_normal((5, 7)) + 0.5 * rng.standard_normal((40, 7))
    m, n = 10, 3
    mx, my = rng.standard_normal((m, n)), rng.standard_normal((m, n))
    fx, fy = rng.standard_normal((m, n, n)), rng.standard_normal((m, n, n))
    cx, cy = np.einsum("mij,mkj->mik", fx, fx) / n, np.einsum("mij,mkj->mik", fy, fy) / n
    # RSA: 5 conditions x 6 trials x 8 units, correlated noise
    means = rng.standard_normal((5, 8))
    chol = np.linalg.cholesky(0.5 * np.eye(8) + 0.5)
    trials = np.stack([mu + rng.standard_normal((6, 8)) @ chol.T for mu in means])
    rdm_b = rng.random((5, 5))
    return {"x": x, "y": y, "mx": mx, "my": my, "cx": cx, "cy": cy, "trials": trials, "rdm_b": rdm_b + rdm_b.T}


def _reference(npz: str, out: str) -> None:
    """Runs in the reference venv: netrep and rsatoolbox, no attnsim."""
    import rsatoolbox
    from netrep.metrics import GaussianStochasticMetric, LinearMetric
    d = dict(np.load(npz))
    res = {}
    for a in ALPHAS_LINEAR:
        for score in ("angular", "euclidean"):
            res[f"linear_{a}_{score}"] = LinearMetric(alpha=a, score_method=score).fit_score(d["x"], d["y"])
    for a in ALPHAS_STOCH:
        # the smallest over netrep's "means" start and 5 random starts (its n_restarts must be 1)
        metrics = [GaussianStochasticMetric(alpha=a)] + [GaussianStochasticMetric(alpha=a, init="rand", random_state=s)
                                                         for s in range(5)]
        res[f"stoch_{a}"] = min(m.fit_score((d["mx"], d["cx"]), (d["my"], d["cy"])) for m in metrics)
        more = [GaussianStochasticMetric(alpha=a, init="rand", random_state=s) for s in range(5, 40)]
        res[f"diag_stoch40_{a}"] = min([res[f"stoch_{a}"]] + [m.fit_score((d["mx"], d["cx"]), (d["my"], d["cy"]))
                                                               for m in more])
    tr = d["trials"]
    c, k, p = tr.shape
    meas = tr.reshape(c * k, p)
    desc = {"conds": np.repeat(np.arange(c), k), "fold": np.tile(np.arange(k), c)}
    ds = rsatoolbox.data.Dataset(meas, obs_descriptors=desc)
    resid = (tr - tr.mean(axis=1, keepdims=True)).reshape(c * k, p)
    cov = rsatoolbox.data.noise.cov_from_residuals(resid, dof=c * k - c, method="shrinkage_diag")
    res["noise_cov"] = cov
    for name, prec in (("identity", None), ("shrinkage", np.linalg.inv(cov))):
        rdm = rsatoolbox.rdm.calc_rdm(ds, method="crossnobis", descriptor="conds", cv_descriptor="fold", noise=prec)
        res[f"rdm_{name}"] = rdm.get_matrices()[0]
    a = rsatoolbox.rdm.RDMs(res["rdm_shrinkage"][None])
    b = rsatoolbox.rdm.RDMs(d["rdm_b"][None] * (1 - np.eye(c))[None])
    for method in ("spearman", "cosine"):
        res[f"compare_{method}"] = float(rsatoolbox.rdm.compare(a, b, method=method)[0, 0])
    np.savez(out, **{k: np.asarray(v) for k, v in res.items()})


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--ref-python", default="/tmp/geo_venv/bin/python")
    ap.add_argument("--reference", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.reference:
        _reference(*args.reference)
        return
    from attnsim.dynamics.rsa import compare_rdms, crossval_rdm, noise_covariance, residuals
    from attnsim.dynamics.shape import procrustes_distance, stochastic_shape_distance
    d = _data()
    with tempfile.TemporaryDirectory() as tmp:
        npz, out = os.path.join(tmp, "data.npz"), os.path.join(tmp, "ref.npz")
        np.savez(npz, **d)
        subprocess.run([args.ref_python, __file__, "--reference", npz, out], check=True)
        ref = dict(np.load(out))
    ours = {}
    for a in ALPHAS_LINEAR:
        for score in ("angular", "euclidean"):
            ours[f"linear_{a}_{score}"] = procrustes_distance(d["x"], d["y"], alpha=a, metric=score)
    for a in ALPHAS_STOCH:
        ours[f"stoch_{a}"] = stochastic_shape_distance(d["mx"], d["cx"], d["my"], d["cy"], alpha=a, center=False)
    tr = d["trials"]
    c, k, _ = tr.shape
    cov = noise_covariance(residuals(list(tr)), dof=c * k - c)
    ours["noise_cov"] = cov
    ours["rdm_identity"] = crossval_rdm(list(tr))
    ours["rdm_shrinkage"] = crossval_rdm(list(tr), precision=np.linalg.inv(cov))
    for method in ("spearman", "cosine"):
        ours[f"compare_{method}"] = compare_rdms(ours["rdm_shrinkage"], d["rdm_b"], method)
    for a in ALPHAS_STOCH:   # a diagnostic, outside the agreement criterion: netrep with 40 starts
        print(f"stoch_{a}: netrep, smallest of 40 starts {float(ref[f'diag_stoch40_{a}']):.6f}; attnsim "
              f"{ours[f'stoch_{a}']:.6f}")
    worst = {"closed": 0.0, "stochastic": 0.0}
    for key in ours:
        a, b = np.asarray(ours[key], float), np.asarray(ref[key], float)
        rel = float(np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-12))
        kind = "stochastic" if key.startswith("stoch") else "closed"
        worst[kind] = max(worst[kind], rel)
        shown = f"{float(a):.6f} vs {float(b):.6f}" if a.ndim == 0 else f"max |a| {np.max(np.abs(a)):.4f}"
        print(f"{key:28s} attnsim vs reference: {shown}  rel. difference {rel:.2e}")
    ok = worst["closed"] <= 1e-6 and worst["stochastic"] <= 1e-3
    print(f"worst relative difference: closed forms {worst['closed']:.2e} (tol 1e-6), "
          f"stochastic {worst['stochastic']:.2e} (tol 1e-3) -> {'AGREE' if ok else 'DISAGREE'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
