"""Plain Brian2 Wang (2002) decision network: the per-trial reference for models/spiking_competition.py.

Deliberately self-contained (no attnsim imports): the network of SpikingCompetition at its
default size and parameters (N_E = 400 pyramidal cells, N_I = 100 interneurons, pools A and
B of f N_E = 60 cells, w_plus = 1.7, recurrent conductances scaled by 1600 / N_E; sim dt 0.1 ms,
Euler), written the way Brian2's own example (examples/frompapers/Wang_2002.py) writes it:
one Network per trial, built and run with Brian2's default runtime target, a synapse per pair
of cells (all to all, autapses included, no transmission delay, as the project's network):

    C_m dV/dt = -g_L (V - V_L) - I_syn,   V > V_th: V <- V_reset, refractory tau_ref
    I_syn = (g_ext s_ext + g_AMPA s_AMPA + g_NMDA s_NMDA,tot / (1 + [Mg]/3.57 exp(-0.062 V/mV))) (V - V_E)
            + g_GABA s_GABA (V - V_I)
    AMPA, GABA: postsynaptic gatings, += w per presynaptic spike, decay tau_AMPA / tau_GABA
    NMDA: presynaptic x (+1 per spike, tau_rise) and s (saturating, tau_decay), summed onto the
          target through the synapses' weights: s_NMDA,tot = sum_j w_ij s_j   ("summed" variable)
    external: PoissonInput of 800 x 3 Hz onto s_ext of every cell (Wang 2002), plus, for pools
              A and B, one Poisson train per cell at the trial's stimulus + cue rate (a TimedArray)

Weights (Wang 2002): w_plus inside A and inside B, w_minus = 1 - f (w_plus - 1) / (1 - f) from the
other selective pool and from the nonselective cells onto A and B, 1 elsewhere.

Inputs: --inputs FILE.npz with `extra` (n_trials, n_steps, 2), the added Poisson rate (Hz) per cell
of pools A and B at every input step, and `dt_ms` (the input step); without it, one built-in
trial (cue A 300-1000 ms at 40 Hz, stimuli A/B 500-1000 ms at 60/40 Hz, 1.2 s). Prints one JSON
line: per-trial wall seconds (build + run, after a --warmup-ms warm-up run of the first trial that
pays code generation and compilation), the run() call alone (which still prepares the new
Network's code objects), the time inside Brian2's simulation loop, and the rates of A and B over
the second half of the trial.

    python bench/plain_brian2_wang2002.py [--inputs trials.npz] [--trials 3] [--warmup-ms 10]
"""
import argparse
import json
import time

import numpy as np
import brian2 as b2
from brian2 import Hz, ms, mV, nF, nS

N_E, F, W_PLUS = 400, 0.15, 1.7
N_I = N_E // 4
N_A = int(round(F * N_E))
SCALE = 1600.0 / N_E
W_MINUS = 1.0 - F * (W_PLUS - 1.0) / (1.0 - F)
SIM_DT = 0.1 * ms
CONST = dict(V_L=-70.0 * mV, V_th=-50.0 * mV, V_reset=-55.0 * mV, V_E=0.0 * mV, V_I=-70.0 * mV, Mg=1.0,
             tau_AMPA=2.0 * ms, tau_NMDA_rise=2.0 * ms, tau_NMDA_decay=100.0 * ms, alpha=0.5 / ms,
             tau_GABA=5.0 * ms)
EXC = dict(CONST, C_m=0.5 * nF, g_L=25.0 * nS, tau_ref=2.0 * ms, g_ext=2.1 * nS, g_AMPA=0.05 * SCALE * nS,
           g_NMDA=0.165 * SCALE * nS, g_GABA=1.3 * SCALE * nS)
INH = dict(CONST, C_m=0.2 * nF, g_L=20.0 * nS, tau_ref=1.0 * ms, g_ext=1.62 * nS, g_AMPA=0.04 * SCALE * nS,
           g_NMDA=0.13 * SCALE * nS, g_GABA=1.0 * SCALE * nS)

EQS = """
dv/dt = (g_L * (V_L - v) - I_syn) / C_m : volt (unless refractory)
I_syn = (g_ext * s_ext + g_AMPA * s_AMPA + g_NMDA * s_NMDA_tot / (1 + Mg / 3.57 * exp(-0.062 * v / mV))) * (v - V_E)
        + g_GABA * s_GABA * (v - V_I) : amp
ds_ext/dt = -s_ext / tau_AMPA : 1
ds_AMPA/dt = -s_AMPA / tau_AMPA : 1
ds_GABA/dt = -s_GABA / tau_GABA : 1
ds_NMDA/dt = -s_NMDA / tau_NMDA_decay + alpha * x * (1 - s_NMDA) : 1
dx/dt = -x / tau_NMDA_rise : 1
s_NMDA_tot : 1
"""


def builtin_trial():
    """One 1.2 s trial at 1 ms input steps: (n_steps, 2) added rates of pools A and B (Hz)."""
    extra = np.zeros((1200, 2))
    extra[300:1000, 0] += 40.0                  # cue onto A through the stimulus
    extra[500:1000, 0] += 60.0                  # stimulus A (mu0 100 Hz x contrast 0.6)
    extra[500:1000, 1] += 40.0                  # stimulus B
    return extra


def run_trial(extra, input_dt_ms, seed):
    """Build and run one trial; returns (build + run wall s, run() wall s, simulation-loop s,
    mean A / B rate (Hz) over the second half)."""
    t0 = time.perf_counter()
    b2.start_scope()
    b2.seed(seed)
    b2.defaultclock.dt = SIM_DT
    exc = b2.NeuronGroup(N_E, EQS, threshold="v > V_th", reset="v = V_reset; x += 1", refractory="tau_ref",
                         method="euler", namespace=EXC, name="exc")
    inh = b2.NeuronGroup(N_I, EQS, threshold="v > V_th", reset="v = V_reset", refractory="tau_ref",
                         method="euler", namespace=INH, name="inh")
    for g in (exc, inh):
        g.v = "V_L + rand() * (V_th - V_L)"
    pool = np.repeat([0, 1, 2], [N_A, N_A, N_E - 2 * N_A])          # A, B, nonselective
    w_src = np.array([[W_PLUS, W_MINUS, W_MINUS], [W_MINUS, W_PLUS, W_MINUS], [1.0, 1.0, 1.0]])
    # E -> E: AMPA on spike, NMDA summed through the same weights
    ee = b2.Synapses(exc, exc, "w : 1\ns_NMDA_tot_post = w * s_NMDA_pre : 1 (summed)", on_pre="s_AMPA_post += w",
                     name="ee")
    ee.connect()
    ee.w = w_src[pool[ee.j[:]], pool[ee.i[:]]]
    ei = b2.Synapses(exc, inh, "s_NMDA_tot_post = s_NMDA_pre : 1 (summed)", on_pre="s_AMPA_post += 1", name="ei")
    ei.connect()
    ie = b2.Synapses(inh, exc, on_pre="s_GABA_post += 1", name="ie")
    ie.connect()
    ii = b2.Synapses(inh, inh, on_pre="s_GABA_post += 1", name="ii")
    ii.connect()
    bg_e = b2.PoissonInput(exc, "s_ext", 800, 3 * Hz, weight=1)
    bg_i = b2.PoissonInput(inh, "s_ext", 800, 3 * Hz, weight=1)
    # stimulus + cue: one Poisson train per selective cell, rate from the trial's table
    # fixed names: generated code names its objects, so each trial reuses the compiled code
    stim = b2.TimedArray(np.asarray(extra) * Hz, dt=input_dt_ms * ms, name="stim")
    drive = b2.PoissonGroup(2 * N_A, rates="stim(t, i // n_pool)", namespace={"stim": stim, "n_pool": N_A},
                            name="drive")
    into = b2.Synapses(drive, exc, on_pre="s_ext_post += 1", name="into")
    into.connect(j="i")
    spikes = b2.SpikeMonitor(exc, name="spikes_exc")
    spikes_i = b2.SpikeMonitor(inh, name="spikes_inh")
    net = b2.Network(exc, inh, ee, ei, ie, ii, bg_e, bg_i, drive, into, spikes, spikes_i)
    duration = extra.shape[0] * input_dt_ms * ms
    t1 = time.perf_counter()
    net.run(duration)
    t2 = time.perf_counter()
    loop = float(b2.get_device()._last_run_time)
    i, t = np.asarray(spikes.i[:]), np.asarray(spikes.t[:] / ms)
    late = t >= 0.5 * float(duration / ms)                   # second half of the trial
    span = 0.5 * float(duration / b2.second)
    rates = [float(np.sum(late & (pool[i] == k)) / N_A / span) for k in (0, 1)]
    return t2 - t0, t2 - t1, loop, rates


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--inputs", default=None, help="npz with extra (n_trials, n_steps, 2) Hz and dt_ms")
    ap.add_argument("--trials", type=int, default=3, help="timed trials (after one warm-up)")
    ap.add_argument("--warmup-ms", type=float, default=10.0, help="length of the warm-up run (compiles the code)")
    a = ap.parse_args()
    if a.inputs:
        d = np.load(a.inputs)
        extra, dt_ms = d["extra"], float(d["dt_ms"])
    else:
        extra, dt_ms = builtin_trial()[None], 1.0
    b2.prefs.logging.console_log_level = "WARNING"
    n_warm = max(1, int(round(a.warmup_ms / dt_ms)))
    run_trial(extra[0][:n_warm], dt_ms, seed=1)              # warm-up: code generation and compile
    walls, runs, loops, rates = [], [], [], []
    for k in range(a.trials):
        w, r, lp, rt = run_trial(extra[k % len(extra)], dt_ms, seed=10 + k)
        walls.append(w)
        runs.append(r)
        loops.append(lp)
        rates.append(rt)
    print(json.dumps({"per_trial_s": float(np.median(walls)), "run_s": float(np.median(runs)),
                      "sim_loop_s": float(np.median(loops)),
                      "trials": a.trials, "trial_ms": extra.shape[1] * dt_ms,
                      "rates_second_half_hz": np.round(np.mean(rates, axis=0), 2).tolist(),
                      "brian2": b2.__version__}))


if __name__ == "__main__":
    main()
