"""Ctrl-C during a run: exit 130, no finished-looking directory, and --resume completes it
with exactly the numbers of an uninterrupted run."""
import json
import os
import signal
import subprocess
import sys
import textwrap
import time

from tests.conftest import ROOT, run_cli

SCENARIO = textwrap.dedent("""\
    name: interrupt-me
    seed: 4
    task:
      kind: discrimination
      n_trials: 24
      timing: {fixation: 100 ms, stimulus: 2000 ms, response: 0 ms}
      coherences: [0, 12.8]
    models:
      - {name: ww, family: rate_competition}
    analysis: [p_choice_A, reaction_time_ms]
    run: {chunk_trials: 3}
    """)


def test_interrupt_then_resume_matches_an_uninterrupted_run(tmp_path):
    scen = tmp_path / "s.yaml"
    scen.write_text(SCENARIO)
    out = tmp_path / "run"
    proc = subprocess.Popen([sys.executable, "-m", "attnsim", "run", str(scen), "--out", str(out), "--quiet"],
                            cwd=ROOT, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    first_chunk = tmp_path / "run.partial" / "chunks" / "ww" / "00000.npz"
    deadline = time.time() + 120
    while not first_chunk.exists() and time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGINT)          # what Ctrl-C sends: the whole foreground group
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "--resume" in err
    assert not out.exists()
    done = sorted(os.listdir(first_chunk.parent))
    assert 1 <= len(done) < 8                    # stopped part-way (of 8 chunks), finished chunks kept
    res = run_cli("run", "--resume", str(tmp_path / "run.partial"), "--quiet")
    assert res.returncode == 0, res.stderr
    clean = tmp_path / "clean"
    res = run_cli("run", str(scen), "--out", str(clean), "--quiet")
    assert res.returncode == 0, res.stderr
    a = json.loads((out / "summary.json").read_text())
    b = json.loads((clean / "summary.json").read_text())
    assert a["models"] == b["models"]
