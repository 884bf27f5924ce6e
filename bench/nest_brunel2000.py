"""PyNEST Brunel (2000) model A: the independent reference for the ISI CV of models/brunel_network.py.

Self-contained and never imported by attnsim (NEST is not a project dependency; run it with an
interpreter that has `nest-simulator` installed). Same network as BrunelNetwork's defaults:
N_E = 10000, N_I = 2500, fixed in-degrees C_E = 1000, C_I = 250 (distinct presynaptic cells,
autapses allowed), delta synapses J = 0.1 mV and -g J, delay D = 1.5 ms, iaf_psc_delta with
tau_m 20 ms, theta 20 mV, V_r 10 mV, tau_rp 2 ms, dt 0.1 ms, initial V uniform in [V_r, theta),
one poisson_generator at C_E * eta * nu_thr per neuron (independent trains per target), and
refractory_input False: input arriving during the refractory period is dropped, as in Brunel's
model and ours.

The CV estimator is the project's (sim/analysis/spiking_stats.cv_of_trains / isi_cv): per cell
with >= 3 spikes inside the window, std / mean of its ISIs with ddof 0, then the mean over cells.
Prints one JSON line: rates of the recorded E and I cells, cv over the whole measured window
(t_sim), and cv_1s: the same estimator applied to consecutive 1 s windows, cells of all windows
pooled (what the 1 s scenario reads, with its trials played by the windows).

    /tmp/nestenv/bin/python bench/nest_brunel2000.py --g 5 --eta 2 --t-sim 5 --threads 2
"""
import argparse
import json
import time

import numpy as np
import nest

N_E, N_I, C_E, C_I = 10000, 2500, 1000, 250
J, D, TAU_M, THETA, V_R, T_REF, DT = 0.1, 1.5, 20.0, 20.0, 10.0, 2.0, 0.1


def cv_of_trains(ids, times, min_spikes=3):
    """Copy of the project's estimator: ids/times sorted by neuron then time."""
    if ids.size == 0:
        return np.empty(0)
    isi = np.diff(times)
    same = ids[1:] == ids[:-1]
    isi, owner = isi[same], ids[1:][same]
    n_spk = np.bincount(ids)
    out = []
    for n in np.flatnonzero(n_spk >= min_spikes):
        x = isi[owner == n]
        m = x.mean()
        out.append(x.std() / m if m > 0 else np.nan)
    return np.asarray(out, dtype=float)


def window_cvs(ids, times, t0, t1):
    keep = (times >= t0) & (times < t1)
    i, t = ids[keep], times[keep]
    order = np.lexsort((t, i))
    return cv_of_trains(i[order], t[order])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--g", type=float, default=5.0)
    ap.add_argument("--eta", type=float, default=2.0)
    ap.add_argument("--t-sim", type=float, default=1.0, help="measured biological seconds (after the transient)")
    ap.add_argument("--transient", type=float, default=200.0, help="discarded ms")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--n-rec-e", type=int, default=500)
    ap.add_argument("--n-rec-i", type=int, default=125)
    a = ap.parse_args()

    t_start = time.perf_counter()
    nest.ResetKernel()
    if hasattr(nest, "VerbosityLevel"):
        nest.verbosity = nest.VerbosityLevel.ERROR
    else:
        nest.set_verbosity("M_ERROR")
    nest.SetKernelStatus({"resolution": DT, "local_num_threads": a.threads, "rng_seed": a.seed,
                          "print_time": False})
    nu_thr = THETA / (J * C_E * TAU_M)            # per synapse, in 1/ms
    p_rate_hz = 1000.0 * a.eta * nu_thr * C_E     # all C_ext = C_E external synapses of one cell
    neuron = {"C_m": 1.0, "tau_m": TAU_M, "t_ref": T_REF, "E_L": 0.0, "V_reset": V_R, "V_th": THETA,
              "I_e": 0.0, "refractory_input": False}
    nodes_e = nest.Create("iaf_psc_delta", N_E, params=neuron)
    nodes_i = nest.Create("iaf_psc_delta", N_I, params=neuron)
    (nodes_e + nodes_i).V_m = nest.random.uniform(V_R, THETA)
    noise = nest.Create("poisson_generator", params={"rate": p_rate_hz})
    t1 = a.transient + 1000.0 * a.t_sim
    rec_e = nest.Create("spike_recorder", params={"start": a.transient, "stop": t1})
    rec_i = nest.Create("spike_recorder", params={"start": a.transient, "stop": t1})

    nest.CopyModel("static_synapse", "exc", {"weight": J, "delay": D})
    nest.CopyModel("static_synapse", "inh", {"weight": -a.g * J, "delay": D})
    allc = nodes_e + nodes_i
    nest.Connect(noise, allc, syn_spec={"synapse_model": "static_synapse", "weight": J, "delay": DT})
    for src, k, syn in ((nodes_e, C_E, "exc"), (nodes_i, C_I, "inh")):
        nest.Connect(src, allc, {"rule": "fixed_indegree", "indegree": k, "allow_autapses": True,
                                 "allow_multapses": False}, {"synapse_model": syn})
    nest.Connect(nodes_e[: a.n_rec_e], rec_e)
    nest.Connect(nodes_i[: a.n_rec_i], rec_i)
    t_built = time.perf_counter()
    nest.Simulate(t1 + DT)  # + one step so a spike at t1 - dt is delivered to the recorder
    t_run = time.perf_counter()

    out = {"g": a.g, "eta": a.eta, "t_sim_s": a.t_sim, "transient_ms": a.transient, "seed": a.seed,
           "threads": a.threads, "nest": nest.__version__}
    for name, rec, first, n in (("E", rec_e, nodes_e[0].global_id, a.n_rec_e),
                                ("I", rec_i, nodes_i[0].global_id, a.n_rec_i)):
        ev = rec.get("events")
        ids = np.asarray(ev["senders"], dtype=np.int64) - first
        times = np.asarray(ev["times"], dtype=float)
        keep = (times >= a.transient) & (times < t1)
        ids, times = ids[keep], times[keep]
        out[f"rate_{name}_hz"] = round(ids.size / (n * a.t_sim), 3)
        if name == "E":
            cvs = window_cvs(ids, times, a.transient, t1)
            cvs = cvs[np.isfinite(cvs)]
            out["cv"] = round(float(cvs.mean()), 4) if cvs.size else None
            out["n_cv_cells"] = int(cvs.size)
            n_win = int(a.t_sim)
            if n_win >= 1:
                w = [window_cvs(ids, times, a.transient + 1000.0 * k, a.transient + 1000.0 * (k + 1))
                     for k in range(n_win)]
                w = np.concatenate(w)
                w = w[np.isfinite(w)]
                out["cv_1s"] = round(float(w.mean()), 4) if w.size else None
                out["n_1s_windows"] = n_win
    out["build_wall_s"] = round(t_built - t_start, 1)
    out["run_wall_s"] = round(t_run - t_built, 1)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
