"""Reynolds & Heeger (2009) normalization model of attention.

Neurons tile space x (receptive-field centre) and orientation theta
(preference). For a stimulus image over (theta, x):

    E = stimulus * (Gaussian stimulation field over x and theta)   stimulus drive
    A = 1 + amplitude * Gaussian(x - x_att, attention width)          attention field
    I = (A E) * (Gaussian suppressive field over x and theta)         suppressive drive
    R = A E / (I + sigma)                                             response

(* is convolution: zero-padded over space, circular over orientation.) Defaults
follow the paper's Fig. 2 simulations: stimulation field width 5 (space) and 60
deg (orientation), suppressive field 20 and 360 deg, attention peak gain 2
(amplitude 1). The response depends on contrast only through contrast / sigma,
so sigma just sets where the contrast-response curve sits; its default puts
the unattended c50 of the default stimulus in the task's contrast range.

run(): stimuli A and B at -/+ `stim_separation` with contrast stim_A, stim_B; a
cue puts the attention field (scaled by the cue value) on the cued stimulus.
The response is a closed-form steady state, evaluated per distinct input
combination at each time step; rates of the neurons centred on A and B that
prefer the stimulus orientation form "pool_A" and "pool_B".

The model itself is noise-free, so sensitivity (d') is undefined on its rates.
With `n_neurons` > 0 each pool's rate is read out as the pooled spike count of
that many independent Poisson neurons firing at the model rate, per time step
(count / (n_neurons dt)): a Poisson observer, whose d' grows as sqrt(n_neurons)
for every condition alike, so ratios of d' do not depend on the choice of n.

There is no dynamics and no Brian2 network, so this family does not use the batch run loop of
models.rate_run: each time step is the steady state of its inputs.

Shapes: run(inputs (n_trials, n_steps, n_channels), dt_ms) -> Activity with rates
(n_trials, n_steps, 2) = (pool_A, pool_B) in Hz on the input grid; choice from the rates at the
end of the stimulus (n_neurons = 0, no reaction time) or from the epoch's spike counts.

Reference: Reynolds & Heeger 2009 Neuron 61:168 (model and Fig. 2 parameters).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from scipy import ndimage

from attnsim.models.activity import Activity
from attnsim.models.base import BrainModel, channel_index
from attnsim.models.params import check_params, param
from attnsim.models.readout import location_fields, stimulus_onset_index, threshold_readout
from attnsim.models.registry import FAMILIES


@dataclass(frozen=True)
class NormalizationParams:
    ex_width: float = param(5.0, "ExWidth: spatial width (SD) of the stimulation field (space units)", gt=0)
    etheta_width_deg: float = param(60.0, "EthetaWidth: orientation width (SD) of the stimulation field (deg)", gt=0)
    ix_width: float = param(20.0, "IxWidth: spatial width (SD) of the suppressive field (space units)", gt=0)
    itheta_width_deg: float = param(360.0, "IthetaWidth: orientation width (SD) of the suppressive field (deg)", gt=0)
    attention_amplitude: float = param(1.0, "Apeak - 1: attention gain is 1 + amplitude at the field's centre", ge=0)
    attention_width: float = param(30.0, "AxWidth: spatial width (SD) of the attention field (space units)", gt=0)
    stim_width: float = param(3.0, "spatial width (SD) of each stimulus (space units)", gt=0)
    stim_separation: float = param(100.0, "distance of stimuli A and B from the centre (space units)", gt=0)
    sigma: float = param(4e-4, "semi-saturation constant (sets c50; contrast enters only as contrast / sigma)", gt=0)
    rate_scale_hz: float = param(10.0, "Hz per unit of normalized response R", gt=0)
    baseline_hz: float = param(0.0, "rate added after normalization (Hz)", ge=0)
    x_extent: float = param(200.0, "space is sampled on [-x_extent, x_extent] in steps of 1", gt=0)
    theta_step_deg: float = param(5.0, "orientation sampling step (deg)", gt=0, le=45)
    n_neurons: int = param(0, "neurons per pool read out as independent Poisson spike counts per time step "
                              "(trial-to-trial noise for d'); 0 = the noise-free steady-state rate", ge=0)
    report_criterion_hz: float | None = param(None, "dual-report criterion: a location is reported present when its selective group's mean rate in the stimulus epoch exceeds it; one value for both locations and every condition (None: evidence only, no reports) (Hz)", ge=0)

    def __post_init__(self):
        check_params(self)


def _gauss(u, width):
    return np.exp(-0.5 * (u / width) ** 2)


class Grid:
    """Space and orientation samples with the model's (normalized) kernels."""

    def __init__(self, p: NormalizationParams):
        self.x = np.arange(-p.x_extent, p.x_extent + 1.0)
        self.theta = np.arange(-180.0, 180.0, p.theta_step_deg)
        k = lambda u, w: _gauss(u, w) / _gauss(u, w).sum()
        self.ex = k(self.x, p.ex_width)
        self.ix = k(self.x, p.ix_width)
        self.etheta = k(self.theta, p.etheta_width_deg)
        self.itheta = k(self.theta, p.itheta_width_deg)

    def convolve(self, img, kx, ktheta):
        out = ndimage.convolve1d(img, kx, axis=1, mode="constant")
        return ndimage.convolve1d(out, ktheta, axis=0, mode="wrap")


def population_response(p: NormalizationParams, stimuli, attention=(), grid: Grid | None = None):
    """R over (theta, x) for stimuli [(x, theta_deg, contrast)] and attention [(x, weight)].

    Each attention entry adds weight * amplitude * Gaussian(x - centre) to the gain.
    """
    g = grid or Grid(p)
    img = np.zeros((g.theta.size, g.x.size))
    for xc, th, c in stimuli:
        img += c * np.outer(_gauss(g.theta - th, 1.0), _gauss(g.x - xc, p.stim_width))
    gain = np.ones(g.x.size)
    for xc, w in attention:
        gain = gain + w * p.attention_amplitude * _gauss(g.x - xc, p.attention_width)
    e = g.convolve(img, g.ex, g.etheta)
    ae = gain[None, :] * e
    i = g.convolve(ae, g.ix, g.itheta)
    return ae / (i + p.sigma)


def contrast_response(p: NormalizationParams, contrasts, attend: bool) -> np.ndarray:
    """Fig. 2 protocol: equal stimuli at -/+ separation, neuron at +separation preferring 0 deg;
    attention on that stimulus (attend=True) or on the other one (False)."""
    g = Grid(p)
    ix = int(np.argmin(np.abs(g.x - p.stim_separation)))
    it = int(np.argmin(np.abs(g.theta)))
    att = [(p.stim_separation if attend else -p.stim_separation, 1.0)]
    out = []
    for c in np.atleast_1d(contrasts):
        stims = [(p.stim_separation, 0.0, c), (-p.stim_separation, 0.0, c)]
        out.append(population_response(p, stims, att, g)[it, ix])
    return np.asarray(out)


def naka_rushton(c, r_max, c50, n):
    c = np.asarray(c, dtype=float)
    return r_max * c ** n / (c ** n + c50 ** n)


def fit_naka_rushton(contrasts, responses) -> dict:
    """Least-squares (Rmax, c50, n), with c50 fitted in log space for conditioning."""
    from scipy.optimize import curve_fit

    contrasts, responses = np.asarray(contrasts, float), np.asarray(responses, float)
    f = lambda c, r_max, log_c50, n: naka_rushton(c, r_max, 10.0 ** log_c50, n)
    guess = [responses.max(), np.log10(contrasts[np.argmin(np.abs(responses - responses.max() / 2))]), 1.0]
    (r_max, log_c50, n), _ = curve_fit(f, contrasts, responses, p0=guess, maxfev=20000)
    return {"r_max": float(r_max), "c50": float(10.0 ** log_c50), "n": float(n)}


def _count_choice(rates, onset, end, rng) -> np.ndarray:
    """Pool with the larger summed rate over [onset, end) per trial; ties by a fair coin; -1 without a stimulus."""
    choice = np.full(rates.shape[0], -1, dtype=int)
    for i in range(rates.shape[0]):
        s, e = int(onset[i]), int(end[i])
        if s >= e:
            continue
        a, b = rates[i, s:e, 0].sum(), rates[i, s:e, 1].sum()
        choice[i] = 0 if a > b else 1 if b > a else int(rng.integers(2))
    return choice


@FAMILIES.register("normalization", summary="Reynolds & Heeger 2009 normalization model of attention (rate)")
class Normalization(BrainModel):
    family: ClassVar[str] = "normalization"
    capabilities: ClassVar[frozenset] = frozenset(set())
    paper: ClassVar[str] = "Reynolds & Heeger 2009 Neuron 61:168"
    Params: ClassVar[type] = NormalizationParams

    def __init__(self, params: NormalizationParams | None = None):
        self.params = params or NormalizationParams()
        self._grid = None

    def _pool_rates(self, combo) -> tuple[float, float]:
        p = self.params
        s_a, s_b, q_a, q_b = combo
        stims = [(-p.stim_separation, 0.0, s_a), (p.stim_separation, 0.0, s_b)]
        att = [(-p.stim_separation, q_a), (p.stim_separation, q_b)]
        r = population_response(p, stims, att, self._grid)
        it = int(np.argmin(np.abs(self._grid.theta)))
        ia = int(np.argmin(np.abs(self._grid.x + p.stim_separation)))
        ib = int(np.argmin(np.abs(self._grid.x - p.stim_separation)))
        return r[it, ia], r[it, ib]

    def footprint(self, n_steps: int, dt_ms: float) -> dict:
        """Size of one trial's Activity (run memory estimate): two pool rates per step, no spikes."""
        return {"values_per_trial": 2 * n_steps, "spikes_per_trial": 0.0}

    def run(self, inputs, dt_ms, channels, *, seed, progress=None) -> Activity:
        """Steady-state pool rates per step (each distinct (stim_A, stim_B, cue_A, cue_B) solved
        once), optional Poisson read-out noise from `seed`, and the readout described above."""
        p = self.params
        inputs = np.asarray(inputs, dtype=float)
        n, n_steps, _ = inputs.shape
        channels = tuple(channels)
        if self._grid is None:
            self._grid = Grid(p)
        cols = [channel_index(channels, "stim_A"), channel_index(channels, "stim_B")]
        drive = inputs[:, :, cols]
        cue = np.zeros((n, n_steps, 2))
        for k, name in enumerate(("cue_A", "cue_B")):
            if name in channels:
                cue[:, :, k] = inputs[:, :, channels.index(name)]
        flat = np.concatenate([drive, cue], axis=2).reshape(-1, 4)
        # The steady state depends only on the 4 inputs: solve each distinct combination once.
        combos, inverse = np.unique(flat, axis=0, return_inverse=True)
        resp = np.array([self._pool_rates(c) for c in combos])
        if progress:
            progress(n, n)
        rates = p.baseline_hz + p.rate_scale_hz * resp[inverse.ravel()].reshape(n, n_steps, 2)
        rng = np.random.default_rng(seed)
        if p.n_neurons > 0:
            per_step = p.n_neurons * dt_ms * 1e-3
            rates = rng.poisson(rates * per_step) / per_step
        onset = stimulus_onset_index(inputs, channels)
        on = (drive > 0).any(axis=2)
        last = np.where(on.any(axis=1), n_steps - on[:, ::-1].argmax(axis=1), n_steps)
        if p.n_neurons > 0:
            # a Poisson observer compares the spike counts of the whole stimulus epoch (the end of the
            # stimulus holds only a few spikes) and guesses on a tie; no decision dynamics, so no RT
            choice, rt = _count_choice(rates, onset, last, rng), np.full(n, np.nan)
        else:
            # No decision dynamics: choice is the pool with the larger rate at the end of the stimulus.
            choice, rt = threshold_readout(rates[:, :, 0], rates[:, :, 1], dt_ms, onset, np.inf, end_index=last)
        # the pools are sensory neurons (Reynolds & Heeger 2009 model responses of visual cortex,
        # with no decision dynamics; the choice is an observer reading them): Activity.roles
        return Activity(rates=rates, dt_ms=float(dt_ms), groups={"pool_A": slice(0, 1), "pool_B": slice(1, 2)},
                        roles={"pool_A": "sensory", "pool_B": "sensory"},
                        selective_groups=("pool_A", "pool_B"), choice=choice, reaction_time_ms=rt,
                        rate_unit="Hz", **location_fields(inputs, channels, dt_ms, rates[:, :, 0], rates[:, :, 1],
                                                          dt_ms, p.report_criterion_hz))
