"""Whether the cued working-memory representation outlasts the cue (docs/reference.md row 13).

Working-memory pools held by recurrent excitation stay elevated after a transient cue when their
self-excitation w+ exceeds a critical value (bistability), and fall back to the spontaneous state
within a few hundred ms below it (Brunel & Wang 2001, J Comput Neurosci 11:63; Wang 2002; Compte
et al. 2000, Cereb Cortex 10:910); a source that stays elevated keeps its top-down drive, and with
it the attention effect on the sensory population, through the delay (Ardid, Wang & Compte 2007).

The cued signal S_i(t) of each cued trial i (feature task, `ring_units` labels):

- ring models (working-memory pools `wm_f<k>`, pool k preferring 360 k / P deg): the rate of the
  pool whose preferred direction is nearest the cue, minus that trial's mean rate of the same pool
  over the fixation epoch (the pre-cue baseline), in Hz;
- models with hidden units only (an ANN): the decodability of the cue from the hidden units:
  S_i(t) = 1 when a nearest-centroid decoder (Euclidean distance to the class means of the cue
  directions at time t) trained on the other half of the cued trials (two-fold, the halves of
  `sensory.split_halves`) names the cue of trial i, else 0; minus chance, 1 / (number of cue
  directions). A cue that is no longer decodable is no longer held.

On the trial mean m(t) = mean_i S_i(t), with b = mean of m over the fixation epoch:

    elevation_cue      = mean of m over the last 50 ms of the cue - b
    elevation_end      = mean of m over the last 200 ms of the delay (the whole delay if
                         shorter) - b                                  (Hz, or accuracy - chance)
    retained_fraction  = elevation_end / elevation_cue
    return_ms          = the time from cue offset at which m - b falls below return_frac (0.1) of
                         elevation_cue and stays below for 50 ms (`timing.first_sustained`); the
                         whole delay (a lower bound) when it never does, then returned = 0

Sensory attention effect (the tuned sensory units of `ring_units`, those within half a channel
spacing of the cue, on cued trials): their mean rate minus the same units' mean on neutral trials,
over the last 200 ms of the delay (sensory_delay_effect; neutral trials of every stimulus, none is
shown yet) and over the stimulus epoch (sensory_stimulus_effect; neutral trials of the same
stimulus direction and contrast, single stimuli only).

Intervals: the 95 % percentile bootstrap over trials within design cells
(`ring_units.design_cells`, `ring_units.bootstrap_stats`). verdict, against the return level
L = return_frac x elevation_cue: "persistent" (elevation_end's whole interval above L and the
signal never fell below L), "returns to baseline" (the whole interval below L and the signal
returned), "inconclusive" otherwise (a slow decay, or no interval). Whether the delay-end signal
is above baseline at all is elevation_end's interval against 0. The critical w+ is the
scenario's to compute before the run (row 13); a sweep over w+ reports this metric at each point.
"""
from __future__ import annotations

import math

import numpy as np

from attnsim.analysis.feature_gain import _cells
from attnsim.analysis.ring_units import (MEMORY_RING_PREFIX, N_BOOT, bootstrap_stats, ci, circ_dist,
                                         feature_labels, hidden_units, ring_pools, ring_units, zero_width)
from attnsim.analysis.sensory import split_halves
from attnsim.analysis.timing import first_sustained
from attnsim.analysis.windows import NotApplicable, epoch_steps
from attnsim.models.activity import SENSORY, Activity
from attnsim.registries import METRICS
from attnsim.tasks.trials import Trials

END_WINDOW_MS = 200.0
CUE_END_MS = 50.0
RETURN_FRAC = 0.1
MIN_RETURN_MS = 50.0




def _windows(trials: Trials, activity: Activity) -> dict[str, slice]:
    """Steps of the fixation (baseline), the cue's end, the delay and its end; NotApplicable without them."""
    for e in ("fixation", "cue", "delay"):
        if e not in trials.epochs:
            raise NotApplicable(f"needs fixation, cue and delay epochs; the task has {list(trials.epochs)}")
    base, cue, delay = (epoch_steps(trials, activity, e) for e in ("fixation", "cue", "delay"))
    if min(base.stop - base.start, cue.stop - cue.start, delay.stop - delay.start) <= 0:
        raise NotApplicable("needs non-empty fixation, cue and delay epochs (a delay of 0 has no persistence)")
    n_end = max(1, int(round(END_WINDOW_MS / activity.dt_ms)))
    n_cue = max(1, int(round(CUE_END_MS / activity.dt_ms)))
    return {"base": base, "cue_end": slice(max(cue.start, cue.stop - n_cue), cue.stop), "delay": delay,
            "delay_end": slice(max(delay.start, delay.stop - n_end), delay.stop)}


def memory_signal(trials: Trials, activity: Activity) -> tuple[np.ndarray, np.ndarray, str]:
    """(cued trial indices, S (n_cued, n_steps), what S is): the cued signal of the module docstring."""
    lab = feature_labels(trials)
    cued = np.flatnonzero(lab.cued)
    if cued.size < 2:
        raise NotApplicable("needs cued trials (condition attend_feature with a cue direction)")
    pools, pref = ring_pools(activity, MEMORY_RING_PREFIX)
    base = _windows(trials, activity)["base"]
    if pools:
        k = np.argmin(circ_dist(lab.cue[cued][:, None], pref[None, :]), axis=1)
        rates = np.stack([activity.group_rate(g)[cued] for g in pools], axis=2)     # (n_cued, steps, P)
        trace = rates[np.arange(cued.size), :, k]
        return cued, trace - trace[:, base].mean(axis=1, keepdims=True), f"rate of the cued pool ({activity.rate_unit})"
    hidden = hidden_units(activity)
    if activity.groups_with_role(SENSORY) or not hidden.size or activity.spikes:
        raise NotApplicable(f"n/a: no working-memory pools {MEMORY_RING_PREFIX}<k> and no hidden units "
                            f"({activity.describe_roles()})")
    return cued, cue_decoding(trials.subset(cued), activity.take(cued), hidden, lab.cue[cued]), \
        "cue decoding accuracy - chance"


def cue_decoding(trials: Trials, activity: Activity, units: np.ndarray, cue: np.ndarray) -> np.ndarray:
    """(n_trials, n_steps) 1 - chance where a two-fold nearest-centroid decoder names the cue at that
    step, 0 - chance where not (module docstring)."""
    classes, y = np.unique(np.round(cue, 6), return_inverse=True)
    if classes.size < 2:
        raise NotApplicable("cue decoding needs at least two cue directions")
    x = activity.rates[:, :, units]                                     # (n, steps, H)
    a, b = split_halves(trials)
    correct = np.zeros(x.shape[:2])
    for train, test in ((a, b), (b, a)):
        present = np.unique(y[train])
        cent = np.stack([x[train][y[train] == c].mean(axis=0) for c in present])    # (C, steps, H)
        d = ((x[test][:, None] - cent[None]) ** 2).sum(axis=3)                      # (n_test, C, steps)
        correct[test] = present[np.argmin(d, axis=1)] == y[test][:, None]
    return correct - 1.0 / classes.size


def persistence_statistics(S: np.ndarray, w: dict, dt_ms: float, idx) -> dict[str, float]:
    """The persistence numbers of the module docstring on the cued trials `idx`."""
    m = S[idx].mean(axis=0)
    b = m[w["base"]].mean()
    level = m[w["cue_end"]].mean() - b
    end = m[w["delay_end"]].mean() - b
    after = m[w["cue_end"].stop:w["delay"].stop] - b
    n_min = max(1, int(math.ceil(MIN_RETURN_MS / dt_ms)))
    i = first_sustained(after < RETURN_FRAC * level, n_min) if level > 0 else -1
    returned = i >= 0
    return {"elevation_cue": float(level), "elevation_end": float(end),
            "retained_fraction": float(end / level) if level > 0 else float("nan"),
            "return_ms": float((i if returned else after.size) * dt_ms) if level > 0 else float("nan"),
            "returned": float(returned)}


def sensory_effects(trials: Trials, activity: Activity, *, n_boot: int, seed: int) -> dict[str, float]:
    """sensory_delay_effect and sensory_stimulus_effect with intervals (module docstring); {} without
    tuned sensory units."""
    try:
        units = ring_units(trials, activity)
    except NotApplicable:
        return {}
    lab = feature_labels(units.trials)
    w = _windows(units.trials, units.activity)
    tr = units.trace()
    delay = tr[:, w["delay_end"]].mean(axis=1)
    stim_w = epoch_steps(units.trials, units.activity, "stimulus") if "stimulus" in units.trials.epochs else None
    stim = tr[:, stim_w].mean(axis=1) if stim_w is not None and stim_w.stop > stim_w.start else None
    near = circ_dist(lab.cue[:, None], units.pref_deg[None, :]) <= units.spacing_deg / 2.0 + 1e-9
    cells = _cells(lab.stim, lab.contrast)
    single = lab.single & np.isfinite(lab.stim)

    def stat(idx):
        cued, neutral, nr = lab.cued[idx], lab.neutral[idx], near[idx]
        out = {}
        if neutral.any() and cued.any():
            ref = delay[idx][neutral].mean(axis=0)
            d = (delay[idx] - ref)[cued & nr.any(axis=1)]
            out["sensory_delay_effect"] = float(d[nr[cued & nr.any(axis=1)]].mean()) if d.size else float("nan")
        if stim is not None:
            r, c, sg = stim[idx], cells[idx], single[idx]
            diffs = []
            for cell in np.unique(c[cued & sg]):
                ref_sel = neutral & sg & (c == cell)
                if not ref_sel.any():
                    continue
                ref = r[ref_sel].mean(axis=0)
                sel = cued & sg & (c == cell)
                diffs.append((r[sel] - ref)[nr[sel]])
            diffs = np.concatenate(diffs) if diffs else np.zeros(0)
            out["sensory_stimulus_effect"] = float(diffs.mean()) if diffs.size else float("nan")
        return out

    if not (lab.cued.any() and lab.neutral.any()):
        return {}
    out = bootstrap_stats(units.trials, stat, n_boot=n_boot, seed=seed)
    out.pop("n_boot_used", None)
    out["sensory_units"] = units.source
    return out


def persistence_verdict(end_ci, returned: bool, return_level: float) -> tuple[str, str]:
    """(verdict, reason) from elevation_end's interval against the return level (return_frac x
    elevation_cue) and whether the signal returned (module docstring)."""
    if end_ci is None or not np.isfinite(return_level):
        return "inconclusive", "no interval" if end_ci is None else "the cue raised no signal"
    if zero_width(end_ci):
        return "inconclusive", "zero-width interval: the trials do not vary (a deterministic model)"
    lvl = f"{return_level:.3g}"
    if end_ci[0] > return_level and not returned:
        return "persistent", f"above the return level {lvl} at the delay's end (whole interval) and never below it"
    if end_ci[1] < return_level and returned:
        return "returns to baseline", f"back below the return level {lvl}, the delay-end interval too"
    if returned:
        return "inconclusive", f"fell below the return level {lvl}, yet the delay-end interval reaches above it"
    return "inconclusive", f"never below the return level {lvl}, yet the delay-end interval reaches below it"


@METRICS.register("wm_persistence", summary="row 13, feature task with a delay: the cued working-memory pool "
                  "(wm_f<k>; ANNs: cue decoding from hidden units) above its pre-cue baseline at the delay's "
                  "end (elevation_end), retained_fraction, return_ms after cue offset; sensory_delay_effect, "
                  "sensory_stimulus_effect of the cued-direction sensory units; 95 % bootstrap *_ci_lo/hi, "
                  "verdict; option n_boot")
def wm_persistence(trials: Trials, activity: Activity, *, n_boot: int = N_BOOT, bootstrap_seed: int = 0) -> dict:
    """Persistence of the cued working-memory representation through the delay (module docstring).

    Returns {"all": {elevation_cue, elevation_end, retained_fraction, return_ms, returned, each with
    _ci_lo/_ci_hi; n_boot_used, n_cued; measure, verdict, verdict_reason (strings); and, with tuned
    sensory units, sensory_delay_effect, sensory_stimulus_effect with intervals, sensory_units}}.
    """
    w = _windows(trials, activity)
    cued, S, measure = memory_signal(trials, activity)
    stat = lambda idx: persistence_statistics(S, w, activity.dt_ms, idx)   # noqa: E731
    out = bootstrap_stats(trials.subset(cued), stat, n_boot=n_boot, seed=bootstrap_seed)
    out["n_cued"] = float(cued.size)
    out["measure"] = measure
    level = RETURN_FRAC * out["elevation_cue"] if out["elevation_cue"] > 0 else float("nan")
    out["verdict"], out["verdict_reason"] = persistence_verdict(ci(out, "elevation_end"), bool(out["returned"]), level)
    out.update(sensory_effects(trials, activity, n_boot=n_boot, seed=bootstrap_seed))
    return {"all": out}


def cued_pool_traces(trials: Trials, activity: Activity) -> tuple[np.ndarray, np.ndarray, str]:
    """(t_ms (n_steps,), S (n_cued, n_steps), measure): the cued signal over the trial, for figures."""
    cued, S, measure = memory_signal(trials, activity)
    return np.arange(S.shape[1]) * activity.dt_ms, S, measure
