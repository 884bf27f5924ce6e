"""attnsim.nwb_export: a finished run as NWB files that pynwb reads back and nwbinspector accepts."""
import os

import h5py
import numpy as np
import pytest

pynwb = pytest.importorskip("pynwb")
nwbinspector = pytest.importorskip("nwbinspector")

import attnsim
from attnsim.cli import main
from attnsim.models.activity import Activity
from attnsim.nwb_export import export_nwb
from attnsim.result import Result
from attnsim.tasks.trials import Trials


def tiny_scenario() -> dict:
    """A small spiking network and a small trainable RNN on the same few short trials (seconds)."""
    return {
        "name": "nwb-test", "seed": 5,
        "task": {"kind": "selective", "n_trials": 6, "dt": "1 ms",
                 "timing": {"fixation": "50 ms", "cue": "50 ms", "stimulus": "150 ms", "response": "10 ms"},
                 "contrasts": [0.5]},
        "models": [{"name": "spiking", "family": "spiking_competition", "params": {"N_E": 100}},
                   {"name": "rnn", "family": "rnn", "params": {"hidden": 8, "max_steps": 20}}],
        "record": ["rates", "spikes"],
        "analysis": ["accuracy"],
        "figures": [],
    }


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """(run directory, {model: nwb path}) of the tiny run, exported with the defaults."""
    run_dir = str(tmp_path_factory.mktemp("nwb") / "run")
    attnsim.run(tiny_scenario(), out=run_dir)
    paths = export_nwb(attnsim.open_run(run_dir))
    return run_dir, {os.path.basename(p)[len("run_"):-len(".nwb")]: p for p in paths}


def _critical(path):
    return [m for m in nwbinspector.inspect_nwbfile(nwbfile_path=path)
            if m.importance.name in ("CRITICAL", "ERROR", "PYNWB_VALIDATION")]


def test_one_file_per_model_in_run_dir_nwb(exported):
    run_dir, paths = exported
    assert sorted(paths) == ["rnn", "spiking"]
    for p in paths.values():
        assert os.path.dirname(p) == os.path.join(run_dir, "nwb") and os.path.getsize(p) > 0


def test_nwbinspector_finds_nothing_critical(exported):
    _, paths = exported
    for p in paths.values():
        assert _critical(p) == [], p


def test_spike_times_are_results_h5_plus_the_trial_offset(exported):
    run_dir, paths = exported
    res = attnsim.open_run(run_dir)
    T = res.trials.n_steps * res.trials.dt_ms / 1000.0
    with h5py.File(os.path.join(run_dir, "results.h5"), "r") as f:
        sp = f["spikes"]
        stored = {k.split(".", 1)[1]: (sp[k]["node_ids"][()], sp[k]["timestamps"][()], sp[k]["trial_ids"][()])
                  for k in sp if k.startswith("spiking.")}
    sizes = res.activity["spiking"].group_sizes
    with pynwb.NWBHDF5IO(paths["spiking"], "r") as io:
        nwb = io.read()
        units = nwb.units
        pops = np.asarray(units["population"][:]).astype(str)
        nodes = np.asarray(units["node_id"][:])
        assert set(pops) == set(stored)
        for g in stored:
            assert np.array_equal(np.sort(nodes[pops == g]), np.arange(sizes[g]))   # silent neurons kept
        n_checked = 0
        for row in range(len(units)):
            ids, ts, tr = stored[pops[row]]
            mine = ids == nodes[row]
            expected = np.sort(tr[mine] * T + ts[mine] / 1000.0)
            got = np.asarray(units.get_unit_spike_times(row))
            assert got.shape == expected.shape
            np.testing.assert_allclose(got, expected, rtol=0, atol=1e-9)
            n_checked += got.size
        assert n_checked == sum(v[0].size for v in stored.values()) > 0
        assert set(np.asarray(units["model"][:]).astype(str)) == {"spiking"}
        assert units.resolution > 0


def test_trials_table_equals_trials_and_activity(exported):
    run_dir, paths = exported
    res = attnsim.open_run(run_dir)
    tr = res.trials
    T = tr.n_steps * tr.dt_ms / 1000.0
    for model, path in paths.items():
        act = res.activity[model]
        with pynwb.NWBHDF5IO(path, "r") as io:
            df = io.read().trials.to_dataframe()
        assert len(df) == tr.n_trials
        np.testing.assert_allclose(df["start_time"], np.arange(tr.n_trials) * T, atol=1e-12)
        np.testing.assert_allclose(df["stop_time"], np.arange(1, tr.n_trials + 1) * T, atol=1e-12)
        assert list(df["condition"].astype(str)) == list(tr.conditions["condition"])
        np.testing.assert_array_equal(df["contrast"], tr.conditions["contrast"])
        np.testing.assert_array_equal(df["target"], tr.target)
        np.testing.assert_array_equal(df["choice"], act.choice)
        np.testing.assert_array_equal(np.isnan(df["reaction_time"]), np.isnan(act.reaction_time_ms))
        rt = np.asarray(act.reaction_time_ms, dtype=float)
        np.testing.assert_allclose(df["reaction_time"][np.isfinite(rt)], rt[np.isfinite(rt)] / 1000.0)
        np.testing.assert_array_equal(df["correct"].astype(bool), act.choice == tr.target)


def test_epochs_time_series_and_metadata(exported):
    run_dir, paths = exported
    res = attnsim.open_run(run_dir)
    tr = res.trials
    T, dt = tr.n_steps * tr.dt_ms / 1000.0, tr.dt_ms / 1000.0
    for model, path in paths.items():
        act = res.activity[model]
        with pynwb.NWBHDF5IO(path, "r") as io:
            nwb = io.read()
            ep = nwb.epochs.to_dataframe()
            assert len(ep) == tr.n_trials * len(tr.epochs)
            stim = ep[(ep["epoch"] == "stimulus") & (ep["trial_index"] == 2)].iloc[0]
            assert list(stim["tags"]) == ["stimulus", "trial_2"]
            assert stim["start_time"] == pytest.approx(2 * T + tr.epochs["stimulus"].start * dt, abs=1e-12)
            assert stim["stop_time"] == pytest.approx(2 * T + tr.epochs["stimulus"].stop * dt, abs=1e-12)

            inputs = nwb.stimulus["inputs"]
            assert inputs.data.shape == (tr.n_trials * tr.n_steps, len(tr.channels))
            assert inputs.rate == pytest.approx(1000.0 / tr.dt_ms)
            np.testing.assert_allclose(inputs.data[tr.n_steps:2 * tr.n_steps], tr.inputs[1], atol=1e-6)
            assert all(c in inputs.description for c in tr.channels)

            gr = nwb.processing["attnsim"]["group_rates"]
            n_steps = act.rates.shape[1]
            assert gr.data.shape == (tr.n_trials * n_steps, len(act.groups))
            assert gr.unit == act.rate_unit and gr.rate == pytest.approx(1000.0 / act.dt_ms)
            assert gr.starting_time == 0.0
            last = list(act.groups)[-1]
            np.testing.assert_allclose(gr.data[-n_steps:, -1], act.group_rate(last)[-1], rtol=1e-6, atol=1e-6)
            assert all(g in gr.description for g in act.groups)

            assert str(act.rate_unit) in ("Hz", "a.u.")
            assert nwb.session_start_time.tzinfo is not None
            assert "nwb-test" in nwb.session_description
            assert "spiking_competition" in nwb.notes            # the resolved scenario's YAML
            assert "attnsim" in nwb.source_script
            if model == "rnn":
                assert nwb.units is None
                assert nwb.processing["attnsim"]["rates"].data.shape == (tr.n_trials * n_steps, act.rates.shape[2])


def test_identifier_is_stable_and_differs_between_models(exported, tmp_path):
    run_dir, paths = exported
    again = export_nwb(attnsim.open_run(run_dir), out_dir=str(tmp_path / "again"))
    ids = {}
    for p in list(paths.values()) + again:
        with pynwb.NWBHDF5IO(p, "r") as io:
            ids.setdefault(os.path.basename(p), set()).add(io.read().identifier)
    assert all(len(v) == 1 for v in ids.values())
    assert len({next(iter(v)) for v in ids.values()}) == 2


def test_cli_export_prints_paths(exported, tmp_path, capsys):
    run_dir, _ = exported
    out = tmp_path / "cli"
    assert main(["export", run_dir, "--nwb", "--out", str(out)]) == 0
    printed = capsys.readouterr().out.split()
    assert sorted(os.path.basename(p) for p in printed) == ["run_rnn.nwb", "run_spiking.nwb"]
    assert all(os.path.exists(p) and os.path.dirname(p) == str(out) for p in printed)


def test_cli_export_of_a_non_run_directory_fails_cleanly(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("not a run\n")
    assert main(["export", str(tmp_path), "--nwb"]) == 2
    err = capsys.readouterr().err
    assert "not a finished attnsim run directory" in err and "Traceback" not in err
    assert not (tmp_path / "nwb").exists()


def test_dual_report_targets_and_location_reports(tmp_path):
    """A two-location task (target (n, 2)) stores target_A/B, report_A/B, evidence_A/B; correct = both right."""
    n, steps = 4, 10
    epochs = {"cue": slice(0, 4), "stimulus": slice(4, 10), "response": slice(10, 10)}
    target = np.array([[0, 0], [1, 0], [0, 1], [1, 1]])
    reports = np.array([[0, 0], [1, 1], [0, 1], [-1, 1]])
    trials = Trials(dt_ms=2.0, inputs=np.zeros((n, steps, 4)), channels=("stim_A", "stim_B", "cue_A", "cue_B"),
                    target=target, epochs=epochs,
                    conditions={"condition": np.array(["divided", "focused_A", "focused_B", "divided"]),
                                "contrast": np.full(n, 0.4), "cued": np.array([-1, 0, 1, -1])})
    act = Activity(rates=np.random.default_rng(0).random((n, 5, 2)), dt_ms=4.0,
                   groups={"A": slice(0, 1), "B": slice(1, 2)}, selective_groups=("A", "B"),
                   choice=np.array([-1, 0, 1, 1]), reaction_time_ms=np.array([np.nan, 10.0, 12.0, 8.0]),
                   rate_unit="a.u.", location_reports=reports, location_evidence=np.linspace(-1, 1, 2 * n).reshape(n, 2))
    res = Result(scenario={"name": "dual"}, summary={"models": {"m": {"family": "f"}}, "seed": 1},
                 trials=trials, activities={"m": act})
    (path,) = export_nwb(res, out_dir=str(tmp_path))
    assert os.path.basename(path) == "dual_m.nwb"
    assert _critical(path) == []
    with pynwb.NWBHDF5IO(path, "r") as io:
        nwb = io.read()
        df = nwb.trials.to_dataframe()
        assert len(nwb.epochs) == n * 2                     # the empty response epoch is skipped
    np.testing.assert_array_equal(df["target_A"], target[:, 0])
    np.testing.assert_array_equal(df["target_B"], target[:, 1])
    np.testing.assert_array_equal(df["report_A"], reports[:, 0])
    np.testing.assert_array_equal(df["report_B"], reports[:, 1])
    np.testing.assert_allclose(df["evidence_B"], act.location_evidence[:, 1])
    np.testing.assert_array_equal(df["cued"], [-1, 0, 1, -1])
    assert list(df["correct"].astype(bool)) == [True, False, True, False]
    assert "target" not in df.columns


def test_a_sweep_run_directory_is_exported_point_by_point(tmp_path):
    import attnsim
    from tests.helpers.plugins import PLUGIN_SOURCE
    (tmp_path / "usermod.py").write_text(PLUGIN_SOURCE)
    scn = {"name": "sweep-nwb", "seed": 2, "plugin_path": [str(tmp_path)],
           "task": {"kind": "selective", "n_trials": 6, "dt": "5 ms",
                    "timing": {"fixation": "50 ms", "cue": "50 ms", "stimulus": "100 ms", "response": "50 ms"}},
           "models": [{"name": "echo", "family": "usermod:Echo"}], "analysis": ["accuracy"],
           "sweep": {"grid": {"models.0.params.gain": [1.0, 2.0]}}}
    res = attnsim.run(scn, out=str(tmp_path / "run"), workers=1)
    paths = export_nwb(attnsim.open_run(res.run_dir))
    assert [os.path.relpath(p, tmp_path / "run" / "nwb").split(os.sep)[0] for p in paths] == ["point_000", "point_001"]
    from pynwb import NWBHDF5IO
    for i, path in enumerate(paths):
        with NWBHDF5IO(path, "r") as io:
            f = io.read()
            rates = f.processing["attnsim"]["group_rates"].data[:]
            assert len(f.trials) == 6
            assert np.isclose(rates.max(), (i + 1) * res.point(i).trials.inputs[:, :, :2].max())


def test_a_sweep_or_an_in_memory_result_without_out_dir_is_refused():
    from attnsim.runner import RunError
    with pytest.raises(RunError, match="sweep"):
        export_nwb(Result(scenario={}, summary={"sweep": {}}, run_dir=None), out_dir="somewhere")
    trials = Trials(dt_ms=1.0, inputs=np.zeros((1, 2, 1)), channels=("x",), target=np.zeros(1, int),
                    epochs={}, conditions={"condition": np.array(["c"])})
    with pytest.raises(RunError, match="out_dir"):
        export_nwb(Result(scenario={}, summary={}, trials=trials))
