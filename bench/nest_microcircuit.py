"""PyNEST PD14 microcircuit: the NEST 3.x reference the project's network is timed against.

Self-contained and never imported by attnsim (NEST is not a project dependency; run it with an
interpreter that has `nest-simulator` installed). The same network as
bench/plain_brian2_microcircuit.py: iaf_psc_exp neurons, the PD14 tables, fixed total synapse
numbers from the exact K rule, normal weights and delays, Poisson background via
poisson_generator and the same DC compensation for the downscaled in-degrees. Prints one JSON line:
build_wall_s (node creation + nest.Connect), run_wall_s (nest.Simulate only) and per-population
rates after a 100 ms transient.

    /tmp/nestenv/bin/python bench/nest_microcircuit.py --scale 0.1 --t-sim 1.1 --threads 1
"""
import argparse
import json
import time

import numpy as np
import nest

N_FULL = np.array([20683, 5834, 21915, 5479, 4850, 1065, 14395, 2948])
C = np.array([
    [0.1009, 0.1689, 0.0437, 0.0818, 0.0323, 0.0, 0.0076, 0.0],
    [0.1346, 0.1371, 0.0316, 0.0515, 0.0755, 0.0, 0.0042, 0.0],
    [0.0077, 0.0059, 0.0497, 0.135, 0.0067, 0.0003, 0.0453, 0.0],
    [0.0691, 0.0029, 0.0794, 0.1597, 0.0033, 0.0, 0.1057, 0.0],
    [0.1004, 0.0622, 0.0505, 0.0057, 0.0831, 0.3726, 0.0204, 0.0],
    [0.0548, 0.0269, 0.0257, 0.0022, 0.06, 0.3158, 0.0086, 0.0],
    [0.0156, 0.0066, 0.0211, 0.0166, 0.0572, 0.0197, 0.0396, 0.2252],
    [0.0364, 0.001, 0.0034, 0.0005, 0.0277, 0.008, 0.0658, 0.1443]])  # C[target, source]
K_EXT = np.array([1600, 1500, 2100, 1900, 2000, 1900, 2900, 2100])
RATES = np.array([0.903, 2.965, 4.414, 5.876, 7.569, 8.633, 1.105, 7.829])  # full-scale, for DC
V0_MEAN = [-68.28, -63.16, -63.33, -63.45, -63.11, -61.66, -66.72, -61.43]
V0_SD = [5.36, 4.57, 4.74, 4.94, 4.94, 4.55, 5.46, 4.48]
PSC, G, TAU_SYN, BG_HZ, DT = 87.81, -4.0, 0.5, 8.0, 0.1
T_TRANSIENT_MS = 100.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=float, default=0.1)
    ap.add_argument("--t-sim", type=float, default=1.0, help="biological seconds (transient included)")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    s = a.scale
    t_ms = a.t_sim * 1000.0
    assert t_ms > T_TRANSIENT_MS, "--t-sim must exceed the 100 ms transient"

    t0 = time.perf_counter()
    nest.ResetKernel()
    if hasattr(nest, "VerbosityLevel"):  # NEST >= 3.10; set_verbosity is deprecated there
        nest.verbosity = nest.VerbosityLevel.ERROR
    else:
        nest.set_verbosity("M_ERROR")
    nest.SetKernelStatus({"resolution": DT, "local_num_threads": a.threads, "rng_seed": a.seed,
                          "print_time": False})

    n = np.round(N_FULL * s).astype(int)
    full_K = np.log1p(-C) / np.log1p(-1.0 / np.outer(N_FULL, N_FULL))  # total synapses, full scale
    K = np.round(full_K * s * s).astype(int)
    exc = np.arange(8) % 2 == 0
    w_mean = np.where(exc[None, :], PSC, G * PSC) * np.ones((8, 1))
    w_mean[0, 2] *= 2  # L4E -> L23E
    # DC replaces the mean input lost by the sqrt(K)-scaled weights (recurrent and background)
    f = 1e-3 * TAU_SYN * (1 - np.sqrt(s))
    dc = f * (w_mean * full_K / N_FULL[:, None] * RATES).sum(1) + f * PSC * K_EXT * BG_HZ

    pops, recs = [], []
    for k in range(8):
        p = nest.Create("iaf_psc_exp", int(n[k]), params={
            "C_m": 250.0, "tau_m": 10.0, "tau_syn_ex": TAU_SYN, "tau_syn_in": TAU_SYN, "t_ref": 2.0,
            "E_L": -65.0, "V_reset": -65.0, "V_th": -50.0, "I_e": float(dc[k]),
            "V_m": nest.random.normal(mean=V0_MEAN[k], std=V0_SD[k])})
        rec = nest.Create("spike_recorder", params={"start": T_TRANSIENT_MS})
        nest.Connect(p, rec)
        # one generator per population; NEST draws an independent train for each target
        pg = nest.Create("poisson_generator", params={"rate": BG_HZ * K_EXT[k] * s})
        nest.Connect(pg, p, syn_spec={"weight": PSC / np.sqrt(s), "delay": DT})
        pops.append(p)
        recs.append(rec)

    for t in range(8):
        for src in range(8):
            if K[t, src] == 0:
                continue
            m = float(w_mean[t, src] / np.sqrt(s))
            w = nest.random.normal(mean=m, std=abs(m) * 0.1)
            w = nest.math.max(w, 0.0) if m > 0 else nest.math.min(w, 0.0)  # keep Dale's sign
            dm = 1.5 if exc[src] else 0.75
            d = nest.math.max(nest.random.normal(mean=dm, std=dm * 0.5), DT)
            nest.Connect(pops[src], pops[t], {"rule": "fixed_total_number", "N": int(K[t, src])},
                         {"synapse_model": "static_synapse", "weight": w, "delay": d})
    t_build = time.perf_counter() - t0

    t0 = time.perf_counter()
    nest.Simulate(t_ms)
    t_run = time.perf_counter() - t0

    t_rate_s = (t_ms - T_TRANSIENT_MS) / 1000.0
    rates = [float(r.n_events) / n[k] / t_rate_s for k, r in enumerate(recs)]
    print(json.dumps({"scale": s, "threads": a.threads, "t_sim_s": a.t_sim, "nest": nest.__version__,
                      "n_synapses": int(K.sum()), "build_wall_s": round(t_build, 3),
                      "run_wall_s": round(t_run, 3), "s_per_bio_s": round(t_run / a.t_sim, 3),
                      "rates_hz": [round(r, 2) for r in rates]}))


if __name__ == "__main__":
    main()
