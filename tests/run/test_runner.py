"""Runner and run directory: determinism, resume, workers, results.h5 layout, figures redraw."""
import json
import os
import textwrap

import h5py
import numpy as np
import pytest

from tests.conftest import run_cli

SCENARIO = textwrap.dedent("""\
    name: tiny-run
    seed: 11
    task:
      kind: selective
      n_trials: 8
      dt: 1 ms
      timing: {fixation: 100 ms, cue: 100 ms, stimulus: 300 ms, response: 100 ms}
      contrasts: [0.3, 0.6]
      conditions: [attend_A, attend_B]
    models:
      - {name: rate, family: rate_competition}
    analysis: [accuracy, rate_hz, modulation_index]
    figures: [rates, psychometric]
    run: {chunk_trials: 3}
    expect:
      - {model: rate, metric: accuracy, condition: all, range: [0.0, 1.0], source: "always true"}
      - {model: rate, metric: accuracy, condition: all, range: [2.0, 3.0], source: "never true"}
    """)


def _summary(d):
    with open(os.path.join(d, "summary.json")) as fh:
        return json.load(fh)


@pytest.fixture(scope="module")
def first_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("runs")
    scen = tmp / "s.yaml"
    scen.write_text(SCENARIO)
    out = tmp / "a"
    res = run_cli("run", str(scen), "--out", str(out), "--quiet", cwd=str(tmp))
    assert res.returncode == 0, res.stderr
    return tmp, scen, out, res


def test_run_directory_contents(first_run):
    tmp, scen, out, res = first_run
    for name in ("scenario.yaml", "provenance.json", "results.h5", "summary.json",
                 "figures/rates.png", "figures/rates.svg", "figures/psychometric.png"):
        assert (out / name).exists(), name
    assert not (out / "chunks").exists() and not (tmp / "a.partial").exists()
    s = _summary(out)
    assert s["scenario"] == "tiny-run" and s["seed"] == 11
    assert set(s["models"]["rate"]["metrics"]) >= {"accuracy", "rate_hz", "modulation_index"}
    assert [e["pass"] for e in s["expectations"]] == [True, False]
    assert s["all_expectations_pass"] is False
    prov = json.loads((out / "provenance.json").read_text())
    assert prov["seed"] == 11 and prov["packages"]["brian2"] and "rate" in prov["timings"]
    assert "FAIL" in res.stdout and "PASS" in res.stdout


def test_results_h5_layout(first_run):
    _, _, out, _ = first_run
    with h5py.File(out / "results.h5", "r") as f:
        assert f["trials/inputs"].shape[0] == 8
        g = f["models/rate"]
        assert g.attrs["family"] == "rate_competition"
        gr = g["group_rates"]
        assert gr.shape[0] == 8 and gr.shape[1] == len(json.loads(gr.attrs["group_names"]))
        assert gr.attrs["unit"] == "Hz"
        assert g["choice"].shape == (8,)


def test_same_seed_same_summary_other_seed_differs(first_run, tmp_path):
    tmp, scen, out, _ = first_run
    again = tmp_path / "b"
    res = run_cli("run", str(scen), "--out", str(again), "--quiet")
    assert res.returncode == 0, res.stderr
    assert _summary(again) == _summary(out)
    other = tmp_path / "c"
    res = run_cli("run", str(scen), "--out", str(other), "--seed", "12", "--quiet")
    assert res.returncode == 0, res.stderr
    assert _summary(other)["models"] != _summary(out)["models"]


def test_check_exit_code(first_run, tmp_path):
    _, scen, _, _ = first_run
    res = run_cli("run", str(scen), "--out", str(tmp_path / "d"), "--check", "--quiet")
    assert res.returncode == 1
    assert (tmp_path / "d" / "summary.json").exists()


def test_workers_and_resume_give_the_same_numbers(first_run, tmp_path, capsys):
    """Two workers, and a run resumed after losing a chunk or with a damaged one, match the
    one-worker run; a damaged chunk is detected and recomputed, never read as data."""
    from attnsim import run_dir, runner
    from attnsim.scenario.load import load_file
    _, scen, out, _ = first_run
    sc, _ = load_file(str(scen))
    partial, _ = run_dir.prepare(str(tmp_path / "e"), sc.name, None)
    r1 = runner.execute(sc, partial, workers=2, quiet=True)
    chunk_dir = os.path.join(partial, "chunks", "rate")
    kept = os.path.join(chunk_dir, "00000.npz")
    stamp = os.stat(kept).st_mtime_ns
    os.remove(os.path.join(chunk_dir, "00001.npz"))          # as if interrupted before chunk 1 finished
    r2 = runner.execute(sc, partial, workers=1, quiet=True)
    assert os.stat(kept).st_mtime_ns == stamp                 # finished work is not redone
    np.testing.assert_array_equal(r1.activities["rate"].rates, r2.activities["rate"].rates)
    # damage chunk 0 in the middle: the resume must notice, say so, and recompute it
    with open(kept, "r+b") as fh:
        fh.seek(os.path.getsize(kept) // 2)
        byte = fh.read(1)
        fh.seek(-1, 1)
        fh.write(bytes([byte[0] ^ 0xFF]))
    r3 = runner.execute(sc, partial, workers=1, quiet=False)
    assert "chunk 0 of model 'rate' is not usable" in capsys.readouterr().err
    assert os.stat(kept).st_mtime_ns != stamp
    np.testing.assert_array_equal(r1.activities["rate"].rates, r3.activities["rate"].rates)
    from attnsim.store import read_results
    stored = read_results(str(out / "results.h5"))
    np.testing.assert_allclose(stored.activities["rate"].group_rate("pool_A"),
                               r2.activities["rate"].group_rate("pool_A"), rtol=1e-5)


def test_figures_redraw(first_run):
    _, _, out, _ = first_run
    png = out / "figures" / "rates.png"
    png.unlink()
    res = run_cli("figures", str(out))
    assert res.returncode == 0, res.stderr
    assert png.exists()


def test_resume_refuses_finished_dir(first_run):
    _, _, out, _ = first_run
    res = run_cli("run", "--resume", str(out), "--quiet")
    assert res.returncode == 2 and ".partial" in res.stderr


def test_list_names_everything():
    res = run_cli("list")
    assert res.returncode == 0
    for word in ("selective", "spiking_competition", "rate_competition", "modulation_index", "raster"):
        assert word in res.stdout
