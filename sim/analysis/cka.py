"""Linear centred kernel alignment (Kornblith et al. 2019): do two models represent the task alike?

Between two models the samples are (condition, time) pairs of their
condition-averaged trajectories in the stimulus epoch, on a common time grid:

    M_m[c, t, :]  = trial average of model m's rates over the trials of stimulus cell c, at time t
    D_m[c, t, :]  = M_m[c, t, :] - mean_c' M_m[c', t, :]     (condition-independent mean removed)
    CKA           = linear_cka(D_1 reshaped (C T, units_1), D_2 reshaped (C T, units_2))

Removing the condition-independent mean (the time course every condition shares: onset
transients, ramps) follows the demixing of Kobak et al. 2016 (eLife 5:e10989) and the
practice of comparing condition codes rather than shared dynamics (Kornblith et al. 2019
centre over samples only, so with (condition, time) samples a common time course makes any
two models with the same epochs look alike: 0.997 for unrelated condition codes).

Shuffle baseline: the same CKA with the condition labels of the second model permuted
(n_shuffle random permutations of its C conditions, the time axis kept): the value two
models with unrelated condition codes read, given their time courses. A CKA is
informative only when it lies above the shuffle distribution (report its mean and 95th
percentile beside it).
"""
from __future__ import annotations

import numpy as np

from attnsim.analysis.trajectories import basic_labels, condition_average, resample
from attnsim.analysis.windows import epoch_ms
from attnsim.models.activity import Activity
from attnsim.tasks.trials import Trials

N_SHUFFLE = 200


def linear_cka(x: np.ndarray, y: np.ndarray) -> float:
    """||Yc^T Xc||_F^2 / (||Xc^T Xc||_F ||Yc^T Yc||_F) for (n_samples, features) matrices.

    Invariant to orthogonal transforms and isotropic scaling of either side;
    the feature counts may differ.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if x.shape[0] != y.shape[0]:
        raise ValueError(f"linear_cka: sample counts differ ({x.shape[0]} vs {y.shape[0]})")
    x = x - x.mean(axis=0)
    y = y - y.mean(axis=0)
    cross = np.linalg.norm(y.T @ x) ** 2
    norm = np.linalg.norm(x.T @ x) * np.linalg.norm(y.T @ y)
    return float(cross / norm) if norm > 0 else float("nan")


def condition_tensor(trials: Trials, activity: Activity, t_ms: np.ndarray, *, labels=None, units=None,
                     subtract_condition_mean: bool = True) -> np.ndarray:
    """(C, T, units) condition-averaged rates at times t_ms, the mean over conditions removed at each time."""
    labels = basic_labels(trials) if labels is None else labels
    avg = condition_average(trials, activity, labels=labels, units=units)
    m = np.stack([resample(avg[k], activity.dt_ms, t_ms) for k in avg])
    return m - m.mean(axis=0, keepdims=True) if subtract_condition_mean else m


MAX_BLOCK_VALUES = 25_000_000   # C^2 x units_1 x units_2 kept for the shuffles (200 MB of float64)


def _shuffled_cka(m1: np.ndarray, m2: np.ndarray, perms: list[np.ndarray]) -> list[float]:
    """linear_cka(m1, m2 with its conditions permuted by p) for each p, on (C, T, units) tensors.

    A permutation of whole conditions keeps the column means, so both sides are centred once and
    only the cross term changes: Y_p^T X = sum_c Y[p(c)]^T X[c]. With the C^2 blocks Y[a]^T X[b]
    computed once (when they fit in MAX_BLOCK_VALUES), each shuffle is C additions instead of a
    product over all samples; else the product is recomputed per shuffle."""
    if not perms:
        return []
    n_c, n_t = m1.shape[:2]
    x = m1.reshape(n_c * n_t, -1)
    y = m2.reshape(n_c * n_t, -1)
    x = (x - x.mean(axis=0)).reshape(m1.shape)
    y = (y - y.mean(axis=0)).reshape(m2.shape)
    xf, yf = x.reshape(n_c * n_t, -1), y.reshape(n_c * n_t, -1)
    norm = np.linalg.norm(xf.T @ xf) * np.linalg.norm(yf.T @ yf)
    if not norm > 0:
        return [float("nan")] * len(perms)
    if n_c * n_c * x.shape[2] * y.shape[2] <= MAX_BLOCK_VALUES:
        blocks = np.einsum("atj,bti->abji", y, x, optimize=True)        # blocks[a, b] = Y[a]^T X[b]
        cols = np.arange(n_c)
        return [float(np.linalg.norm(blocks[p, cols].sum(axis=0)) ** 2 / norm) for p in perms]
    return [float(np.linalg.norm(y[p].reshape(n_c * n_t, -1).T @ xf) ** 2 / norm) for p in perms]


def cka_compare(trials: Trials, act1: Activity, act2: Activity, *, epoch: str | None = "stimulus",
                dt_ms: float | None = None, group1: str | None = None, group2: str | None = None,
                subtract_condition_mean: bool = True, n_shuffle: int = N_SHUFFLE, seed: int = 0) -> dict:
    """Linear CKA of two models on (condition x time) samples, with its shuffle baseline (module docstring).

    The grid: step `dt_ms` (default the coarser of the two recordings) over `epoch` (None: the
    whole time both recorded). Returns {"cka", "shuffle_mean", "shuffle_q95" (NaN without
    shuffles or with one condition), "n_conditions", "n_times", "samples": "conditions x time",
    "conditions": [labels], "epoch"}.
    """
    step = dt_ms if dt_ms is not None else max(act1.dt_ms, act2.dt_ms)
    t_end = min((act1.rates.shape[1] - 1) * act1.dt_ms, (act2.rates.shape[1] - 1) * act2.dt_ms)
    t0, t1 = (0.0, t_end) if epoch is None else epoch_ms(trials, epoch)
    t = np.arange(t0, min(t1, t_end + 1e-9) - 1e-9, step)
    labels = basic_labels(trials)
    mats = [condition_tensor(trials, act, t, labels=labels, units=act.groups[g] if g else None,
                             subtract_condition_mean=subtract_condition_mean)
            for act, g in ((act1, group1), (act2, group2))]
    n_c, n_t = mats[0].shape[:2]
    flat = lambda m: m.reshape(n_c * n_t, m.shape[2])  # noqa: E731
    cka = linear_cka(flat(mats[0]), flat(mats[1]))
    rng = np.random.default_rng(seed)
    perms = [rng.permutation(n_c) for _ in range(n_shuffle)] if n_c > 1 else []
    sh = np.asarray(_shuffled_cka(mats[0], mats[1], perms), float)
    sh = sh[np.isfinite(sh)]
    return {"cka": cka, "shuffle_mean": float(sh.mean()) if sh.size else float("nan"),
            "shuffle_q95": float(np.quantile(sh, 0.95)) if sh.size else float("nan"),
            "n_conditions": n_c, "n_times": n_t, "samples": "conditions x time",
            "conditions": list(labels), "epoch": epoch or "whole trial"}


def cka_between(trials: Trials, act1: Activity, act2: Activity, **options) -> float:
    """The CKA of `cka_compare` alone (same options; no shuffles computed)."""
    return cka_compare(trials, act1, act2, **{"n_shuffle": 0, **options})["cka"]


def cka_matrix(trials: Trials, activities: dict[str, Activity], *, n_shuffle: int = N_SHUFFLE, seed: int = 0,
               **options) -> dict:
    """`cka_compare` between every pair of models run on the same trials.

    Returns {"models": [names], "cka", "shuffle_mean", "shuffle_q95": (M, M) nested lists (None where
    a pair cannot be compared, e.g. a model with one unit), "samples": "conditions x time",
    "n_conditions", "n_times", "conditions", "epoch", "n_shuffle", "errors": {"a / b": reason}}.
    The diagonal is computed too (1 for any model with variance); each pair's shuffles use their
    own seed (seed + pair index), so the matrix does not depend on the order pairs are computed in.
    """
    names = list(activities)
    n = len(names)
    mats = {k: [[None] * n for _ in range(n)] for k in ("cka", "shuffle_mean", "shuffle_q95")}
    info: dict = {"n_conditions": None, "n_times": None, "conditions": None, "epoch": options.get("epoch", "stimulus")}
    errors = {}
    pair = 0
    for i in range(n):
        for j in range(i, n):
            pair += 1
            try:
                r = cka_compare(trials, activities[names[i]], activities[names[j]], n_shuffle=n_shuffle,
                                seed=seed + pair, **options)
            except (ValueError, KeyError, IndexError, np.linalg.LinAlgError) as e:
                errors[f"{names[i]} / {names[j]}"] = f"{type(e).__name__}: {e}"
                continue
            for k in mats:
                v = float(r[k])
                mats[k][i][j] = mats[k][j][i] = v if np.isfinite(v) else None
            if info["n_conditions"] is None:
                info.update({"n_conditions": r["n_conditions"], "n_times": r["n_times"],
                             "conditions": r["conditions"], "epoch": r["epoch"]})
    return {"models": names, **mats, "samples": "conditions x time", "n_shuffle": n_shuffle, **info,
            "errors": errors}
