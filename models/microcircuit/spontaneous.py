"""Spontaneous activity of one PD14 column (validation): arrays in, arrays out.

`spontaneous_activity` builds (once, cached) the cpp_standalone binary of one column and
runs it for each seed; it returns per-population rates and ISI CVs measured after a
transient, plus the synapse counts actually created.
"""
from __future__ import annotations

import time

import numpy as np

from attnsim.models.microcircuit import pd14_params as P
from attnsim.models.microcircuit.network import ColumnConfig, build_column, pathways, population_slices
from attnsim.models.microcircuit.standalone import build_once, seed_point, start_run_timer
from attnsim.models.spike_train_stats import isi_cv_per_neuron


def column_binary(cfg: ColumnConfig, t_sim_ms: float, threads: int = 1):
    def build():
        import brian2 as b2
        b2.defaultclock.dt = cfg.dt_ms * b2.ms
        seed_point("NET")
        col = build_column(cfg)
        seed_point("TRIAL")
        net = b2.Network(*col.objects)
        start_run_timer()
        net.run(t_sim_ms * b2.ms)
        mon = col.spikes
        return {"i": mon.variables["i"], "t": mon.variables["t"]}, col.counts, col.timed_arrays
    # float(): 1100 and 1100.0 must hash to the same project directory
    return build_once("pd14_column", dict(cfg.as_dict(), t_sim_ms=float(t_sim_ms)), build, threads=threads,
                      sources=(__file__,))


def rates_and_cv(i, t_ms, slices, t_start_ms, t_stop_ms):
    """(rates_hz, cv_isi) per population from spike arrays; mean over neurons with >= 3 spikes of
    the ISI CV (models.spike_train_stats.isi_cv_per_neuron: ddof 0, as the isi_cv metric)."""
    keep = (t_ms >= t_start_ms) & (t_ms < t_stop_ms)
    i, t_ms = i[keep], t_ms[keep]
    order = np.lexsort((t_ms, i))
    i, t_ms = i[order], t_ms[order]
    n_total = max(s.stop for s in slices.values())
    counts = np.bincount(i, minlength=n_total)
    cv = isi_cv_per_neuron(i, t_ms, n_total, min_spikes=3)
    dur_s = (t_stop_ms - t_start_ms) / 1000.0
    rates = np.array([counts[s].mean() / dur_s for s in slices.values()])
    cvs = np.array([np.nanmean(cv[s]) if np.isfinite(cv[s]).any() else np.nan for s in slices.values()])
    return rates, cvs


def spontaneous_activity(N_scaling: float = 0.1, K_scaling: float = 0.1, *, t_sim_ms: float = 1100.0,
                         t_transient_ms: float = 100.0, seeds=(0,), background: str = "poisson",
                         threads: int = 1, exclude_pathways: tuple = (), lesion: tuple = (),
                         synapses: str = "csr", poisson_sampler: str = "table", float32: bool = False) -> dict:
    """Rates (Hz) and ISI CVs per population, one row per seed, plus synapse counts.

    Returns dict: populations, rates_hz (n_seeds, 8), cv_isi (n_seeds, 8),
    synapse_counts (n_seeds, n_pathways), pathways [(target, source, K_expected)],
    spikes [(i, t_ms) per seed], sizes (8,), wall_s (n_seeds,) binary run times,
    run_s (n_seeds,) of which the simulation alone (after synapse generation).
    `lesion`: ((target, source), ...) pathways whose weights are set to 0 for these runs (same
    binary, same connectivity draw). `synapses`, `poisson_sampler`, `float32`: network.ColumnConfig.
    """
    cfg = ColumnConfig(N_scaling=N_scaling, K_scaling=K_scaling, background=background,
                       exclude_pathways=tuple(exclude_pathways), synapses=synapses,
                       poisson_sampler=poisson_sampler, float32=float32)
    binary = column_binary(cfg, t_sim_ms, threads)
    sl = population_slices(N_scaling)
    rates, cvs, counts, spikes, walls, runs = [], [], [], [], [], []
    set_values, timed = {}, {}
    if lesion and synapses in ("csr", "fused"):
        n = len(P.POPULATIONS)
        gain = np.ones((1, n * n))
        for tgt, src in lesion:
            gain[0, P.POPULATIONS.index(tgt) * n + P.POPULATIONS.index(src)] = 0.0
        timed = {"pathway_gain": gain}
    elif lesion:
        set_values = {f"syn_{src}_to_{tgt}.gain": 0.0 for tgt, src in lesion}
    for s in seeds:
        t0 = time.perf_counter()
        out = binary.run({"NET": s, "TRIAL": s}, timed_arrays=timed, set_values=set_values)
        walls.append(time.perf_counter() - t0)
        runs.append(out.get("run_s", np.nan))
        i, t_ms = out["i"].astype(np.int64), out["t"] * 1000.0
        r, c = rates_and_cv(i, t_ms, sl, t_transient_ms, t_sim_ms)
        rates.append(r)
        cvs.append(c)
        counts.append(out["synapse_counts"])
        spikes.append((i, t_ms))
    return dict(populations=P.POPULATIONS, rates_hz=np.array(rates), cv_isi=np.array(cvs),
                synapse_counts=np.array(counts), pathways=pathways(cfg), spikes=spikes,
                sizes=P.scaled_sizes(N_scaling), wall_s=np.array(walls), run_s=np.array(runs))
