"""Wilson & Cowan (1972) excitatory/inhibitory rate populations.

One E/I pair per stimulus (A, B); the inhibitory population of each pair also inhibits the
excitatory population of the other pair (mutual inhibition, w_cross), so the pairs compete.
Stimulus and cue enter as external input P to the E populations; white noise acts on E.
Time t in units of u = `tau_scale_ms` (tau_E, tau_I in units of u), xi white noise:

    dE_A/dt = (-E_A + S_E(w_EE E_A - w_EI I_A - w_cross I_B + P_A)) / tau_E + sigma_noise xi_A / sqrt(u)
    dI_A/dt = (-I_A + S_I(w_IE E_A - w_II I_A)) / tau_I                (pair B likewise, A <-> B)
    S(x) = 1 / (1 + exp(-a (x - theta))) - 1 / (1 + exp(a theta))
    P_X = stim_gain stim_X + cue_gain cue_X

The sigmoid is shifted so that S(0) = 0 and the refractory factor (1 - r E) of the 1972 paper
is left out: with the default parameters an isolated pair then has the fixed points (0, 0)
stable, (0.3369, 0.1684) saddle and (0.9384, 0.6725) stable (fixed_points; docs/model_notes.md).

As in models.wong_wang, all trials run at once through models.rate_run.TrialBatch: one Brian2
"neuron" per trial carries E_A, I_A, E_B, I_B; inputs come from 2-D TimedArrays rewritten in
place, so later run() calls reuse the built network.

Shapes: run(inputs (n_trials, n_steps, n_channels), dt_ms) -> Activity with rates
(n_trials, n_rec, 4) = (E_A, I_A, E_B, I_B) clipped at 0 (a.u.), extras["raw"] unclipped;
choice and reaction time from the first crossing of `threshold` by the raw E traces.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import ClassVar

import numpy as np

from attnsim.models.activity import Activity
from attnsim.models.base import BrainModel
from attnsim.models.params import check_params, param
from attnsim.models.rate_run import BuiltBatch, TrialBatch, onset_record_bins, pool_drive
from attnsim.models.readout import location_fields, threshold_readout
from attnsim.models.registry import FAMILIES


@dataclass(frozen=True)
class WilsonCowanParams:
    tau_E: float = param(1.0, "tau_E: E time constant (units of tau_scale_ms)", gt=0)
    a_E: float = param(1.2, "a_E: E sigmoid gain", gt=0)
    theta_E: float = param(2.8, "theta_E: E sigmoid threshold")
    tau_I: float = param(2.0, "tau_I: I time constant (units of tau_scale_ms)", gt=0)
    a_I: float = param(1.0, "a_I: I sigmoid gain", gt=0)
    theta_I: float = param(4.0, "theta_I: I sigmoid threshold")
    w_EE: float = param(9.0, "w_EE: E -> E coupling", ge=0)
    w_EI: float = param(4.0, "w_EI: I -> E coupling (inhibitory, subtracted)", ge=0)
    w_IE: float = param(13.0, "w_IE: E -> I coupling", ge=0)
    w_II: float = param(11.0, "w_II: I -> I coupling (subtracted)", ge=0)
    w_cross: float = param(6.0, "I of one pair -> E of the other pair (mutual inhibition, subtracted)", ge=0)
    tau_scale_ms: float = param(10.0, "duration of one model time unit (ms)", gt=0)
    stim_gain: float = param(2.0, "external input to E per unit of its stimulus channel", ge=0)
    cue_gain: float = param(0.3, "external input to E per unit of its cue channel (top-down bias)", ge=0)
    sigma_noise: float = param(0.02, "white-noise amplitude on E (a.u. per sqrt(time unit))", ge=0)
    E0: float = param(0.0, "initial E of both pairs", ge=0, le=1)
    I0: float = param(0.0, "initial I of both pairs", ge=0, le=1)
    threshold: float = param(0.5, "decision threshold on E (a.u.)", gt=0)
    report_criterion: float | None = param(None, "dual-report criterion: a location is reported present when its selective group's mean rate in the stimulus epoch exceeds it; one value for both locations and every condition (None: evidence only, no reports) (a.u.)", ge=0)
    dt_integration_ms: float = param(0.1, "Euler(-Maruyama) integration step (ms)", gt=0)
    record_dt_ms: float = param(1.0, "sampling step of the returned activity (ms)", gt=0)

    def __post_init__(self):
        check_params(self)


def sigmoid(x, a, theta):
    """Wilson-Cowan logistic shifted so that S(0) = 0."""
    return 1.0 / (1.0 + np.exp(-a * (x - theta))) - 1.0 / (1.0 + np.exp(a * theta))


def _dsigmoid(x, a, theta):
    e = np.exp(-a * (x - theta))
    return a * e / (1.0 + e) ** 2


def pair_rhs(E, I, p: WilsonCowanParams, P: float = 0.0):
    """(dE/dt, dI/dt) of one isolated pair, time in model units."""
    dE = (-E + sigmoid(p.w_EE * E - p.w_EI * I + P, p.a_E, p.theta_E)) / p.tau_E
    dI = (-I + sigmoid(p.w_IE * E - p.w_II * I, p.a_I, p.theta_I)) / p.tau_I
    return dE, dI


def pair_jacobian(E, I, p: WilsonCowanParams, P: float = 0.0) -> np.ndarray:
    """Analytic Jacobian of pair_rhs at (E, I)."""
    gE = _dsigmoid(p.w_EE * E - p.w_EI * I + P, p.a_E, p.theta_E)
    gI = _dsigmoid(p.w_IE * E - p.w_II * I, p.a_I, p.theta_I)
    return np.array([[(-1 + p.w_EE * gE) / p.tau_E, -p.w_EI * gE / p.tau_E],
                     [p.w_IE * gI / p.tau_I, (-1 - p.w_II * gI) / p.tau_I]])


def fixed_points(p: WilsonCowanParams | None = None, P: float = 0.0, grid: int = 21) -> list[dict]:
    """Fixed points of one isolated pair with constant input P, sorted by E.

    Roots from scipy.optimize.root started on a grid over [0, 1]^2; each with
    its Jacobian eigenvalues and stability: "stable" (all Re < 0), "saddle"
    (real parts of both signs) or "unstable".
    """
    from scipy.optimize import root

    p = p or WilsonCowanParams()
    found: list[np.ndarray] = []
    for e0 in np.linspace(0, 1, grid):
        for i0 in np.linspace(0, 1, grid):
            sol = root(lambda v: pair_rhs(v[0], v[1], p, P), [e0, i0], method="hybr", tol=1e-13)
            if not sol.success or np.max(np.abs(pair_rhs(*sol.x, p, P))) > 1e-10:
                continue
            if all(np.max(np.abs(sol.x - f)) > 1e-6 for f in found):
                found.append(sol.x)
    out = []
    for v in sorted(found, key=lambda v: v[0]):
        ev = np.linalg.eigvals(pair_jacobian(v[0], v[1], p, P))
        re = ev.real
        kind = "stable" if np.all(re < 0) else ("saddle" if np.any(re < 0) and np.any(re > 0) else "unstable")
        out.append({"E": float(v[0]), "I": float(v[1]), "eigenvalues": ev, "stability": kind})
    return out


# The module doc's equations, one trial per "neuron": S_Y_X is the shifted sigmoid S_Y of
# population Y (E, I) of pair X (A, B), x_Y_X its input; time in units of t_unit.
EQS = """
dE_A/dt = (-E_A + S_E_A) / tau_E_s + sigma_noise * xi_A / sqrt(t_unit) : 1
dE_B/dt = (-E_B + S_E_B) / tau_E_s + sigma_noise * xi_B / sqrt(t_unit) : 1
dI_A/dt = (-I_A + S_I_A) / tau_I_s : 1
dI_B/dt = (-I_B + S_I_B) / tau_I_s : 1
S_E_A = 1 / (1 + exp(-a_E * (x_E_A - theta_E))) - 1 / (1 + exp(a_E * theta_E)) : 1
S_E_B = 1 / (1 + exp(-a_E * (x_E_B - theta_E))) - 1 / (1 + exp(a_E * theta_E)) : 1
S_I_A = 1 / (1 + exp(-a_I * (x_I_A - theta_I))) - 1 / (1 + exp(a_I * theta_I)) : 1
S_I_B = 1 / (1 + exp(-a_I * (x_I_B - theta_I))) - 1 / (1 + exp(a_I * theta_I)) : 1
x_E_A = w_EE * E_A - w_EI * I_A - w_cross * I_B + P_A(t, i) : 1
x_E_B = w_EE * E_B - w_EI * I_B - w_cross * I_A + P_B(t, i) : 1
x_I_A = w_IE * E_A - w_II * I_A : 1
x_I_B = w_IE * E_B - w_II * I_B : 1
"""


class WilsonCowanDynamics:
    """The noise-free two-pair model at fixed inputs (models/dynamics.py contract), state
    (E_A, I_A, E_B, I_B) unclipped: the module doc's equations divided by tau_scale_ms (per ms),
    P_X from `WilsonCowan.external_input` as in `run`. `trajectories` are the raw traces that
    `run` records (extras["raw"], every record_dt_ms, with the model's noise)."""

    time = "continuous"
    state_labels = ("E_A", "I_A", "E_B", "I_B")

    def __init__(self, model: "WilsonCowan", channels: tuple[str, ...], dt_ms: float):
        self.model, self.channels, self.input_dt_ms = model, tuple(channels), float(dt_ms)
        self.dt_ms = model.params.record_dt_ms

    def _inputs(self, x, u):
        p = self.model.params
        x = np.asarray(x, dtype=float)
        P_A, P_B = (d[:, 0] for d in self.model.external_input(np.asarray(u, dtype=float)[:, None, :], self.channels))
        E_A, I_A, E_B, I_B = x.T
        xe = (p.w_EE * E_A - p.w_EI * I_A - p.w_cross * I_B + P_A, p.w_EE * E_B - p.w_EI * I_B - p.w_cross * I_A + P_B)
        xi = (p.w_IE * E_A - p.w_II * I_A, p.w_IE * E_B - p.w_II * I_B)
        return x, xe, xi

    def velocity(self, x: np.ndarray, u: np.ndarray) -> np.ndarray:
        p = self.model.params
        x, xe, xi = self._inputs(x, u)
        out = np.empty_like(x)
        for k in range(2):
            out[:, 2 * k] = (-x[:, 2 * k] + sigmoid(xe[k], p.a_E, p.theta_E)) / p.tau_E
            out[:, 2 * k + 1] = (-x[:, 2 * k + 1] + sigmoid(xi[k], p.a_I, p.theta_I)) / p.tau_I
        return out / p.tau_scale_ms

    def jacobian(self, x: np.ndarray, u: np.ndarray) -> np.ndarray:
        p = self.model.params
        x, xe, xi = self._inputs(x, u)
        J = np.zeros((x.shape[0], 4, 4))
        for k, other in ((0, 1), (1, 0)):
            e, i, i_other = 2 * k, 2 * k + 1, 2 * other + 1
            gE, gI = _dsigmoid(xe[k], p.a_E, p.theta_E) / p.tau_E, _dsigmoid(xi[k], p.a_I, p.theta_I) / p.tau_I
            J[:, e, e] = -1 / p.tau_E + p.w_EE * gE
            J[:, e, i] = -p.w_EI * gE
            J[:, e, i_other] = -p.w_cross * gE
            J[:, i, e] = p.w_IE * gI
            J[:, i, i] = -1 / p.tau_I - p.w_II * gI
        return J / p.tau_scale_ms

    def trajectories(self, inputs: np.ndarray, seed: int) -> np.ndarray:
        return self.model.run(inputs, self.input_dt_ms, self.channels, seed=seed).extras["raw"]


@FAMILIES.register("wilson_cowan", summary="Wilson & Cowan 1972 E/I rate populations, one E/I pair per stimulus with mutual inhibition")
class WilsonCowan(BrainModel):
    family: ClassVar[str] = "wilson_cowan"
    capabilities: ClassVar[frozenset] = frozenset({"dynamical"})
    paper: ClassVar[str] = "Wilson & Cowan 1972 Biophys J 12:1"
    Params: ClassVar[type] = WilsonCowanParams

    def __init__(self, params: WilsonCowanParams | None = None):
        self.params = params or WilsonCowanParams()
        self._batch = TrialBatch(self._build, "numpy")   # a few vector ops per step: no compile needed

    @property
    def _net(self):
        """The built Brian2 network (None before the first run); reused across run() calls."""
        return self._batch.net

    def _build(self, n: int, n_steps: int, dt_ms: float) -> BuiltBatch:
        """One Brian2 "neuron" per trial carrying E_A, I_A, E_B, I_B."""
        import brian2 as b2

        p = self.params
        b2.prefs.codegen.target = "numpy"  # a few vector ops per step: no compile needed
        unit = p.tau_scale_ms * b2.ms
        ns = {k: v for k, v in asdict(p).items() if k in (
            "a_E", "theta_E", "a_I", "theta_I", "w_EE", "w_EI", "w_IE", "w_II", "w_cross", "sigma_noise")}
        ns.update(tau_E_s=p.tau_E * unit, tau_I_s=p.tau_I * unit, t_unit=unit,
                  P_A=b2.TimedArray(np.zeros((n_steps, n)), dt=dt_ms * b2.ms, name="wc_P_A"),
                  P_B=b2.TimedArray(np.zeros((n_steps, n)), dt=dt_ms * b2.ms, name="wc_P_B"))
        group = b2.NeuronGroup(n, EQS, method="euler", namespace=ns, dt=p.dt_integration_ms * b2.ms,
                               name="wc_pairs")
        group.E_A = group.E_B = p.E0
        group.I_A = group.I_B = p.I0
        mon = b2.StateMonitor(group, ["E_A", "I_A", "E_B", "I_B"], record=True,
                              dt=p.record_dt_ms * b2.ms, name="wc_monitor")
        net = b2.Network(group, mon)
        net.store("init")
        return BuiltBatch(b2, net, mon, (ns["P_A"], ns["P_B"]), n, n_steps, float(dt_ms))

    def external_input(self, inputs: np.ndarray, channels: tuple[str, ...]):
        """(n_trials, n_steps) external input P to E_A and E_B."""
        p = self.params
        return pool_drive(inputs, channels, p.stim_gain, p.cue_gain)

    def dynamics(self, channels: tuple[str, ...], dt_ms: float) -> WilsonCowanDynamics:
        """The noise-free vector field of (E_A, I_A, E_B, I_B) at fixed inputs (WilsonCowanDynamics)."""
        return WilsonCowanDynamics(self, channels, dt_ms)

    def footprint(self, n_steps: int, dt_ms: float) -> dict:
        """Size of one trial's Activity (run memory estimate): four E/I rates per step, no spikes."""
        return {"values_per_trial": 4 * n_steps, "spikes_per_trial": 0.0}

    def run(self, inputs, dt_ms, channels, *, seed, progress=None) -> Activity:
        """All trials in one batch (models.rate_run.TrialBatch); threshold readout on E_A, E_B."""
        inputs = np.asarray(inputs, dtype=float)
        n = inputs.shape[0]
        p = self.params
        traces = self._batch.simulate(self.external_input(inputs, tuple(channels)), dt_ms, seed,
                                      ("E_A", "I_A", "E_B", "I_B"), p.record_dt_ms, progress)
        raw = np.stack([traces[v] for v in ("E_A", "I_A", "E_B", "I_B")], axis=2)
        # The shifted sigmoid lets activity dip to -1/(1 + exp(a theta)) (about -0.03);
        # Activity promises non-negative selective rates, so clip and keep the raw values.
        rates = np.maximum(raw, 0.0)
        onset = onset_record_bins(inputs, tuple(channels), dt_ms, p.record_dt_ms)
        choice, rt = threshold_readout(traces["E_A"], traces["E_B"], p.record_dt_ms, onset, p.threshold)
        if progress:
            progress(n, n)
        return Activity(rates=rates, dt_ms=p.record_dt_ms,
                        groups={"E_A": slice(0, 1), "I_A": slice(1, 2), "E_B": slice(2, 3), "I_B": slice(3, 4)},
                        selective_groups=("E_A", "E_B"), choice=choice, reaction_time_ms=rt, rate_unit="a.u.",
                        extras={"raw": raw},
                        # the pairs compete through cross inhibition (I_A inhibits E_B) and the choice
                        # is read from E: all four are the decision circuit, no sensory population
                        # (Activity.roles)
                        roles={"E_A": "decision", "E_B": "decision", "I_A": "decision", "I_B": "decision"},
                        **location_fields(inputs, channels, dt_ms, rates[:, :, 0], rates[:, :, 2], p.record_dt_ms,
                                          p.report_criterion))
