"""Figures in the registry: every bundled one has a summary, `figures()` returns Figure objects
without writing files, importing the package leaves the matplotlib backend alone, outside
figures ('module:func') work through search_path, and capabilities decide which models draw."""
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from matplotlib.figure import Figure

from attnsim.models.activity import Activity
from attnsim.plots.registry import draw, figures
from attnsim.registries import FIGURES, PluginError
from attnsim.store import RunData
from attnsim.tasks.selective import make_selective

BUNDLED = ("raster", "rates", "modulation", "psychometric", "comparison", "training", "layer_rates",
           "layer_modulation")


def _run(capabilities, training=None):
    trials = make_selective(n_trials=12, dt_ms=5.0,
                            timing_ms={"fixation": 50, "cue": 50, "stimulus": 100, "response": 50},
                            contrasts=[0.3, 0.6], conditions=["attend_A", "attend_B", "neutral"], seed=1)
    rng = np.random.default_rng(0)
    n, steps = trials.n_trials, trials.n_steps
    spikes = {g: [(rng.integers(0, 4, k), rng.uniform(0, 250, k)) for k in rng.poisson(20, n)] for g in "AB"}
    act = Activity(rates=rng.poisson(10.0, size=(n, steps, 2)).astype(float), dt_ms=5.0,
                   groups={"A": slice(0, 1), "B": slice(1, 2)}, selective_groups=("A", "B"),
                   choice=np.where(rng.random(n) < 0.8, trials.target, 1 - trials.target),
                   reaction_time_ms=rng.uniform(100, 200, n), spikes=spikes, group_sizes={"A": 4, "B": 4},
                   roles={"A": "sensory", "B": "sensory"})     # the modulation figure reads sensory pairs only
    names = list(capabilities)
    return RunData(trials=trials, activities={k: act for k in names}, families={k: "not_a_family" for k in names},
                   capabilities=capabilities, training=training or {})


def test_every_bundled_figure_is_registered_with_a_summary():
    bundled = FIGURES.bundled()
    assert set(BUNDLED) <= set(bundled)
    for name, entry in bundled.items():
        assert callable(entry.obj) and entry.origin == "bundled"
        assert isinstance(entry.meta.get("summary"), str) and entry.meta["summary"], name
        assert entry.obj.__module__.startswith("attnsim.plots."), name


def test_figures_returns_figures_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    curves = {"loss": [1.0, 0.5, 0.25], "accuracy": [0.5, 0.7, 0.9]}
    run = _run({"snn": frozenset({"spiking"}), "rnn": frozenset({"trainable"})}, training={"rnn": curves})
    summary = {"models": {"snn": {"metrics": {}}, "rnn": {"metrics": {}}}}
    stems = {}
    for name in ("raster", "rates", "modulation", "psychometric", "comparison", "training"):
        out = figures(name, run, summary)
        assert out and all(isinstance(s, str) and isinstance(f, Figure) for s, f in out), name
        stems[name] = [s for s, _ in out]
    assert stems["raster"] == ["raster_snn"]          # the trainable model is not spiking
    assert stems["training"] == ["training"]
    [(_, fig)] = figures("training", run, summary)
    assert [line.get_label() for ax in fig.axes for line in ax.lines] == ["rnn", "rnn"]   # only rnn has curves
    np.testing.assert_array_equal(fig.axes[0].lines[0].get_ydata(), curves["loss"])
    assert os.listdir(tmp_path) == []


def test_training_and_raster_need_their_capability():
    curves = {"loss": [1.0, 0.5], "accuracy": [0.5, 0.6]}
    run = _run({"m": frozenset()}, training={"m": curves})   # has spikes and curves, declares neither
    summary = {"models": {"m": {"metrics": {}}}}
    assert figures("raster", run, summary) == []
    assert figures("training", run, summary) == []


def test_a_model_without_layered_gets_no_layer_figure():
    run = _run({"snn": frozenset({"spiking", "trainable"})})
    metrics = {"rate_hz": {"neutral": {"A": 1.0}}, "rate_change_vs_neutral": {"attend_A": {"A": 0.1}}}
    summary = {"models": {"snn": {"metrics": metrics}}}
    assert figures("layer_rates", run, summary) == []
    assert figures("layer_modulation", run, summary) == []


def test_importing_the_plots_leaves_the_backend_alone():
    code = ("import matplotlib; matplotlib.use('svg'); "
            "import attnsim.plots, attnsim.plots.registry; from attnsim.registries import FIGURES; "
            "FIGURES.bundled(); import sys; print(matplotlib.get_backend(), 'matplotlib.pyplot' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["svg", "False"]


_OUTSIDE = """
    from matplotlib.figure import Figure

    def mean_rate(run, summary):
        out = []
        for name, act in run.activities.items():
            fig = Figure()
            fig.subplots().plot(act.rates.mean(axis=(0, 2)))
            out.append((f"mean_rate_{name}", fig))
        return out

    def not_figures(run, summary):
        return ["oops"]
"""


def test_outside_figure_through_search_path(tmp_path):
    (tmp_path / "my_figures_mod.py").write_text(textwrap.dedent(_OUTSIDE))
    run = _run({"m": frozenset()})
    summary = {"models": {"m": {"metrics": {}}}}
    out = figures("my_figures_mod:mean_rate", run, summary, search_path=(str(tmp_path),))
    assert [s for s, _ in out] == ["mean_rate_m"] and isinstance(out[0][1], Figure)
    out_dir = tmp_path / "figs"
    out_dir.mkdir()
    files = draw("my_figures_mod:mean_rate", run, summary, str(out_dir), search_path=(str(tmp_path),))
    assert sorted(os.path.basename(f) for f in files) == ["mean_rate_m.png", "mean_rate_m.svg"]
    assert all(os.path.getsize(f) > 0 for f in files)
    with pytest.raises(PluginError, match="not_figures.*expected a list of"):
        figures("my_figures_mod:not_figures", run, summary, search_path=(str(tmp_path),))
    with pytest.raises(PluginError, match="unknown figure 'nonsense'"):
        figures("nonsense", run, summary)
