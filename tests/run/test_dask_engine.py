"""The Dask engine (sim/engine.py): a run on a local cluster, on a cluster that loses a worker,
resumed after an interrupt, and on a hand-started scheduler gives the numbers of the
sequential run; workers build each model once; standalone builds are keyed by the CPU."""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time

import numpy as np
import pytest

from tests.conftest import ROOT, run_cli

SCENARIO = textwrap.dedent("""\
    name: dask-engine
    seed: 3
    task:
      kind: discrimination
      n_trials: 12
      timing: {fixation: 100 ms, stimulus: 800 ms, response: 0 ms}
      coherences: [0, 25.6]
    models:
      - {name: ww, family: rate_competition}
    analysis: [p_choice_A, reaction_time_ms]
    run: {chunk_trials: 2}
    """)

SWEEP = textwrap.dedent("""\
    name: dask-sweep
    seed: 9
    task:
      kind: sustained
      n_trials: 4
      timing: {fixation: 100 ms, cue: 100 ms, delay: 100 ms, stimulus: 200 ms, response: 100 ms}
    models:
      - {name: rate, family: rate_competition}
    analysis: [accuracy, persistence_time]
    run: {chunk_trials: 2}
    sweep:
      grid:
        models.0.params.cue_bias_nA: [0.0, 0.01, 0.02, 0.03]
      plot: [{metric: accuracy}]
    """)


def _scn(tmp_path, text=SCENARIO, name="s.yaml"):
    from attnsim.scenario.load import load_file
    p = tmp_path / name
    p.write_text(text)
    return load_file(str(p))[0], str(p)


def _sequential(sc, partial):
    """The reference: every job one after another in one process, without Dask."""
    from attnsim import runner
    from attnsim.engine import run_in_process
    plan = runner.plan_run(sc, partial, quiet=True)
    run_in_process([plan])
    return runner.collect(plan)


def _same_activity(a, b):
    arrays_a, arrays_b = a.to_arrays(), b.to_arrays()
    assert set(arrays_a) == set(arrays_b)
    for k in arrays_a:
        np.testing.assert_array_equal(arrays_a[k], arrays_b[k], err_msg=k)


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    from attnsim import runner
    tmp = tmp_path_factory.mktemp("ref")
    sc, path = _scn(tmp)
    out = _sequential(sc, str(tmp / "seq.partial"))
    summary = runner.write_run(sc, str(tmp / "seq.partial"), out, started=0.0, figures=False)
    return sc, out, summary, str(tmp / "seq.partial" / "results.h5")


def test_two_local_workers_equal_the_sequential_run_bit_for_bit(reference, tmp_path):
    from attnsim import runner
    sc, ref, ref_summary, ref_h5 = reference
    partial = str(tmp_path / "two.partial")
    out = runner.execute(sc, partial, workers=2, quiet=True)
    _same_activity(ref.activities["ww"], out.activities["ww"])
    summary = runner.write_run(sc, partial, out, started=0.0, figures=False)
    assert summary == ref_summary
    assert out.timings["ww"]["run_s"] > 0


def test_a_worker_killed_mid_run_loses_no_trial(reference, tmp_path):
    from attnsim import runner
    from attnsim.engine import Engine
    sc, ref, _, _ = reference
    partial = str(tmp_path / "kill.partial")
    first = os.path.join(partial, "chunks", "ww", "00000.npz")
    killed = {}
    with Engine(workers=2, quiet=True) as eng:
        pids = eng.client.run(os.getpid)

        def kill_one():
            deadline = time.time() + 120
            while not os.path.exists(first) and time.time() < deadline:
                time.sleep(0.005)
            addr, pid = sorted(pids.items())[0]
            killed.update(addr=addr, done=len(os.listdir(os.path.dirname(first))))
            os.kill(pid, signal.SIGKILL)
        t = threading.Thread(target=kill_one)
        t.start()
        out = runner.execute(sc, partial, workers=2, quiet=True, engine=eng)
        t.join()
        alive = set(eng.client.scheduler_info()["workers"])
    assert killed["addr"] not in alive                      # the worker died during the run ...
    assert killed["done"] < 6                               # ... with chunks still to do
    assert len(os.listdir(os.path.dirname(first))) == 6     # every chunk, once
    _same_activity(ref.activities["ww"], out.activities["ww"])


def test_sweep_points_run_together_and_an_interrupted_sweep_resumes(tmp_path):
    scen = tmp_path / "sweep.yaml"
    scen.write_text(SWEEP)
    out = tmp_path / "run"
    proc = subprocess.Popen([sys.executable, "-m", "attnsim", "run", str(scen), "--out", str(out), "--quiet",
                             "--workers", "2"], cwd=ROOT, start_new_session=True, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    points = tmp_path / "run.partial" / "points"
    deadline = time.time() + 180
    while time.time() < deadline and proc.poll() is None and not any(
            (points / f"{i:03d}" / "provenance.json").exists() for i in range(4)):
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "--resume" in err
    finished = [i for i in range(4) if (points / f"{i:03d}" / "provenance.json").exists()]
    assert 1 <= len(finished) < 4, finished
    stamps = {i: os.stat(points / f"{i:03d}" / "provenance.json").st_mtime_ns for i in finished}
    res = run_cli("run", "--resume", str(tmp_path / "run.partial"), "--quiet")
    assert res.returncode == 0, res.stderr
    for i, st in stamps.items():                            # finished points are not redone
        assert os.stat(out / "points" / f"{i:03d}" / "provenance.json").st_mtime_ns == st
    clean = tmp_path / "clean"
    res = run_cli("run", str(scen), "--out", str(clean), "--quiet", "--workers", "1")
    assert res.returncode == 0, res.stderr
    a = json.loads((out / "summary.json").read_text())
    b = json.loads((clean / "summary.json").read_text())
    assert a["sweep"]["points"] == b["sweep"]["points"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_scheduler_started_by_hand_gives_the_same_numbers(reference, tmp_path):
    """`dask scheduler` + two `dask worker`s on loopback: their nannies give the workers another
    hash seed, so chunks run in pinned children; the numbers are those of the sequential run."""
    sc, ref, ref_summary, ref_h5 = reference
    dask = os.path.join(os.path.dirname(sys.executable), "dask")
    port = _free_port()
    addr = f"tcp://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONHASHSEED"}
    procs = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        for _ in range(2):
            procs.append(subprocess.Popen([dask, "worker", addr, "--nthreads", "1", "--no-dashboard"], env=env,
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        from distributed import Client
        from attnsim.worker_env import describe
        with Client(addr, timeout="30s") as c:
            c.wait_for_workers(2, timeout=60)
            assert not any(d["hash_seed_fixed"] for d in c.run(describe).values())
        scen = tmp_path / "s.yaml"
        scen.write_text(SCENARIO)
        out = tmp_path / "remote"
        res = run_cli("run", str(scen), "--out", str(out), "--scheduler", addr, "--quiet")
        assert res.returncode == 0, res.stderr
        summary = json.loads((out / "summary.json").read_text())
        assert summary == json.loads(json.dumps(ref_summary))
        from attnsim.store import read_results
        _same_activity(read_results(ref_h5).activities["ww"], read_results(str(out / "results.h5")).activities["ww"])
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in reversed(procs):
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()


def test_a_worker_builds_each_model_once(tmp_path):
    """The model cache: the same (family, params, weights) gives the built model back; other
    params build another."""
    from attnsim import worker
    a, build_a = worker._cached_model("rate_competition", {}, None, (), "m")
    b, build_b = worker._cached_model("rate_competition", {}, None, (), "m")
    c, _ = worker._cached_model("rate_competition", {"cue_bias_nA": 0.01}, None, (), "m")
    assert a is b and build_b == 0.0 and build_a > 0.0
    assert c is not a


def test_standalone_build_dir_depends_on_the_cpu(monkeypatch):
    from attnsim.models.microcircuit import standalone
    here = standalone.project_dir("pd14", {"n": 1})
    monkeypatch.setattr(standalone, "_cpu_signature", lambda: {"machine": "aarch64", "cpu_flags": "0" * 16})
    other = standalone.project_dir("pd14", {"n": 1})
    assert here != other
    assert other.name.rsplit("-", 1)[0] != here.name.rsplit("-", 1)[0]   # no object files shared as siblings
