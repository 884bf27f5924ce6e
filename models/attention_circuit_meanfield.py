"""Mean-field equations of the rate attention circuit's working-memory (WM) ring, and its critical w+.

The WM ring of models/attention_circuit_rate.py is P pools in the reduced form of Wong & Wang
2006 (J Neurosci 26:1314): pool k (preferring theta_k = 360 k / P deg) is one NMDA gating variable
S_k, and its rate is the Abbott-Chance input-output function of its synaptic input x_k:

    dS_k/dt = -S_k / tau_S + (1 - S_k) gamma H(x_k)
    x_k     = sum_j M_kj S_j + I_0 + J_cue cue_k + I_noise,k
    M       = J_N (1 / P + (w+ - 1) (g_hat - 1 / P)) - J_inh / P
    H(x)    = (a x - b) / (1 - exp(-d (a x - b)))
    g_hat   = g / (row sums of g),  g(dtheta) = exp((cos dtheta - 1) / sigma_wm^2)

g is a periodic Gaussian footprint over the ring (g(0) = 1), normalized per row. Every row of M
sums to J_N - J_inh whatever w+: the selective part (w+ - 1)(g_hat - 1/P) has zero mean, the
normalization of Brunel & Wang 2001 that keeps the spontaneous state independent of w+. At w+ = 1
the recurrence is unselective (every pool excites every pool alike); above 1 a pool excites itself
and its neighbours more and the others less (the shared inhibition); J_inh adds more of the latter.
With P = 2 and a narrow footprint this is Wong & Wang 2006's two-pool model, J_11 = J_N w+ / 2 -
J_inh / 2 and J_12 = J_N (w+ - 2) / 2 + J_inh / 2: J_N = 0.2112 nA, w+ = 2.4706, J_inh = 0 give
their J_11 = 0.2609 nA and J_12 = 0.0497 nA.

These are the mean-field (population-rate) equations of the WM network: a pool's rate is the
function H of its mean input (Brunel & Wang 2001 J Comput Neurosci 11:63; Wong & Wang 2006 fit
H to the spiking network's), and the model simulates exactly these, plus the OU noise I_noise.

Row 13 (docs/reference.md row 13) asks for the critical w+ computed from these equations before
any simulation: the smallest w+ at which, with no cue and no noise, a state with one pool elevated
("memory" of the cued direction) exists beside the low spontaneous state. It appears in a
saddle-node (fold) bifurcation of the fixed points F(S; w+) = 0. `critical_w_plus` finds it by
natural-parameter continuation of the elevated branch downwards in w+ (Newton at each step, the
step halved when the branch is lost) and then solves the fold condition exactly,

    F(S; w+) = 0,   det dF/dS (S; w+) = 0,      (P + 1 equations in S, w+)

with scipy.optimize.root (Kuznetsov 2004, Elements of Applied Bifurcation Theory, ch. 10: the
extended system for a fold). `bistability_scan` is the brute-force check of the same equations: it
integrates them without noise from the low state and from elevated starts at each w+ of a grid.

Shapes: S (B, P) gatings (dimensionless), velocities per ms, Jacobians (B, P, P) per ms.
"""
from __future__ import annotations

import numpy as np

from attnsim.models.attention_circuit_rate_params import AttentionCircuitRateParams
from attnsim.models.errors import AttnsimError


def ring_footprint(n_pools: int, sigma_deg: float) -> np.ndarray:
    """(P, P) periodic Gaussian g(theta_k - theta_j) = exp((cos d - 1) / sigma^2), 1 on the diagonal."""
    theta = np.deg2rad(360.0 * np.arange(n_pools) / n_pools)
    d = theta[:, None] - theta[None, :]
    return np.exp((np.cos(d) - 1.0) / np.deg2rad(sigma_deg) ** 2)


def abbott_chance(x_nA, a, b, d):
    """H(x) in Hz for input x in nA: (a x - b) / (1 - exp(-d (a x - b))), 1/d at a x = b."""
    y = a * np.asarray(x_nA, dtype=float) - b
    small = np.abs(y) < 1e-9
    safe = np.where(small, 1.0, y)
    with np.errstate(over="ignore"):
        return np.where(small, 1.0 / d, safe / -np.expm1(-d * safe))


def abbott_chance_slope(x_nA, a, b, d):
    """dH/dx in Hz/nA."""
    y = a * np.asarray(x_nA, dtype=float) - b
    small = np.abs(y) < 1e-6
    safe = np.where(small, 1.0, y)
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(-d * safe)
        den = -np.expm1(-d * safe)
        dh = (den - safe * d * e) / den ** 2
    return a * np.where(small, 0.5, dh)


def wm_coupling_nA(p: AttentionCircuitRateParams, n_pools: int, w_plus: float | None = None) -> np.ndarray:
    """(P, P) matrix M of x = M S + I_0 + ... (nA per unit gating):

        M = J_N (1 / P + (w+ - 1) (g_hat - 1 / P)) - J_inh / P,     g_hat = g / (row sums of g)
    """
    w = p.w_plus if w_plus is None else float(w_plus)
    g = ring_footprint(n_pools, p.sigma_wm_deg)
    g_hat = g / g.sum(axis=1, keepdims=True)
    return p.J_N_nA * (1.0 / n_pools + (w - 1.0) * (g_hat - 1.0 / n_pools)) - p.J_inh_nA / n_pools


def wm_input_nA(S: np.ndarray, p: AttentionCircuitRateParams, coupling: np.ndarray,
                ext_nA: np.ndarray | float = 0.0) -> np.ndarray:
    """(B, P) synaptic input x of every pool (nA) without noise; ext_nA adds cue (and noise) currents."""
    return S @ coupling.T + p.I_0_nA + ext_nA


def wm_velocity(S: np.ndarray, p: AttentionCircuitRateParams, coupling: np.ndarray,
                ext_nA: np.ndarray | float = 0.0) -> np.ndarray:
    """(B, P) dS/dt per ms of the WM ring at gatings S (B, P)."""
    r = abbott_chance(wm_input_nA(S, p, coupling, ext_nA), p.a_hz_per_nA, p.b_hz, p.d_s)
    return -S / p.tau_NMDA_ms + (1.0 - S) * p.gamma * r * 1e-3


def wm_jacobian(S: np.ndarray, p: AttentionCircuitRateParams, coupling: np.ndarray,
                ext_nA: np.ndarray | float = 0.0) -> np.ndarray:
    """(B, P, P) d(dS/dt)/dS per ms, analytic."""
    S = np.atleast_2d(S)
    x = wm_input_nA(S, p, coupling, ext_nA)
    r = abbott_chance(x, p.a_hz_per_nA, p.b_hz, p.d_s)
    dr = abbott_chance_slope(x, p.a_hz_per_nA, p.b_hz, p.d_s)
    jac = ((1.0 - S) * p.gamma * dr * 1e-3)[:, :, None] * coupling[None, :, :]
    diag = -1.0 / p.tau_NMDA_ms - p.gamma * r * 1e-3
    idx = np.arange(S.shape[1])
    jac[:, idx, idx] += diag
    return jac


def _root(fun, x0, jac=None):
    from scipy.optimize import root

    return root(fun, x0, jac=jac, method="hybr", tol=1e-12)


def wm_fixed_point(p: AttentionCircuitRateParams, n_pools: int, guess: np.ndarray,
                   w_plus: float | None = None) -> np.ndarray | None:
    """A fixed point of the cue-free, noise-free WM ring near `guess` (P,), or None if Newton fails."""
    coupling = wm_coupling_nA(p, n_pools, w_plus)
    sol = _root(lambda s: wm_velocity(s[None], p, coupling)[0] * p.tau_NMDA_ms, np.asarray(guess, float),
                jac=lambda s: wm_jacobian(s[None], p, coupling)[0] * p.tau_NMDA_ms)
    s = sol.x
    if not sol.success or np.any(s < -1e-9) or np.any(s > 1 + 1e-9):
        return None
    if np.max(np.abs(wm_velocity(s[None], p, coupling)[0])) * p.tau_NMDA_ms > 1e-9:
        return None
    return s


def resting_state(p: AttentionCircuitRateParams, n_pools: int, w_plus: float | None = None) -> np.ndarray:
    """(P,) the low, symmetric spontaneous fixed point (every pool alike), by bracketing its 1-D equation."""
    from scipy.optimize import brentq

    coupling = wm_coupling_nA(p, n_pools, w_plus)
    row = coupling.sum(axis=1)[0]          # every pool sees the same row sum on a symmetric ring

    def f(s):
        r = abbott_chance(p.I_0_nA + row * s, p.a_hz_per_nA, p.b_hz, p.d_s)
        return -s / p.tau_NMDA_ms + (1 - s) * p.gamma * r * 1e-3

    grid = np.linspace(0.0, 1.0, 4001)
    vals = f(grid)
    k = np.flatnonzero(np.sign(vals[:-1]) != np.sign(vals[1:]))
    if k.size == 0:
        raise AttnsimError("attention_circuit_rate: the WM ring has no symmetric fixed point")
    return np.full(n_pools, brentq(f, grid[k[0]], grid[k[0] + 1], xtol=1e-14))


def _settle(p, n_pools, s, w_plus, duration_ms) -> np.ndarray:
    """Integrate the noise-free, cue-free ring from s for duration_ms (Euler, the model's step)."""
    coupling = wm_coupling_nA(p, n_pools, w_plus)
    s = np.array(s, dtype=float)
    for _ in range(int(round(duration_ms / p.dt_integration_ms))):
        s = s + p.dt_integration_ms * wm_velocity(s[None], p, coupling)[0]
    return s


def _stable_elevated_near(p, n_pools, s, w_plus, cued) -> np.ndarray | None:
    """The stable elevated fixed point reached from s at w_plus, or None.

    s relaxed for 200 ms seeds Newton. When that lands on an elevated state that is not stable
    (a bump centred on a pool that gives way to one between pools, symmetric states that plain
    integration never leaves), the state is pushed along its unstable eigenvector, both ways, and
    relaxed for 400 ms before Newton again."""
    rest = resting_state(p, n_pools, w_plus)
    fp = wm_fixed_point(p, n_pools, _settle(p, n_pools, s, w_plus, 200.0), w_plus)
    if fp is None or not _is_elevated(fp, rest, cued):
        return None
    if _is_stable(fp, p, n_pools, w_plus):
        return fp
    ev, vec = np.linalg.eig(wm_jacobian(fp[None], p, wm_coupling_nA(p, n_pools, w_plus))[0])
    v = np.real(vec[:, int(np.argmax(ev.real))])
    for sign in (1.0, -1.0):
        start = np.clip(fp + sign * 0.02 * v / np.max(np.abs(v)), 0.0, 1.0)
        cand = wm_fixed_point(p, n_pools, _settle(p, n_pools, start, w_plus, 400.0), w_plus)
        if cand is not None and _is_elevated(cand, rest, cued) and _is_stable(cand, p, n_pools, w_plus):
            return cand
    return None


def _is_elevated(s: np.ndarray, rest: np.ndarray, cued: int) -> bool:
    """Pool `cued` sits well above the spontaneous gating and the opposite pool does not (the ring
    holds the cued direction, alone or with its neighbours)."""
    opposite = (cued + len(s) // 2) % len(s)
    return bool(s[cued] - rest[cued] > 0.1 and s[opposite] - rest[opposite] < 0.1)


def _is_stable(s, p, n_pools, w_plus) -> bool:
    ev = np.linalg.eigvals(wm_jacobian(s[None], p, wm_coupling_nA(p, n_pools, w_plus))[0])
    return bool(np.all(ev.real < 0))


def critical_w_plus(params: AttentionCircuitRateParams | None = None, n_pools: int = 8,
                    w_max: float = 3.0, tol: float = 1e-10) -> float:
    """The critical w+ of the WM ring: the fold where the state holding one elevated pool appears.

    Elevated states are found at w_max by integrating the equations from pool 0 raised, from pools
    0 and 1 raised, and from the feature task's cue profile (von Mises, kappa 2) raised: a bump on
    the cued pool, one between it and a neighbour and a broad one (on a discrete ring any may
    outlive the others); the result is the lowest of their folds. Continuation
    of the elevated branch from w_max downwards (at each step the last fixed point, relaxed by the
    equations at the new w+, seeds a Newton solve; where the state found is not stable it is pushed
    off along its unstable direction, so the branch followed is always the stable one, even where a
    bump centred on the cued pool gives way to one between the cued pool and a neighbour, which
    outlives it; the step halves when no stable elevated state is found) brackets
    the fold to 1e-4; the extended system (F = 0, det dF/dS = 0) then gives it to `tol`. Raises
    AttnsimError when there is no elevated state at w_max or no stable low state at the fold (no
    bistability to speak of). Depends on n_pools through the footprint and the shared inhibition.
    """
    p = params or AttentionCircuitRateParams()
    cued = 0
    rest = resting_state(p, n_pools, w_max)
    folds = []
    theta = np.deg2rad(360.0 * np.arange(n_pools) / n_pools)
    broad = 0.95 * np.exp(2.0 * (np.cos(theta) - 1.0))           # the feature task's cue profile
    starts = [np.where(np.arange(n_pools) == cued, 0.95, rest),                # a bump on the pool,
              np.where(np.isin(np.arange(n_pools), [cued, (cued + 1) % n_pools]), 0.95, rest),  # between
              np.maximum(rest, broad)]                                          # and a broad one
    for guess in starts:
        s = wm_fixed_point(p, n_pools, _settle(p, n_pools, guess, w_max, 5000.0), w_max)
        if s is not None and _is_elevated(s, rest, cued) and _is_stable(s, p, n_pools, w_max):
            folds.append(_fold(p, n_pools, s, float(w_max), cued, tol))
    if not folds:
        raise AttnsimError(f"attention_circuit_rate: no stable elevated WM state at w+ = {w_max}; "
                           "raise w_max or check J_N_nA, I_0_nA")
    w = min(folds)
    rest_c = resting_state(p, n_pools, w)
    if not _is_stable(rest_c, p, n_pools, w):
        raise AttnsimError(f"attention_circuit_rate: the low WM state is unstable at the fold w+ = {w:.4f}: "
                           "no bistability (lower I_0_nA or J_N_nA)")
    return w


def _fold(p, n_pools, s, w, cued, tol) -> float:
    """Continue the stable elevated state s at w downwards in w+ to its fold (critical_w_plus)."""
    step = 0.05
    while step > 1e-4:
        w_try = w - step
        if w_try <= 0:
            step /= 2
            continue
        s_try = _stable_elevated_near(p, n_pools, s, w_try, cued)
        if s_try is None:
            step /= 2
        else:
            w, s = w_try, s_try
    # The fold: F(S, w) = 0 and det J(S, w) = 0, from the continuation's last point. The elevated
    # node and the saddle both lie near it, so the solution is checked to be a fold (a zero eigenvalue).
    def extended(z):
        ss, ww = z[:-1], z[-1]
        coupling = wm_coupling_nA(p, n_pools, ww)
        f = wm_velocity(ss[None], p, coupling)[0] * p.tau_NMDA_ms
        det = np.linalg.det(wm_jacobian(ss[None], p, coupling)[0] * p.tau_NMDA_ms)
        return np.append(f, det)

    sol = _root(extended, np.append(s, w))
    w_c = float(sol.x[-1])
    if sol.success and abs(w_c - w) < 1e-3 and np.max(np.abs(extended(sol.x))) < tol ** 0.5:
        w = w_c
    return w


def bistability_scan(params: AttentionCircuitRateParams | None, w_values, n_pools: int = 8,
                     duration_ms: float = 8000.0, dt_ms: float | None = None,
                     starts=(0.5, 0.7, 0.9)) -> dict:
    """Brute force: integrate the noise-free, cue-free WM ring at each w+ from the low state, from
    states with pool 0 raised to each of `starts`, and from the same with pool 1 raised to 0.9 of
    it (an asymmetric start, which lets a bump settle between pools); Euler with the model's step.

    Returns {"w_plus": (n,), "elevated_holds": (n,) bool: some raised start ends with pool 0
    elevated, "rest_holds": (n,) bool: the low start ends low, "bistable": both}.
    """
    p = params or AttentionCircuitRateParams()
    w_values = np.asarray(w_values, dtype=float)
    dt = p.dt_integration_ms if dt_ms is None else float(dt_ms)
    n_w, n_s = w_values.size, 2 * len(starts) + 1
    couplings = np.stack([wm_coupling_nA(p, n_pools, w) for w in w_values])          # (n_w, P, P)
    rests = np.stack([resting_state(p, n_pools, w) for w in w_values])                # (n_w, P)
    S = np.repeat(rests[:, None, :], n_s, axis=1)                                     # (n_w, n_s, P)
    for j, h in enumerate(starts):
        S[:, j + 1, 0] = h
        S[:, j + 1 + len(starts), 0] = h                   # pool 0 and, a little lower, pool 1
        S[:, j + 1 + len(starts), 1] = 0.9 * h
    for _ in range(int(round(duration_ms / dt))):
        x = np.einsum("wsj,wkj->wsk", S, couplings) + p.I_0_nA
        r = abbott_chance(x, p.a_hz_per_nA, p.b_hz, p.d_s)
        S = S + dt * (-S / p.tau_NMDA_ms + (1.0 - S) * p.gamma * r * 1e-3)
    opposite = n_pools // 2
    lead = S[:, :, 0] - np.median(S, axis=2)
    elevated = ((lead[:, 1:] > 0.1) & (S[:, 1:, opposite] - rests[:, None, opposite] < 0.1)).any(axis=1)
    rest_holds = np.abs(S[:, 0, :] - rests).max(axis=1) < 0.05
    return {"w_plus": w_values, "elevated_holds": elevated, "rest_holds": rest_holds,
            "bistable": elevated & rest_holds}
