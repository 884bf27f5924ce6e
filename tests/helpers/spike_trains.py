"""Spike trains with a known oscillation, and the Activity that carries them (gamma power and
oscillation-peak tests: tests/analysis/test_analysis_gamma.py, tests/analysis/test_analysis_spiking_stats.py)."""
import numpy as np

from attnsim.models.activity import Activity


def modulated_poisson(rng, n_cells, t_end_ms, r0_hz=20.0, depth=0.8, f_hz=40.0):
    """(ids, times_ms) of n_cells inhomogeneous Poisson trains, rate r0 (1 + depth sin 2 pi f t), by thinning."""
    rmax = r0_hz * (1 + depth)
    m = rng.poisson(rmax * t_end_ms * 1e-3 * n_cells)
    t = rng.uniform(0, t_end_ms, m)
    ids = rng.integers(0, n_cells, m)
    keep = rng.uniform(0, 1, m) < (1 + depth * np.sin(2 * np.pi * f_hz * t * 1e-3)) / (1 + depth)
    return ids[keep], t[keep]


def spiking_activity(trials, trains, n_cells, dt_ms, smooth_ms=None):
    """Activity whose rate traces are binned from `trains` at dt_ms, optionally boxcar-smoothed; spikes identical."""
    t_end = trials.n_steps * trials.dt_ms
    n = int(round(t_end / dt_ms))
    rates = np.zeros((len(trains), n, 1))
    for k, (_, t) in enumerate(trains):
        c = np.bincount(np.minimum((t / dt_ms).astype(int), n - 1), minlength=n)[:n] / (n_cells * dt_ms * 1e-3)
        if smooth_ms:
            w = max(1, int(round(smooth_ms / dt_ms)))
            c = np.convolve(c, np.ones(w) / w)[:n]
        rates[k, :, 0] = c
    return Activity(rates=rates, dt_ms=dt_ms, groups={"pop": slice(0, 1)}, selective_groups=("pop", "pop"),
                    choice=np.full(len(trains), -1), reaction_time_ms=np.full(len(trains), np.nan),
                    spikes={"pop": trains}, group_sizes={"pop": n_cells})
