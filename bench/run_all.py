"""The project's speed table in one command: every benchmark in bench/, side by side with its reference.

Sections (each skipped with a note when its reference cannot run here):
  ann        bench/bench_ann.py: one training step per ANN family (batch 32, 150 steps, hidden 64,
             1 thread) in the project's float32 against PyTorch float32 (when torch imports) and
             against the project's own float64 path.
  pd14       the PD14 microcircuit at 0.1 scale, 1 thread (models/microcircuit, as
             bench/bench_microcircuit.py) against bench/plain_brian2_microcircuit.py and, where an
             interpreter imports nest, bench/nest_microcircuit.py: binary/Simulate wall seconds per
             biological second. With --full (never with --quick) also the full-scale column
             (~10 GB, minutes) against plain Brian2.
  spiking    SpikingCompetition.run on a batch of selective trials (build once, run many; as
             bench/bench_trial_cost.py) against bench/plain_brian2_wang2002.py (the same network as
             a plain Brian2 script, one Network per trial): wall seconds per trial.
  trial_cost bench/bench_trial_cost.py as it is (its own lines are echoed; not with --quick).

Each time is the median over repeated runs, the two sides of a comparison alternating so that
background load affects both alike. The last lines are one per comparison,

    ratio NAME VALUE        (project time / reference time; < 1: the project is faster)

e.g. `ratio ann_lstm_vs_torch_f32 1.7`, `ratio pd14_0.1_1thread_vs_plain 0.98`. Names:
ann_<family>_vs_torch_f32, ann_<family>_vs_numpy_f64, pd14_0.1_1thread_vs_plain,
pd14_0.1_1thread_vs_nest, pd14_full_1thread_vs_plain, pd14_*_sim_loop (simulation loop alone:
the binary's timer around net.run against Brian2's own run time of the plain script),
spiking_competition_vs_plain (whole
trial: build + run for the plain script), spiking_competition_vs_plain_sim_loop (time inside
Brian2's simulation loop only, per trial).

    python bench/run_all.py [--quick] [--full] [--only ann pd14 spiking trial_cost]
                            [--nest-python /tmp/nestenv/bin/python]
--quick: fewer repeats, 0.3 biological seconds, 4 trials (a few minutes). On a shared machine,
run it under the heavy-run lock: `flock /tmp/attnsim-heavy.lock python bench/run_all.py`.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
sys.path.insert(0, str(BENCH))

RATIOS: list[tuple[str, float]] = []


def ratio(name: str, value: float) -> None:
    RATIOS.append((name, float(value)))


def section(title: str) -> None:
    print(f"\n== {title}", flush=True)


def _json_tail(cmd: list[str]) -> dict:
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:2])} failed:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


# ----------------------------------------------------------------------------- ANN
def ann(quick: bool) -> None:
    import bench_ann

    repeats, blocks = (3, 3) if quick else (10, 5)
    section(f"ANN training step, ms (batch {bench_ann.B}, {bench_ann.T} steps, hidden {bench_ann.HIDDEN}, "
            f"1 thread; median of {blocks} blocks of {repeats})")
    if bench_ann.torch is None:
        print("PyTorch not installed: no ann_<family>_vs_torch_f32 ratios")
    else:
        print(f"PyTorch {bench_ann.torch.__version__}")
    print(f"{'family':<24}{'numpy f32':>10}{'numpy f64':>10}{'torch f32':>10}{'torch f64':>10}")
    for r in bench_ann.measure(repeats=repeats, blocks=blocks):
        f = r["family"]
        print(f"{f:<24}{r['numpy_f32']:>10.1f}{r['numpy_f64']:>10.1f}"
              + (f"{r['torch_f32']:>10.1f}{r['torch_f64']:>10.1f}" if "torch_f32" in r else ""), flush=True)
        if "torch_f32" in r:
            ratio(f"ann_{f}_vs_torch_f32", r["numpy_f32"] / r["torch_f32"])
        ratio(f"ann_{f}_vs_numpy_f64", r["numpy_f32"] / r["numpy_f64"])


# ----------------------------------------------------------------------------- PD14
_PROJECT_SIDE = """
import json, sys
from attnsim.models.microcircuit.spontaneous import spontaneous_activity
scale, t_sim_s, seed = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
r = spontaneous_activity(scale, scale, t_sim_ms=t_sim_s * 1000 + 100, t_transient_ms=100, seeds=(seed,), threads=1)
print(json.dumps({"wall_s": float(r["wall_s"][0]), "run_s": float(r["run_s"][0]),
                  "rates_hz": [round(float(x), 3) for x in r["rates_hz"][0]]}))
"""


def _timed(cmd: list[str]) -> tuple[dict, float]:
    """Run `cmd` (its last stdout line is JSON) under /usr/bin/time when present: (json, peak RSS in GB
    of the process tree's largest process, NaN without /usr/bin/time)."""
    if not os.path.exists("/usr/bin/time"):
        return _json_tail(cmd), float("nan")
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as f:
        res = _json_tail(["/usr/bin/time", "-o", f.name, "-f", "%M", *cmd])
        kb = float(open(f.name).read().strip().splitlines()[-1])
    return res, kb / 1e6


def _pd14_project(scale: float, t_sim_s: float, seed: int) -> dict:
    """The project's column (models/microcircuit, default build: csr synapses, tabulated background) in a child
    process: binary wall s per biological s (synapse generation included), simulation loop alone
    per biological s, peak memory, rates."""
    res, rss = _timed([sys.executable, "-c", _PROJECT_SIDE, str(scale), str(t_sim_s), str(seed)])
    return dict(wall=res["wall_s"] / (t_sim_s + 0.1), loop=res["run_s"] / (t_sim_s + 0.1), rss_gb=rss,
                rates=res["rates_hz"])


def _pd14_plain(scale: float, t_sim_s: float) -> dict:
    res, rss = _timed([sys.executable, str(BENCH / "plain_brian2_microcircuit.py"), "--scale", str(scale),
                       "--t-sim", str(t_sim_s + 0.1), "--threads", "1", "--background", "poisson"])
    return dict(wall=res["run_wall_s"] / (t_sim_s + 0.1), loop=res["sim_s"] / (t_sim_s + 0.1), rss_gb=rss,
                rates=res["rates_hz"])


def _pd14_nest(python: str, scale: float, t_sim_s: float) -> dict:
    res, rss = _timed([python, str(BENCH / "nest_microcircuit.py"), "--scale", str(scale),
                       "--t-sim", str(t_sim_s + 0.1), "--threads", "1"])
    return dict(wall=res["run_wall_s"] / (t_sim_s + 0.1), loop=res["run_wall_s"] / (t_sim_s + 0.1), rss_gb=rss,
                rates=res["rates_hz"])


def _nest_python(given: str | None) -> str | None:
    if given:
        return given
    ok = subprocess.run([sys.executable, "-c", "import nest"], capture_output=True).returncode == 0
    return sys.executable if ok else None


def _alternate(sides: dict, reps: int, warm=("project",)) -> dict:
    """One warm-up call of the sides in `warm` (the project's cached build, page cache), then `reps`
    rounds in turn; per side, the median of each measured quantity. The plain scripts build afresh
    on every call and time the run alone."""
    for k in warm:
        sides[k]()
    runs = {k: [] for k in sides}
    for _ in range(reps):
        for k, f in sides.items():
            runs[k].append(f())
    out = {}
    for k, v in runs.items():
        out[k] = {q: float(np.median([r[q] for r in v])) for q in ("wall", "loop", "rss_gb")}
        out[k]["rates"] = np.round(np.median([r["rates"] for r in v], axis=0), 2).tolist()
    return out


def _print_pd14(t: dict) -> None:
    for k, v in t.items():
        print(f"  {k:<8} {v['wall']:.3f} s/bio-s (simulation loop {v['loop']:.3f}; peak {v['rss_gb']:.2f} GB)"
              f"  rates {v['rates']}")


def pd14(quick: bool, full: bool, nest_python: str | None) -> None:
    t_sim, reps = (0.3, 1) if quick else (1.0, 3)
    npy = _nest_python(nest_python)
    section(f"PD14 microcircuit, 0.1 scale, 1 thread: wall s per biological s ({t_sim:g} s simulated + 0.1 s "
            f"transient; median of {reps}; project and plain: the binary's whole run, synapse generation "
            f"included; NEST: Simulate only)")
    sides = {"project": lambda: _pd14_project(0.1, t_sim, 1), "plain": lambda: _pd14_plain(0.1, t_sim)}
    if npy is not None:
        sides["nest"] = lambda: _pd14_nest(npy, 0.1, t_sim)
    else:
        print("NEST not importable (give --nest-python): no pd14_0.1_1thread_vs_nest ratio")
    t = _alternate(sides, reps)
    _print_pd14(t)
    ratio("pd14_0.1_1thread_vs_plain", t["project"]["wall"] / t["plain"]["wall"])
    ratio("pd14_0.1_1thread_vs_plain_sim_loop", t["project"]["loop"] / t["plain"]["loop"])
    if "nest" in t:
        ratio("pd14_0.1_1thread_vs_nest", t["project"]["wall"] / t["nest"]["wall"])
    if full and not quick:
        section("PD14 microcircuit, full scale, 1 thread (1 s simulated + 0.1 s transient; one run each after "
                "the build; rates against the published full-scale ones)")
        t = _alternate({"project": lambda: _pd14_project(1.0, 1.0, 1), "plain": lambda: _pd14_plain(1.0, 1.0)}, 1)
        _print_pd14(t)
        from attnsim.models.microcircuit import pd14_params as P
        dev = np.array(t["project"]["rates"]) / P.FULL_MEAN_RATES_HZ - 1
        print(f"  project rates / published - 1: {np.round(dev, 3).tolist()} (max |.| {np.abs(dev).max():.3f})")
        ratio("pd14_full_1thread_vs_plain", t["project"]["wall"] / t["plain"]["wall"])
        ratio("pd14_full_1thread_vs_plain_sim_loop", t["project"]["loop"] / t["plain"]["loop"])


# ----------------------------------------------------------------------------- spiking competition
TIMING = dict(fixation=300, cue=200, stimulus=500, response=200)


def spiking(quick: bool) -> None:
    from attnsim.models.spiking_competition import SpikingCompetition
    from attnsim.models.spiking_competition_params import SpikingCompetitionParams
    from attnsim.tasks.selective import make_selective

    n, reps = (4, 1) if quick else (8, 3)
    tr = make_selective(n_trials=n, dt_ms=1.0, timing_ms=TIMING, contrasts=[0.1, 0.3, 0.5],
                        conditions=["attend_A", "attend_B", "neutral"], seed=0)
    params = SpikingCompetitionParams(max_batch_trials=n)
    section(f"Spiking competition (Wang 2002), N_E {params.N_E}, {tr.n_steps} ms trials: wall s per trial "
            f"(project: run() on a batch of {n}; plain: one Network per trial; median of {reps}, alternating)")
    # the same trials for the plain script: added Poisson rate per cell of pools A and B
    ch = list(tr.channels)
    x = np.asarray(tr.inputs, dtype=float)
    extra = np.stack([params.mu0_hz * x[:, :, ch.index("stim_A")] + params.cue_rate_hz * x[:, :, ch.index("cue_A")],
                      params.mu0_hz * x[:, :, ch.index("stim_B")] + params.cue_rate_hz * x[:, :, ch.index("cue_B")]],
                     axis=2)
    model = SpikingCompetition(params)
    model.run(tr.inputs, tr.dt_ms, tr.channels, seed=0)          # build + compile, once
    proj, loop, plain, plain_loop = [], [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "trials.npz")
        for k in range(reps):
            t0 = time.perf_counter()
            model.run(tr.inputs, tr.dt_ms, tr.channels, seed=k + 1)
            proj.append((time.perf_counter() - t0) / n)
            loop.append(model.last_timing["sim_loop_s"] / n)
            # the plain script compiles in a short warm-up of its own, then times one trial
            np.savez(path, extra=extra[k % n:k % n + 1], dt_ms=tr.dt_ms)
            res = _json_tail([sys.executable, str(BENCH / "plain_brian2_wang2002.py"), "--inputs", path,
                              "--trials", "1"])
            plain.append(res["per_trial_s"])
            plain_loop.append(res["sim_loop_s"])
    p, pl, q, ql = (float(np.median(v)) for v in (proj, loop, plain, plain_loop))
    print(f"  project {p:.3f} s/trial ({1 / p:.2f} trials/s; simulation loop {pl:.3f}), "
          f"plain {q:.3f} s/trial ({1 / q:.3f} trials/s; simulation loop {ql:.3f}; "
          f"rates A/B {res['rates_second_half_hz']} Hz)")
    ratio("spiking_competition_vs_plain", p / q)
    ratio("spiking_competition_vs_plain_sim_loop", pl / ql)


def trial_cost() -> None:
    section("bench/bench_trial_cost.py")
    out = subprocess.run([sys.executable, str(BENCH / "bench_trial_cost.py")], capture_output=True, text=True)
    print(out.stdout.rstrip() if out.returncode == 0 else f"failed:\n{out.stderr[-2000:]}", flush=True)


SECTIONS = ("ann", "pd14", "spiking", "trial_cost")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="reduced repeats and durations (a few minutes)")
    ap.add_argument("--full", action="store_true", help="also the full-scale PD14 column (~10 GB; not with --quick)")
    ap.add_argument("--only", nargs="+", choices=SECTIONS, default=None)
    ap.add_argument("--nest-python", default=None, help="interpreter with nest-simulator (default: this one if "
                    "it imports nest)")
    a = ap.parse_args()
    todo = a.only or [s for s in SECTIONS if not (a.quick and s == "trial_cost")]
    t0 = time.perf_counter()
    for s in todo:
        try:
            if s == "ann":
                ann(a.quick)
            elif s == "pd14":
                pd14(a.quick, a.full, a.nest_python)
            elif s == "spiking":
                spiking(a.quick)
            else:
                trial_cost()
        except Exception as e:          # one failing section must not hide the others' ratios
            print(f"{s}: FAILED ({type(e).__name__}: {e})", flush=True)
    print(f"\n(total {time.perf_counter() - t0:.0f} s)")
    for name, value in RATIOS:
        print(f"ratio {name} {value:.3g}")


if __name__ == "__main__":
    main()
