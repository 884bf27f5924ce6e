"""Named metrics for scenarios and summary.json, and a JSON-ready way to compute them."""
from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

from attnsim.models.activity import Activity
from attnsim.analysis.behaviour import accuracy, p_choice_A, reaction_time_ms
from attnsim.analysis.attention_effects import attention_effects
from attnsim.analysis.attention_gain import attention_gain
from attnsim.analysis.capacity import capacity_cost
from attnsim.analysis.cueing import cueing_effect
from attnsim.analysis.dprime import dprime
from attnsim.analysis.gamma import gamma_power
from attnsim.analysis.psychometric import weibull_threshold
from attnsim.analysis.rates import modulation_index, rate_change_vs_neutral, rate_hz
from attnsim.analysis.spiking_stats import isi_cv, mean_rate_hz, oscillation_hz, synchrony
from attnsim.analysis.timing import persistence_time, selection_latency
from attnsim.analysis.variability import fano_factor, noise_correlation
from attnsim.analysis.windows import NotApplicable
from attnsim.tasks.trials import Trials

METRICS: dict[str, tuple[Callable[..., dict], str]] = {
    "accuracy": (accuracy, "fraction correct (no choice counts as wrong)"),
    "p_choice_A": (p_choice_A, "fraction of trials choosing A"),
    "reaction_time_ms": (reaction_time_ms, "mean RT from stimulus onset over correct trials with an RT"),
    "rate_hz": (rate_hz, "mean rate per group in the stimulus epoch"),
    "rate_change_vs_neutral": (rate_change_vs_neutral, "(rate - neutral rate) / neutral rate per group, at equal contrast (stimulus epoch)"),
    "modulation_index": (modulation_index, "(att - unatt) / (att + unatt) of the selective groups, cued trials"),
    "fano_factor": (fano_factor, "var (ddof 1) / mean of stimulus-epoch spike counts per neuron within cells of identical stimulus, trial-weighted over cells of >= 2 trials; n_trials/n_cells/n_cells_dropped per label (spiking only)"),
    "noise_correlation": (noise_correlation, "mean pairwise r of spike counts z-scored within cells of identical stimulus (>= 3 trials) and pooled; n_trials/n_cells/n_cells_dropped per label (spiking only)"),
    "dprime": (dprime, "single choice: one 2AFC d' = (Z(H) - Z(F))/sqrt 2 per label; dual_report: yes/no Z(H) - Z(F) per location; log-linear corrected"),
    "attention_effects": (attention_effects, "attend-in vs attend-out on equal stimuli: rate_change, fano_ratio, variance_ratio, noise_corr_in/out/change, within cells of identical stimulus; n_trials, n_cells, n_cells_fano, n_cells_corr (spiking only)"),
    "attention_gain": (attention_gain, "Naka-Rushton fits with/without attention: c50_ratio (contrast gain), rmax_ratio (response gain)"),
    "capacity_cost": (capacity_cost, "dual_report task: yes/no d'_single (cued location) vs d'_dual per location, ratio with 95 % bootstrap ratio_ci_lo/hi, predictions (unlimited 1, fixed 1/sqrt 2, serial), verdict, n_per_condition_needed; neuro_* from location_evidence (option n_boot)"),
    "cueing_effect": (cueing_effect, "divided task, focused trials: acc_valid, acc_invalid, validity_effect, cue_capture = P(choose cued | invalid)"),
    "gamma_power": (gamma_power, "Welch power in 30-80 Hz / power in 2-100 Hz of the unsmoothed population signal (1 ms spike counts, else rates), stimulus epoch; n/a if Nyquist < 100 Hz"),
    "selection_latency": (selection_latency, "ms after stimulus onset until attended exceeds unattended"),
    "weibull_threshold": (weibull_threshold, "Weibull fit of P(correct) vs coherence: alpha (%) at 'all', beta at 'slope'"),
    "isi_cv": (isi_cv, "mean ISI CV (std/mean, ddof 0, as Elephant) of recorded cells with >= 3 spikes (stimulus, else measure; spiking only)"),
    "mean_rate_hz": (mean_rate_hz, "spikes per recorded neuron per second from the spike trains (stimulus, else measure)"),
    "synchrony": (synchrony, "Golomb chi = sqrt(var(pop count) / mean single-cell variance), unsmoothed 1 ms spike counts (spiking only)"),
    "oscillation_hz": (oscillation_hz, "peak frequency > 2 Hz of the Welch PSD of the unsmoothed population signal (1 ms spike counts, else rates; stimulus, else measure)"),
    "persistence_time": (persistence_time, "ms after cue offset that the cued group stays elevated"),
}


def json_ready(value: Any) -> Any:
    """Plain Python floats/ints/lists/dicts; NaN and infinities become None."""
    if isinstance(value, dict):
        return {str(k): json_ready(v) for k, v in value.items()}
    if isinstance(value, np.ndarray):
        return json_ready(value.tolist())
    if isinstance(value, (list, tuple)):
        return [json_ready(v) for v in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        v = float(value)
        return v if math.isfinite(v) else None
    return value


def compute_metrics(names: list[str], trials: Trials, activity: Activity,
                    options: dict[str, dict] | None = None) -> dict[str, Any]:
    """name -> JSON-ready result; metrics that do not apply to this task or model are left out.

    `options` maps a metric name to keyword options for it (e.g. {"gamma_power": {"band_hz": [25, 90]}}).
    """
    unknown = [n for n in names if n not in METRICS]
    if unknown:
        raise ValueError(f"unknown metric(s) {unknown}; valid choices are {sorted(METRICS)}")
    options = options or {}
    out: dict[str, Any] = {}
    for name in names:
        fn, _ = METRICS[name]
        try:
            result = fn(trials, activity, **options.get(name, {}))
        except NotApplicable:
            continue
        if result:
            out[name] = json_ready(result)
    return out
