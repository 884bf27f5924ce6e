"""Processes of one machine share compiled Brian2 code instead of compiling it again each.

Two attnsim processes started together used to take numbered cache slots of their own, so the
second compiled every Cython module again (a 12-trial spiking run: 91-102 s instead of 12 s).
"""
import os
import subprocess
import sys

SCRIPT = """
from attnsim.worker_env import prepare_process
prepare_process()
import brian2 as b
b.prefs.codegen.target = "cython"
b.seed(1)
G = b.NeuronGroup(20, "dv/dt = (1.5 - v) / (10*ms) : 1", threshold="v > 1", reset="v = 0", method="exact")
G.v = "rand()"
S = b.Synapses(G, G, on_pre="v_post += 0.01")
S.connect(p=0.2)
m = b.SpikeMonitor(G)
b.Network(G, S, m).run(20 * b.ms)
print(m.num_spikes)
"""


def _modules(cache: str) -> dict[str, float]:
    found = {}
    for root, _, files in os.walk(cache):
        for f in files:
            if f.endswith(".so"):
                found[f] = os.path.getmtime(os.path.join(root, f))
    return found


def _start(cache):
    env = {**os.environ, "ATTNSIM_CACHE_DIR": str(cache), "PYTHONHASHSEED": "0"}
    return subprocess.Popen([sys.executable, "-c", SCRIPT], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def test_two_processes_started_together_build_each_module_once(tmp_path):
    procs = [_start(tmp_path), _start(tmp_path)]
    outs = [p.communicate(timeout=600) for p in procs]
    assert all(p.returncode == 0 for p in procs), [o[1][-2000:] for o in outs]
    assert outs[0][0] == outs[1][0]                      # same seed, same spikes
    built = _modules(tmp_path)
    assert built, "no compiled module in the shared cache"
    names = [f.split(".")[0] for f in built]
    assert len(names) == len(set(names)), "a module was compiled twice"

    # a later process compiles nothing: every module it needs is there, untouched
    later = _start(tmp_path)
    out, err = later.communicate(timeout=600)
    assert later.returncode == 0, err[-2000:]
    assert out == outs[0][0]
    assert _modules(tmp_path) == built
