"""Fixed and slow points of a model with the `dynamical` capability, their linearization and links.

The method of Sussillo & Barak 2013 (Neural Comput 25:626) as FixedPointFinder implements it
(Golub & Sussillo 2018, JOSS 3:1003): with the inputs u held constant, minimize the speed

    q(x) = |F(x, u)|^2 / 2,      F = the model's velocity (models/dynamics.py), per ms

from many initial states sampled on the model's own trajectories (plus a little Gaussian noise, so
that states near a fixed point do not all start on it). Each minimization is a Levenberg-Marquardt
trust-region least-squares solve of the residual F(x, u) dt with the model's analytic Jacobian (or
central differences), the method of scipy.optimize.least_squares(method="lm") run on all starts at
once (`_minimize`), so it converges quadratically to zeros of F and still stops at the local minima
of q that are not zeros (slow points). Then, as FixedPointFinder:

1. keep the minima with q <= slow_q (minima farther than `outlier_scale` times the spread of the
   initial states from their centroid are dropped as run-away solutions);
2. deduplicate: in order of increasing q, a point is new if it is farther than unique_tol (a
   fraction of the initial states' RMS spread) from every point kept;
3. label each point fixed (q <= fixed_q) or slow (fixed_q < q <= slow_q);
4. linearize: the Jacobian's eigenvalues give the growth rate of each mode, Re mu per ms for a
   continuous-time model and log|lambda| / dt for a map (lambda = 1 + dt mu, the eigenvalue of
   the map's Jacobian). A mode is marginal when its rate is below 1 / marginal_ms in modulus
   (an eigenvalue ~0 for an ODE, ~1 in modulus for a map: a time constant longer than
   marginal_ms, default 1 s, longer than a task epoch), unstable when it grows faster, stable
   when it decays faster. A point is "stable" (all modes stable), "marginal" (no unstable mode,
   some marginal: a point on a line or plane attractor), "saddle" (unstable and stable modes;
   n_unstable is its unstable dimension) or "unstable" (no stable mode);
5. connect: from each fixed saddle, integrate the noise-free dynamics from x* +- eps v along each
   unstable eigenvector v (real part) and report which stable or marginal point each branch
   reaches (its unstable manifold, e.g. the two decision attractors that a decision saddle
   separates).

Tolerances are stated per step of dt_ms (the model's `Dynamics.dt_ms`): fixed_q and slow_q bound
q dt^2 = |F dt|^2 / 2, the squared displacement in one step (FixedPointFinder's tol_q 1e-12 is
fixed_q for a map).

Shapes: points (K, n), q (K,), eigenvalues (K, n) complex (mu per ms for an ODE, lambda for a map),
rates (K, n) growth rates per ms, type (K,) str, n_unstable (K,) int.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from attnsim.models.dynamics import finite_difference_jacobian

TYPES = ("stable", "marginal", "saddle", "unstable")


@dataclass
class FixedPoints:
    """The fixed and slow points of one model at one held input (see the module docstring).

    Arrays are sorted: fixed points before slow points, then by q. `connections` lists, for each
    branch of each unstable mode of each fixed saddle, a dict {saddle, mode, sign, reaches} where
    `reaches` is the index of the fixed point the branch ends at (a stable or marginal one, or another
    saddle on an invariant subspace; -1: none within reach).
    `note` says why a model has no result ("n/a: ..."), with every array empty.
    """
    points: np.ndarray
    q: np.ndarray
    eigenvalues: np.ndarray
    rates: np.ndarray
    type: np.ndarray
    n_unstable: np.ndarray
    is_fixed: np.ndarray
    u: np.ndarray
    time: str = "continuous"
    dt_ms: float = 1.0
    state_labels: tuple[str, ...] = ()
    connections: list[dict] = field(default_factory=list)
    n_initial: int = 0
    label: str = ""
    note: str = ""

    @classmethod
    def na(cls, note: str, label: str = "") -> "FixedPoints":
        """An empty result that says why (e.g. "n/a: microcircuit has no dynamical capability")."""
        e = np.zeros(0)
        return cls(points=np.zeros((0, 0)), q=e, eigenvalues=np.zeros((0, 0), complex), rates=np.zeros((0, 0)),
                   type=np.zeros(0, dtype="<U8"), n_unstable=np.zeros(0, int), is_fixed=np.zeros(0, bool),
                   u=e, label=label, note=note)

    def __len__(self) -> int:
        return len(self.q)

    def select(self, kind: str, fixed_only: bool = True) -> np.ndarray:
        """Indices of the points of one type ("stable", "saddle", ...), fixed ones only by default."""
        ok = self.type == kind
        if fixed_only:
            ok &= self.is_fixed
        return np.flatnonzero(ok)

    def counts(self) -> dict[str, int]:
        """Number of fixed points of each type, and of slow points."""
        out = {t: int(np.sum((self.type == t) & self.is_fixed)) for t in TYPES}
        out["slow"] = int(np.sum(~self.is_fixed))
        return out

    def table(self, max_rows: int = 20) -> str:
        """A plain-text table for reports: one row per point (index, fixed/slow, type, unstable
        dimension, q, slowest and fastest growth rate per ms, the first coordinates)."""
        head = f"{self.label}: " if self.label else ""
        if self.note:
            return f"{head}{self.note}"
        c = self.counts()
        lines = [f"{head}{sum(c[t] for t in TYPES)} fixed points ("
                 + ", ".join(f"{c[t]} {t}" for t in TYPES if c[t]) + f"), {c['slow']} slow points, "
                 f"from {self.n_initial} initial states; {self.time} time, q in (state/ms)^2"]
        lines.append(f"{'#':>3} {'kind':<5} {'type':<9} {'n_unst':>6} {'q':>10} {'max rate/ms':>12}  state")
        for k in range(min(len(self), max_rows)):
            x = self.points[k]
            coords = ", ".join(f"{v:.4g}" for v in x[:4]) + (", ..." if len(x) > 4 else "")
            lines.append(f"{k:>3} {'fixed' if self.is_fixed[k] else 'slow':<5} {self.type[k]:<9} "
                         f"{self.n_unstable[k]:>6d} {self.q[k]:>10.2e} {np.max(self.rates[k]):>12.4g}  ({coords})")
        if len(self) > max_rows:
            lines.append(f"... {len(self) - max_rows} more")
        for con in self.connections:
            lines.append(f"saddle {con['saddle']} mode {con['mode']} ({'+' if con['sign'] > 0 else '-'}) -> "
                         + (f"point {con['reaches']} ({self.type[con['reaches']]})" if con["reaches"] >= 0
                            else "no fixed point reached"))
        return "\n".join(lines)


def _jacobian(dyn, x, u):
    J = dyn.jacobian(x, u) if hasattr(dyn, "jacobian") else None
    return finite_difference_jacobian(dyn.velocity, x, u) if J is None else np.asarray(J, dtype=float)


def _growth_rates(eig_mu: np.ndarray, time: str, dt_ms: float) -> tuple[np.ndarray, np.ndarray]:
    """(eigenvalues as reported, growth rate per ms) from the velocity Jacobian's eigenvalues."""
    if time == "discrete":
        lam = 1.0 + dt_ms * eig_mu
        with np.errstate(divide="ignore"):
            return lam, np.log(np.abs(lam)) / dt_ms
    return eig_mu, eig_mu.real


def find_fixed_points(dyn, u, initial_states: np.ndarray, *, fixed_q: float = 1e-12, slow_q: float = 1e-6,
                      unique_tol: float = 1e-3, outlier_scale: float = 10.0, marginal_ms: float = 1000.0,
                      noise: float = 0.0, seed: int = 0, connect: bool = True, eps: float = 1e-3,
                      max_time_ms: float | None = None, max_iter: int = 100, label: str = "") -> FixedPoints:
    """Fixed and slow points of `dyn` (a models.dynamics.Dynamics) at the constant input u (n_channels,).

    Args:
        initial_states: (N, n_state) states to start from, e.g. sampled on `dyn.trajectories`.
        fixed_q, slow_q: bounds on q dt^2 for a fixed / slow point (see the module docstring).
        unique_tol: two minima closer than unique_tol * (RMS spread of the initial states) are one.
        outlier_scale: minima farther than this times the initial states' largest distance from
            their centroid are dropped.
        marginal_ms: modes with a time constant longer than this are marginal.
        noise: s.d. of Gaussian noise added to the initial states, in units of their RMS spread.
        connect: integrate along the unstable modes of the saddles (step 5).
        eps: the start of a branch, x* +- eps * spread * v.
        max_time_ms: how long a branch is followed at most (None: 50 time constants of the
            slowest mode that is not marginal).
        max_iter: Levenberg-Marquardt iterations per start at most (a start also stops once
            q dt^2 < 1e-12 fixed_q). Near a line attractor the Jacobian is singular and the last
            digits converge only linearly, long after q is below fixed_q.
    """
    x0 = np.asarray(initial_states, dtype=float)
    if x0.ndim != 2 or len(x0) == 0:
        raise ValueError(f"initial_states must be (N, n_state) with N >= 1, got shape {x0.shape}")
    u = np.asarray(u, dtype=float).ravel()
    dt = float(dyn.dt_ms)
    n = x0.shape[1]
    centre = x0.mean(axis=0)
    spread = float(np.sqrt(np.mean(np.sum((x0 - centre) ** 2, axis=1)))) or 1.0
    reach = float(np.max(np.linalg.norm(x0 - centre, axis=1))) or spread
    if noise > 0:
        x0 = x0 + noise * spread / np.sqrt(n) * np.random.default_rng(seed).standard_normal(x0.shape)
    U1 = u[None, :]
    x, q_all = _minimize(dyn, x0, U1, dt, max_iter=max_iter, done_cost=fixed_q * 1e-12)
    ok = np.all(np.isfinite(x), axis=1) & np.isfinite(q_all)
    ok &= np.linalg.norm(np.where(np.isfinite(x), x, 0.0) - centre, axis=1) <= outlier_scale * reach
    found, qs = list(x[ok]), list(q_all[ok])
    qs_arr = np.asarray(qs)
    keep_pts: list[np.ndarray] = []
    keep_q: list[float] = []
    for k in np.argsort(qs_arr) if len(qs_arr) else []:
        if qs_arr[k] > slow_q:
            break
        if all(np.linalg.norm(found[k] - p) > unique_tol * spread for p in keep_pts):
            keep_pts.append(found[k])
            keep_q.append(qs_arr[k])
    K = len(keep_pts)
    points = np.asarray(keep_pts).reshape(K, n)
    q_step = np.asarray(keep_q)
    is_fixed = q_step <= fixed_q
    order = np.lexsort((q_step, ~is_fixed))
    points, q_step, is_fixed = points[order], q_step[order], is_fixed[order]
    if K:
        J = _jacobian(dyn, points, np.repeat(U1, K, axis=0))
        mu, vecs = np.linalg.eig(J)
        eigenvalues, rates = _growth_rates(mu, dyn.time, dt)
    else:
        mu, vecs = np.zeros((0, n), complex), np.zeros((0, n, n), complex)
        eigenvalues, rates = mu, np.zeros((0, n))
    slow_rate = 1.0 / marginal_ms
    n_unst = np.sum(rates >= slow_rate, axis=1).astype(int)
    n_marg = np.sum(np.abs(rates) < slow_rate, axis=1)
    n_stab = np.sum(rates <= -slow_rate, axis=1)
    kinds = np.where(n_unst == 0, np.where(n_marg == 0, "stable", "marginal"),
                     np.where(n_stab + n_marg > 0, "saddle", "unstable")).astype("<U8")
    result = FixedPoints(points=points, q=q_step / dt ** 2, eigenvalues=eigenvalues, rates=rates, type=kinds,
                         n_unstable=n_unst, is_fixed=is_fixed, u=u, time=dyn.time, dt_ms=dt,
                         state_labels=tuple(getattr(dyn, "state_labels", ())), n_initial=len(x0), label=label)
    if connect and K:
        if max_time_ms is None:     # 50 time constants of the slowest non-marginal mode
            decided = np.abs(rates[np.abs(rates) >= slow_rate])
            max_time_ms = 50.0 / float(np.min(decided)) if decided.size else 50.0 * marginal_ms
        result.connections = _connect(dyn, result, vecs, U1, eps * spread, max_time_ms, fixed_q,
                                      reach_tol=max(10 * unique_tol, 0.05) * spread)
    return result


def _minimize(dyn, x0: np.ndarray, U1: np.ndarray, dt: float, max_iter: int = 400, ftol: float = 1e-10,
              done_cost: float = 1e-30):
    """Levenberg-Marquardt on every start at once: minimize |F(x) dt|^2 / 2 for each row of x0.

    The damped Gauss-Newton step (J^T J + lam diag(J^T J)) dx = -J^T F (Marquardt 1963; Nocedal &
    Wright 2006 sec. 10.3), lam shrunk after a step that lowers the cost and grown after one that
    does not: a trust region around each start, as scipy.optimize.least_squares(method="lm") runs
    it, batched so that one call of the model's velocity and Jacobian serves all starts. A start
    stops when its cost is below done_cost, its step is below 1e-13 of |x|, an accepted step lowers
    the cost by less than ftol of it, or lam passes 1e12 (a local minimum of q that is not a
    zero: a slow point). Returns (x (N, n), q dt^2 (N,)).
    """
    x = np.array(x0, dtype=float)
    B, n = x.shape
    U = np.repeat(U1, B, axis=0)
    diag = np.arange(n)
    with np.errstate(all="ignore"):
        F = dyn.velocity(x, U) * dt
        cost = 0.5 * np.sum(F * F, axis=1)
        lam = np.full(B, 1e-3)
        active = np.isfinite(cost)
        for _ in range(max_iter):
            idx = np.flatnonzero(active)
            if idx.size == 0:
                break
            xa, Fa = x[idx], F[idx]
            J = _jacobian(dyn, xa, U[idx]) * dt
            JT = J.transpose(0, 2, 1)
            g = (JT @ Fa[:, :, None])[:, :, 0]
            A = JT @ J
            d = A[:, diag, diag]
            A[:, diag, diag] += lam[idx, None] * (d + 1e-12 * np.max(d, axis=1, keepdims=True) + 1e-300)
            try:
                step = np.linalg.solve(A, -g[:, :, None])[:, :, 0]
            except np.linalg.LinAlgError:
                step = np.stack([np.linalg.lstsq(a, -b, rcond=None)[0] for a, b in zip(A, g)])
            xn = xa + step
            Fn = dyn.velocity(xn, U[idx]) * dt
            cn = 0.5 * np.sum(Fn * Fn, axis=1)
            old = cost[idx]
            better = np.isfinite(cn) & (cn < old)
            acc = idx[better]
            x[acc], F[acc], cost[acc] = xn[better], Fn[better], cn[better]
            lam[acc] *= 0.2
            lam[idx[~better]] *= 5.0
            tiny = np.linalg.norm(step, axis=1) <= 1e-13 * (np.linalg.norm(xa, axis=1) + 1e-13)
            flat = better & (old - cn <= ftol * old)      # MINPACK's ftol: no more relative progress
            stop = (cost[idx] < done_cost) | (better & tiny) | flat | (lam[idx] > 1e12) | ~np.all(np.isfinite(step), axis=1)
            active[idx[stop]] = False
    return x, cost


def _connect(dyn, fp: FixedPoints, vecs, U1, step, max_time_ms, fixed_q, reach_tol) -> list[dict]:
    """Step 5: follow both branches of every unstable mode of every fixed saddle, all at once, until
    each is within reach_tol of a stable or marginal point, or has left its saddle and stopped
    (speed below fixed_q's); a branch that never left its saddle reaches nothing (-1)."""
    starts, meta = [], []
    for s in np.flatnonzero(fp.is_fixed & (fp.n_unstable > 0)):
        modes = [m for m in np.argsort(-fp.rates[s]) if fp.rates[s][m] > 0][: fp.n_unstable[s]]
        seen = []
        for m in modes:
            v = np.real(vecs[s][:, m])
            if np.linalg.norm(v) == 0 or any(abs(abs(np.dot(v, w)) - 1) < 1e-9 for w in seen):
                v = np.imag(vecs[s][:, m])          # the second of a complex pair
            v = v / np.linalg.norm(v)
            seen.append(v)
            for sign in (1, -1):
                starts.append(fp.points[s] + sign * step * v)
                meta.append({"saddle": int(s), "mode": int(m), "sign": sign})
    if not starts:
        return []
    attractors = np.flatnonzero(np.isin(fp.type, ("stable", "marginal")) & fp.is_fixed)
    fixed = np.flatnonzero(fp.is_fixed)
    x = np.asarray(starts)
    origin = fp.points[[m["saddle"] for m in meta]]
    U = np.repeat(U1, len(x), axis=0)
    if dyn.time == "discrete":
        h = dyn.dt_ms                               # the map itself: x + dt F(x) = G(x)
    else:                                           # RK4 at the fastest time constant
        fastest = float(np.max(np.abs(fp.eigenvalues))) if fp.eigenvalues.size else 1.0 / dyn.dt_ms
        h = min(dyn.dt_ms, 1.0 / max(fastest, 1e-12))
    n_steps = int(np.ceil(max_time_ms / h))
    check = max(1, min(n_steps // 100, int(round(10.0 / (h * max(1e-12, np.min(np.abs(fp.rates)) or 1.0))))))
    settled_speed = np.sqrt(2 * fixed_q) / dyn.dt_ms
    for t in range(n_steps):
        if dyn.time == "discrete":
            x = x + h * dyn.velocity(x, U)
        else:
            k1 = dyn.velocity(x, U)
            k2 = dyn.velocity(x + 0.5 * h * k1, U)
            k3 = dyn.velocity(x + 0.5 * h * k2, U)
            k4 = dyn.velocity(x + h * k3, U)
            x = x + h / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)
        if (t + 1) % check == 0:
            x = np.where(np.isfinite(x), x, 1e300)
            left = np.linalg.norm(x - origin, axis=1) > reach_tol      # it has left its saddle
            done = left & (np.linalg.norm(dyn.velocity(x, U), axis=1) < settled_speed)
            if len(attractors):
                d = np.min(np.linalg.norm(x[:, None, :] - fp.points[attractors][None], axis=2), axis=1)
                done |= d < reach_tol
            if done.all():
                break
    # each branch ends at the nearest fixed point (of any type: a branch may end on another saddle)
    d = np.linalg.norm(x[:, None, :] - fp.points[fixed][None], axis=2)
    near = np.argmin(d, axis=1)
    own = fixed[near] == np.array([m["saddle"] for m in meta])
    reaches = np.where((d[np.arange(len(x)), near] < reach_tol) & ~own, fixed[near], -1)
    return [dict(m, reaches=int(r)) for m, r in zip(meta, reaches)]


def sample_states(trajectories: np.ndarray, n: int, seed: int = 0, steps: slice | None = None) -> np.ndarray:
    """(n, n_state) states drawn without replacement (with, if fewer) from trajectories
    (n_trials, n_steps, n_state), optionally from the given steps only."""
    tr = np.asarray(trajectories, dtype=float)
    if steps is not None:
        tr = tr[:, steps]
    flat = tr.reshape(-1, tr.shape[-1])
    flat = flat[np.all(np.isfinite(flat), axis=1)]
    if len(flat) == 0:
        raise ValueError("no finite states to start from")
    rng = np.random.default_rng(seed)
    idx = rng.choice(len(flat), size=n, replace=len(flat) < n)
    return flat[idx]


def _selected(trials, select) -> np.ndarray:
    """Bool mask of the trials `select` keeps: None (all), a bool array, or {condition: value(s)}."""
    from attnsim.errors import AttnsimError

    n = trials.n_trials
    if select is None:
        return np.ones(n, dtype=bool)
    if not isinstance(select, dict):
        mask = np.asarray(select)
        if mask.dtype != bool or mask.shape != (n,):
            raise AttnsimError(f"fixed_points: select must be None, a dict {{condition: value}} or a bool array "
                               f"of shape ({n},), got {type(select).__name__} {getattr(mask, 'shape', '')}")
        return mask
    mask = np.ones(n, dtype=bool)
    for key, want in select.items():
        if key not in trials.conditions:
            raise AttnsimError(f"fixed_points: select key {key!r} is not a condition of these trials; "
                               f"choose from {sorted(trials.conditions)}")
        col = np.asarray(trials.conditions[key])
        wants = want if isinstance(want, (list, tuple, set)) else [want]
        hit = np.zeros(n, dtype=bool)
        for w in wants:
            if np.issubdtype(col.dtype, np.number) and isinstance(w, (int, float)):
                hit |= np.isclose(col.astype(float), float(w), atol=1e-9)
            else:
                hit |= col.astype(str) == str(w)
        mask &= hit
    if not mask.any():
        raise AttnsimError(f"fixed_points: no trial matches select={select!r}")
    return mask


def _describe(u: np.ndarray, channels) -> str:
    on = [f"{c}={v:.3g}" for c, v in zip(channels, u) if abs(v) > 1e-12]
    return ", ".join(on) if on else "no input"


def fixed_points(model, trials, epochs=None, *, select=None, n_init: int = 128, noise: float = 0.02,
                 seed: int = 0, **finder) -> dict[str, FixedPoints]:
    """Fixed and slow points of a model at each task epoch's inputs, from its own trajectories.

    Works on any model whose class declares the `dynamical` capability (models/dynamics.py), bundled
    or a user's own; for any other model every epoch's result is empty and says
    "n/a: <family> has no dynamical capability". A trained model must be fitted first.

    Args:
        model: the model object (after `fit` for trainable ones).
        trials: attnsim Trials; its inputs drive the trajectories and give each epoch's inputs.
        epochs: an epoch name, a list of them, or None for every epoch of the trials.
        select: which trials to use: None (all), a bool array (n_trials,), or {condition: value(s)}
            on `trials.conditions`, e.g. {"coherence": 0.0} for the stimulus at c = 0.
        n_init: initial states, drawn from the states the model visits on the selected trials
            (with its noise), every epoch pooled.
        noise: Gaussian jitter of the initial states, a fraction of their spread.
        seed: seed of the trajectories' noise and of the draws.
        finder: passed to `find_fixed_points` (fixed_q, slow_q, unique_tol, marginal_ms, ...).

    Returns:
        {label: FixedPoints}, one per epoch, where the epoch input u (mean over its steps) is the same
        for every selected trial; an epoch whose input differs between trials (e.g. the cue in
        attend-A and attend-B trials) gets one result per distinct input, labelled
        "<epoch> [stim_A=0.5, ...]".
    """
    from attnsim.errors import AttnsimError
    from attnsim.models.base import capabilities_of

    if epochs is None:
        epochs = tuple(trials.epochs)
    elif isinstance(epochs, str):
        epochs = (epochs,)
    unknown = [e for e in epochs if e not in trials.epochs]
    if unknown:
        raise AttnsimError(f"fixed_points: unknown epoch(s) {unknown}; these trials have {list(trials.epochs)}")
    name = getattr(model, "family", None) or getattr(type(model), "registry_name", None) or type(model).__name__
    if "dynamical" not in capabilities_of(type(model)) or not callable(getattr(model, "dynamics", None)):
        return {e: FixedPoints.na(f"n/a: {name} has no dynamical capability", label=e) for e in epochs}
    mask = _selected(trials, select)
    inputs = np.asarray(trials.inputs, dtype=float)[mask]
    dyn = model.dynamics(tuple(trials.channels), float(trials.dt_ms))
    traj = np.asarray(dyn.trajectories(inputs, seed), dtype=float)
    starts = sample_states(traj, n_init, seed=seed)
    out: dict[str, FixedPoints] = {}
    for e in epochs:
        sl = trials.epochs[e]
        if sl.stop <= sl.start:
            continue
        u_trials = np.round(inputs[:, sl].mean(axis=1), 9)
        groups = np.unique(u_trials, axis=0)
        for u in groups:
            label = e if len(groups) == 1 else f"{e} [{_describe(u, trials.channels)}]"
            out[label] = find_fixed_points(dyn, u, starts, noise=noise, seed=seed, label=label, **finder)
    return out
