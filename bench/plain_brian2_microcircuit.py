"""Plain Brian2 cpp_standalone PD14 microcircuit: the reference the project's network is timed against.

Deliberately self-contained (no attnsim imports): the same neurons, pathways, weights, delays,
Poisson background and DC compensation as models/microcircuit, written the way a Brian2 user
would, with Brian2's own build and run. Prints the binary's run time per biological second.

    python bench/plain_brian2_microcircuit.py --scale 0.1 --t-sim 1.0 --threads 1
"""
import argparse
import json
import os
import time

import numpy as np
import brian2 as b2
from brian2 import Hz, NeuronGroup, Network, PoissonInput, SpikeMonitor, Synapses, mV, ms, pA, pF

N_FULL = np.array([20683, 5834, 21915, 5479, 4850, 1065, 14395, 2948])
C = np.array([
    [0.1009, 0.1689, 0.0437, 0.0818, 0.0323, 0.0, 0.0076, 0.0],
    [0.1346, 0.1371, 0.0316, 0.0515, 0.0755, 0.0, 0.0042, 0.0],
    [0.0077, 0.0059, 0.0497, 0.135, 0.0067, 0.0003, 0.0453, 0.0],
    [0.0691, 0.0029, 0.0794, 0.1597, 0.0033, 0.0, 0.1057, 0.0],
    [0.1004, 0.0622, 0.0505, 0.0057, 0.0831, 0.3726, 0.0204, 0.0],
    [0.0548, 0.0269, 0.0257, 0.0022, 0.06, 0.3158, 0.0086, 0.0],
    [0.0156, 0.0066, 0.0211, 0.0166, 0.0572, 0.0197, 0.0396, 0.2252],
    [0.0364, 0.001, 0.0034, 0.0005, 0.0277, 0.008, 0.0658, 0.1443]])
K_EXT = np.array([1600, 1500, 2100, 1900, 2000, 1900, 2900, 2100])
RATES = np.array([0.903, 2.965, 4.414, 5.876, 7.569, 8.633, 1.105, 7.829])
V0_MEAN = [-68.28, -63.16, -63.33, -63.45, -63.11, -61.66, -66.72, -61.43]
V0_SD = [5.36, 4.57, 4.74, 4.94, 4.94, 4.55, 5.46, 4.48]
PSC, G, TAU_SYN = 87.81, -4.0, 0.5


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=float, default=0.1)
    ap.add_argument("--t-sim", type=float, default=1.0, help="biological seconds")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--background", choices=("poisson", "dc"), default="poisson")
    ap.add_argument("--dir", default=os.path.expanduser("~/.cache/attnsim/plain_pd14"))
    a = ap.parse_args()
    s = a.scale
    d = f"{a.dir}_{s}_{a.threads}_{a.background}_{a.t_sim}"
    b2.set_device("cpp_standalone", directory=d, build_on_run=False)
    b2.prefs.devices.cpp_standalone.openmp_threads = a.threads if a.threads > 1 else 0
    b2.prefs.devices.cpp_standalone.extra_make_args_unix = ["-j2"]
    b2.defaultclock.dt = 0.1 * ms
    b2.seed(1)

    n = np.round(N_FULL * s).astype(int)
    edges = np.concatenate([[0], np.cumsum(n)])
    full_K = np.log1p(-C) / np.log1p(-1.0 / np.outer(N_FULL, N_FULL))
    K = np.round(full_K * s * s).astype(int)
    exc = np.arange(8) % 2 == 0
    w_mean = np.where(exc[None, :], PSC, G * PSC) * np.ones((8, 1))
    w_mean[0, 2] *= 2
    f = 1e-3 * TAU_SYN * (1 - np.sqrt(s))
    dc = f * (w_mean * full_K / N_FULL[:, None] * RATES).sum(1)
    dc += f * PSC * K_EXT * 8.0 if a.background == "poisson" else 1e-3 * TAU_SYN * PSC * K_EXT * 8.0

    eqs = """dv/dt = (-65*mV - v) / (10*ms) + (I + I_dc) / (250*pF) : volt (unless refractory)
             dI/dt = -I / (0.5*ms) : amp
             I_dc : amp (constant)"""
    net = NeuronGroup(edges[-1], eqs, threshold="v > -50*mV", reset="v = -65*mV", refractory=2 * ms,
                      method="exact")
    pops = [net[edges[k]:edges[k + 1]] for k in range(8)]
    objs = [net]
    for k in range(8):
        pops[k].v = f"({V0_MEAN[k]} + {V0_SD[k]} * randn()) * mV"
        pops[k].I_dc = float(dc[k]) * pA
        if a.background == "poisson":
            objs.append(PoissonInput(pops[k], "I", int(round(K_EXT[k] * s)), 8 * Hz, weight=PSC / np.sqrt(s) * pA))
    for t in range(8):
        for src in range(8):
            if K[t, src] == 0:
                continue
            S = Synapses(pops[src], pops[t], "w : amp (constant)", on_pre="I_post += w")
            S.connect(j=f"int(rand() * N_post) for _ in range(poisson({float(K[t, src] / n[src])!r}))")
            m = float(w_mean[t, src] / np.sqrt(s))
            lo, hi = ("0", "inf") if m > 0 else ("-inf", "0")
            S.w = f"clip({m!r} + {abs(m) * 0.1!r} * randn(), {lo}, {hi}) * pA"
            dm = 1.5 if exc[src] else 0.75
            S.delay = f"clip({dm} + {dm * 0.5} * randn(), 0.1, inf) * ms"
            objs.append(S)
    mon = SpikeMonitor(net)
    objs.append(mon)
    Network(*objs).run(a.t_sim * b2.second)
    t0 = time.perf_counter()
    b2.device.build(directory=d, compile=True, run=False, with_output=False)
    t_build = time.perf_counter() - t0
    t0 = time.perf_counter()
    b2.device.run(directory=d, with_output=False)
    t_run = time.perf_counter() - t0
    i = np.asarray(mon.i)
    rates = [float(np.sum((i >= edges[k]) & (i < edges[k + 1])) / n[k] / a.t_sim) for k in range(8)]
    print(json.dumps({"scale": s, "threads": a.threads, "background": a.background, "t_sim_s": a.t_sim,
                      "build_s": round(t_build, 2), "run_wall_s": round(t_run, 3),
                      # Brian2's own timing of network.run alone (no synapse creation, no output)
                      "sim_s": round(float(getattr(b2.device, "_last_run_time", float("nan"))), 3),
                      "s_per_bio_s": round(t_run / a.t_sim, 3), "rates_hz": [round(r, 2) for r in rates]}))


if __name__ == "__main__":
    main()
