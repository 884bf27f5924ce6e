"""Dynamical Similarity Analysis (Ostrow et al. 2023, NeurIPS): do two systems share their dynamics?

DSA compares the linear dynamics fitted to each system's trajectories, up to an orthogonal
change of coordinates, so two systems with the same flow in different coordinates read 0
and a line attractor reads far from a point attractor even where their states overlap.

1. Delay (Hankel) embedding of each trajectory x_t in R^N, n_delays copies delay_interval
   steps apart, newest first (as the reference implementation, `dsa-metric`):

       h_t = [x_t, x_{t-tau}, ..., x_{t-(d-1)tau}]                          (N d,)

2. A linear operator on the embedded states (HAVOK / eigen-time-delay DMD; Brunton et al. 2017,
   Nat Commun 8:19). The economy SVD H^T = U S V^T of the stacked embedded states of all
   trials gives the eigen-time-delay coordinates V (unit-norm columns, the rows are the time
   points); the first r columns at consecutive times are regressed on each other:

       V_+[:, :r] ~ V_-[:, :r] A^T      A = ((V_-^T V_- + lambda I)^{-1} V_-^T V_+)^T   (r, r)

   (method="havok", the reference's default). method="reduced_rank" fits the full operator
   on all columns of V and keeps its best rank-r part (reduced-rank regression: the OLS
   solution projected on the top r eigenvectors of V_+^T V_- (V_-^T V_-)^{-1} V_-^T V_+),
   an (N d, N d) operator of rank r. The sign of each column of V is fixed (its entry of
   largest magnitude positive), so the fit does not depend on the SVD's arbitrary signs.
   Because V is whitened, any invertible linear map of the coordinates leaves the span of V
   unchanged, and at full rank the operator changes only by an orthogonal similarity.

3. The angular Procrustes distance over orthogonal similarity transforms:

       d(A_x, A_y) = min_{C in O(n)} arccos( <A_x, C A_y C^T>_F / (|A_x|_F |A_y|_F) )   in [0, pi]

   The reference maximizes the inner product by Adam on a Cayley parametrization of C,
   started at the identity and again at a row swap (to reach the other component of O(n)).
   Here: L-BFGS on a Cayley parametrization C = C0 (I - S)^{-1} (I + S), S skew, with the
   analytic gradient (d<A, C B C^T>/dC = A C B^T + A^T C B), from several starts (the
   identity, a reflection and random orthogonal matrices, half of each sign of det), the
   best kept. Operators of different sizes are zero-padded to the larger one, as the
   reference does.

Shapes: a system's data are (K, T, N) trajectories (K conditions or trials, T times, N units)
or one (T, N) trajectory; K, T and N may differ between systems (rank r must be the same).
Reference: Ostrow, Eisen, Kozachkov & Fiete 2023, "Beyond geometry: comparing the temporal
structure of computation in neural circuits with dynamical similarity analysis", NeurIPS.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Sequence

import numpy as np
from scipy.linalg import solve
from scipy.stats import ortho_group

from attnsim.dynamics.baselines import seed_spread, shuffle_null
from attnsim.models.ann.blas_threads import single_thread_blas

METHODS = ("havok", "reduced_rank")


def _as_trials(data) -> np.ndarray:
    x = np.asarray(data, dtype=float)
    if x.ndim == 2:
        x = x[None]
    if x.ndim != 3:
        raise ValueError(f"DSA data must be (trials, time, units) or (time, units), got shape {x.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError("DSA data contain NaN or inf")
    return x


def delay_embed(data, n_delays: int, delay_interval: int = 1) -> np.ndarray:
    """(K, T, N) -> (K, T - (n_delays - 1) delay_interval, N n_delays) delay embedding, newest block first."""
    x = _as_trials(data)
    if n_delays < 1 or delay_interval < 1:
        raise ValueError(f"n_delays and delay_interval must be >= 1 (got {n_delays}, {delay_interval})")
    span = (n_delays - 1) * delay_interval
    n_t = x.shape[1] - span
    if n_t < 2:
        raise ValueError(f"delay embedding: {x.shape[1]} time points are too few for {n_delays} delays "
                         f"{delay_interval} steps apart (need at least {span + 2})")
    blocks = [x[:, span - d * delay_interval: span - d * delay_interval + n_t] for d in range(n_delays)]
    return np.concatenate(blocks, axis=2)


@dataclass(frozen=True)
class DelayDMD:
    """A fitted delay-embedded linear operator (module docstring, step 2).

    operator: (r, r) for havok, (N d, N d) of rank r for reduced_rank; singular_values of the
    Hankel matrix; rank r as used (at most the embedding's); n_delays, delay_interval, method.
    """

    operator: np.ndarray
    singular_values: np.ndarray = field(repr=False)
    rank: int
    n_delays: int
    delay_interval: int
    method: str

    @property
    def explained_variance(self) -> float:
        """Fraction of the Hankel matrix's variance in the r coordinates the operator acts on."""
        s2 = self.singular_values ** 2
        return float(s2[:self.rank].sum() / s2.sum()) if s2.sum() > 0 else float("nan")


def fit_operator(data, *, n_delays: int = 10, rank: int = 10, delay_interval: int = 1, ridge: float = 0.0,
                 method: str = "havok") -> DelayDMD:
    """Fit the delay-embedded linear operator of one system (module docstring, steps 1 and 2)."""
    with single_thread_blas():          # small matrices: threads cost more than they save (blas_threads.py)
        return _fit_operator(data, n_delays, rank, delay_interval, ridge, method)


def _fit_operator(data, n_delays, rank, delay_interval, ridge, method) -> DelayDMD:
    if method not in METHODS:
        raise ValueError(f"method must be one of {list(METHODS)} (got {method!r})")
    if rank < 1:
        raise ValueError(f"rank must be >= 1 (got {rank})")
    h = delay_embed(data, n_delays, delay_interval)
    k, n_t, dim = h.shape
    _, s, vt = np.linalg.svd(h.reshape(k * n_t, dim), full_matrices=False)
    keep = s > s[0] * 1e-10 if s.size and s[0] > 0 else np.zeros(s.size, bool)
    if not keep.any():
        raise ValueError("DSA data have no variance (all samples equal)")
    s, vt = s[keep], vt[keep]
    v = (h.reshape(k * n_t, dim) @ vt.T) / s              # V = H U S^-1 (k n_t, m)
    big = np.argmax(np.abs(v), axis=0)
    v = v * np.sign(v[big, np.arange(v.shape[1])])
    v = v.reshape(k, n_t, -1)
    v_minus = v[:, :-1].reshape(k * (n_t - 1), -1)
    v_plus = v[:, 1:].reshape(k * (n_t - 1), -1)
    r = min(rank, v.shape[2])
    if method == "havok":
        vm, vp = v_minus[:, :r], v_plus[:, :r]
        a = solve(vm.T @ vm + ridge * np.eye(r), vm.T @ vp, assume_a="pos").T
    else:
        gram = v_minus.T @ v_minus + ridge * np.eye(v.shape[2])
        b_ols = solve(gram, v_minus.T @ v_plus, assume_a="pos")
        fitted = v_minus @ b_ols
        _, evec = np.linalg.eigh(fitted.T @ fitted)
        p = evec[:, ::-1][:, :r]
        a = (b_ols @ p @ p.T).T
    return DelayDMD(operator=a, singular_values=s, rank=r, n_delays=n_delays, delay_interval=delay_interval,
                    method=method)


def _pad(a: np.ndarray, n: int) -> np.ndarray:
    out = np.zeros((n, n))
    out[:a.shape[0], :a.shape[1]] = a
    return out


def _ascend(a: np.ndarray, b: np.ndarray, c: np.ndarray, max_iter: int, tol: float) -> tuple[float, np.ndarray]:
    """Riemannian gradient ascent of f(C) = <A, C B C^T> on O(n) from C (Cayley retraction, BB steps)."""
    eye = np.eye(c.shape[0])

    def value_grad(cc):
        g = a @ cc @ b.T + a.T @ cc @ b                      # Euclidean gradient d f / d C
        m = cc.T @ g
        return float(np.sum(a * (cc @ b @ cc.T))), m - m.T  # f, Omega (skew): ascent along C Omega

    f, om = value_grad(c)
    t = 0.1
    for _ in range(max_iter):
        sq = float(np.sum(om * om))
        if sq < tol ** 2:
            break
        while True:                                          # Armijo backtracking on the Cayley curve
            w = 0.5 * t * om
            c_new = c @ np.linalg.solve(eye - w, eye + w)
            f_new, om_new = value_grad(c_new)
            if f_new >= f + 1e-4 * t * sq / 2 or t < 1e-14:
                break
            t *= 0.5
        if f_new <= f + 1e-15:                               # no progress left at machine precision
            if f_new > f:
                c, f = c_new, f_new
            break
        s_dot_y = -t * float(np.sum(om * (om_new - om)))    # Barzilai-Borwein step for the next iteration
        c, f, om = c_new, f_new, om_new
        t = t * t * sq / s_dot_y if s_dot_y > 0 else 2 * t
        t = float(np.clip(t, 1e-8, 1e3))
    return f, c


def _eigen_starts(a: np.ndarray, b: np.ndarray) -> list[np.ndarray]:
    """Starts C0 = U_a D U_b^T that map the eigenbasis of B's symmetric part (and of B B^T) onto A's.

    If A = C B C^T exactly, the eigenvectors of the symmetric parts correspond up to signs D
    (generic eigenvalues). With M_a = U_a^T A U_a and M_b = U_b^T B U_b, the signs maximize
    sum_ij W_ij d_i d_j, W = M_a * M_b (elementwise): d = sign of the leading eigenvector of
    W + W^T (exact when A = C B C^T: W is then D (M_a * M_a) D, whose Perron vector has signs
    D), refined by single sign flips while they increase the sum.
    """
    out = []
    for sym in (lambda m: m + m.T, lambda m: m @ m.T):
        _, ua = np.linalg.eigh(sym(a))
        _, ub = np.linalg.eigh(sym(b))
        w = (ua.T @ a @ ua) * (ub.T @ b @ ub)
        w = w + w.T
        d = np.sign(np.linalg.eigh(w)[1][:, -1])
        d[d == 0] = 1.0
        for _ in range(a.shape[0]):
            gain = -4 * d * (w @ d - np.diag(w) * d)        # change of d^T W d when d_i flips
            i = int(np.argmax(gain))
            if gain[i] <= 1e-15:
                break
            d[i] = -d[i]
        out.append((ua * d) @ ub.T)
    return out


def procrustes_angle(a: np.ndarray, b: np.ndarray, *, n_restarts: int = 16, seed: int = 0,
                     max_iter: int = 3000, tol: float = 1e-7) -> tuple[float, np.ndarray]:
    """min over C in O(n) of arccos(<A, C B C^T> / (|A| |B|)), and the C that attains it (module docstring, step 3).

    a, b: square matrices (zero-padded to the larger size). n_restarts: starts of the local
    ascent (the identity, a reflection, then random orthogonal matrices); the best is kept.
    """
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    with single_thread_blas():
        return _procrustes_angle(a, b, n_restarts, seed, max_iter, tol)


def _procrustes_angle(a, b, n_restarts, seed, max_iter, tol) -> tuple[float, np.ndarray]:
    if a.ndim != 2 or a.shape[0] != a.shape[1] or b.ndim != 2 or b.shape[0] != b.shape[1]:
        raise ValueError(f"procrustes_angle: expected square matrices, got {a.shape} and {b.shape}")
    if n_restarts < 1:
        raise ValueError(f"n_restarts must be >= 1 (got {n_restarts})")
    n = max(a.shape[0], b.shape[0])
    a, b = _pad(a, n), _pad(b, n)
    na, nb = np.linalg.norm(a), np.linalg.norm(b)
    if na == 0 or nb == 0:
        raise ValueError("procrustes_angle: an operator is zero")
    a, b = a / na, b / nb
    if n == 1:
        return float(np.arccos(np.clip(a[0, 0] * b[0, 0], -1, 1))), np.eye(1)
    rng = np.random.default_rng(seed)
    reflect = np.eye(n)
    reflect[0, 0] = -1.0
    starts = _eigen_starts(a, b) + [c.T for c in _eigen_starts(b, a)] + [np.eye(n), reflect]
    starts += [ortho_group.rvs(n, random_state=rng) for _ in range(max(0, n_restarts - len(starts)))]
    best_f, best_c = -np.inf, np.eye(n)
    for k, c0 in enumerate(starts[:n_restarts]):
        # alternate the two orders (<A, C B C^T> = <B, C^T A C>): the answer is symmetric in A, B
        if k % 2:
            f, c = _ascend(b, a, c0.T, max_iter, tol)
            c = c.T
        else:
            f, c = _ascend(a, b, c0, max_iter, tol)
        if f > best_f:
            best_f, best_c = f, c
        if best_f > 1 - 1e-12:
            break
    return float(np.arccos(np.clip(best_f, -1.0, 1.0))), best_c


def dsa_distance(x, y, *, n_delays: int = 10, rank: int = 10, delay_interval: int = 1, ridge: float = 0.0,
                 method: str = "havok", n_restarts: int = 16, seed: int = 0) -> float:
    """The DSA angular distance (radians, [0, pi]) between the dynamics of data x and y (module docstring)."""
    opts = dict(n_delays=n_delays, rank=rank, delay_interval=delay_interval, ridge=ridge, method=method)
    return procrustes_angle(fit_operator(x, **opts).operator, fit_operator(y, **opts).operator,
                            n_restarts=n_restarts, seed=seed)[0]


@dataclass(frozen=True)
class DSAMatrix:
    """DSA between every pair of systems, with its baselines (`dsa_matrix`).

    names: the systems; distance: (M, M) mean distance between the seeds of two systems, and
    on the diagonal the mean distance between seeds of the same system (the within spread,
    NaN with one seed); spread[(a, b)]: `seed_spread` result; null[(a, b)]: `shuffle_null` of
    the first seeds of a and b (the time order of b's seed shuffled).
    """

    names: list[str]
    distance: np.ndarray
    spread: dict = field(repr=False)
    null: dict = field(repr=False)
    options: dict = field(default_factory=dict)

    def rows(self) -> list[dict]:
        """One row per pair, ready for a report table."""
        out = []
        for (a, b), sp in self.spread.items():
            nl = self.null.get((a, b), {})
            out.append({"a": a, "b": b, "between_mean": sp["between_mean"],
                        "between_sd": float(np.std(sp["between"], ddof=1)) if sp["between"].size > 1 else float("nan"),
                        "within_a": sp["within_a_mean"], "within_b": sp["within_b_mean"], "ratio": sp["ratio"],
                        "null_mean": nl.get("null_mean", float("nan")), "null_q05": nl.get("null_q05", float("nan")),
                        "frac_below": nl.get("frac_below", float("nan"))})
        return out


def dsa_matrix(systems: Mapping[str, Sequence[np.ndarray]], *, n_shuffle: int = 20, seed: int = 0,
               **options) -> DSAMatrix:
    """DSA between every pair of systems, each given as per-seed data, with both baselines.

    systems: name -> list of one (K, T, N) array per seed (e.g. `Samples.means` of each seed's
    run). options: those of `dsa_distance`. Each seed's operator is fitted once.
    """
    if len(systems) < 1:
        raise ValueError("dsa_matrix: no systems")
    fit_opts = {k: options[k] for k in ("n_delays", "rank", "delay_interval", "ridge", "method") if k in options}
    opt_opts = {k: options[k] for k in ("n_restarts",) if k in options}
    unknown = set(options) - set(fit_opts) - set(opt_opts)
    if unknown:
        raise ValueError(f"dsa_matrix: unknown options {sorted(unknown)}")
    names = list(systems)
    ops = {n: [fit_operator(x, **fit_opts).operator for x in systems[n]] for n in names}
    for n in names:
        if not ops[n]:
            raise ValueError(f"dsa_matrix: system {n!r} has no seeds")
    # operators stand in for data in seed_spread: the distance is between fitted operators
    # each pair of operators once: seed_spread of every model pair repeats the within-model pairs
    cache: dict[tuple[int, int], float] = {}

    def op_dist(p, q):
        key = (id(p), id(q))
        if key not in cache:
            cache[key] = procrustes_angle(p, q, seed=seed, **opt_opts)[0]
        return cache[key]
    data_dist = lambda x, y: dsa_distance(x, y, seed=seed, **fit_opts, **opt_opts)  # noqa: E731
    m = len(names)
    dist = np.full((m, m), np.nan)
    spread, null = {}, {}
    for i, a in enumerate(names):
        for j in range(i, m):
            b = names[j]
            sp = seed_spread(op_dist, ops[a], ops[b] if j != i else ops[a][:1])
            if j == i:
                dist[i, i] = sp["within_a_mean"]
                continue
            spread[(a, b)] = sp
            dist[i, j] = dist[j, i] = sp["between_mean"]
            if n_shuffle:
                null[(a, b)] = shuffle_null(data_dist, systems[a][0], systems[b][0], n_shuffle=n_shuffle,
                                            seed=seed + 1000 * i + j,
                                            observed=op_dist(ops[a][0], ops[b][0]))
    return DSAMatrix(names=names, distance=dist, spread=spread, null=null,
                     options={**fit_opts, **opt_opts, "n_shuffle": n_shuffle, "seed": seed})
