"""The attention circuit's figures (tuning, feature_gain, persistence): built from synthetic runs,
axes labelled, a model without the population gets the n/a panel, a non-feature run no figure."""
import numpy as np
import pytest
from matplotlib.figure import Figure

from attnsim.models.activity import DECISION, HIDDEN
from attnsim.plots.registry import draw, figures
from attnsim.registries import FIGURES
from attnsim.store import RunData
from attnsim.tasks.selective import make_selective
from tests.helpers.feature_ring import EPOCHS, DT_MS, feature_trials, in_epoch, ring_activity, single_design, von_mises

NAMES = ("tuning", "feature_gain", "persistence")
CUE_OFF = EPOCHS["cue"].stop * DT_MS


def _sensory(c, pref, t):
    stim = np.asarray(c["stim_dir"], float)[:, None]
    cue = np.asarray(c["cue_dir"], float)[:, None]
    gain = 1 + 0.3 * np.where(np.isfinite(cue), np.cos(np.deg2rad(cue - pref[None, :])), 0.0)
    r = (5.0 + 20.0 * von_mises(stim - pref[None, :])) * gain
    return r[:, None, :] * in_epoch(t, "stimulus")[None, :, None]


def _memory(held):
    def fn(c, pref, t):
        cue = np.asarray(c["cue_dir"], float)[:, None]
        tun = np.where(np.isfinite(cue), von_mises(cue - pref[None, :], 4.0), 0.0)[:, None, :]
        shape = 40.0 * in_epoch(t, "cue") + held * (t >= CUE_OFF)
        return 2.0 + tun * shape[None, :, None]
    return fn


def _ring(trials, held=20.0, seed=0):
    return ring_activity(trials, _sensory, extra={"wm_f": (_memory(held), HIDDEN)}, noise_hz=2.0, seed=seed)


def _run():
    trials = feature_trials(single_design(n_rep=2, neutral_rep=2))
    acts = {"circuit": _ring(trials), "decider": ring_activity(trials, _sensory, prefix="pool_", role=DECISION)}
    scenario = {"models": [{"name": "circuit", "family": "attention_circuit_rate", "params": {"w_plus": 1.8}},
                           {"name": "decider", "family": "x"}]}
    return RunData(scenario=scenario, trials=trials, activities=acts, families={"circuit": "x", "decider": "x"})


def _texts(fig):
    return " ".join(t.get_text() for ax in fig.axes for t in ax.texts)


@pytest.mark.parametrize("name", NAMES)
def test_figure_draws_with_labelled_axes_and_an_na_panel(name):
    assert name in FIGURES.bundled() and FIGURES.bundled()[name].meta["summary"]
    out = figures(name, _run(), {"models": {"circuit": {}, "decider": {}}})
    assert [stem for stem, _ in out] == [name]
    fig = out[0][1]
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    drawn = fig.axes[0]
    assert drawn.get_xlabel() and drawn.get_ylabel() and drawn.lines
    assert "n/a" in _texts(fig) and "no" in _texts(fig)              # the decision pools' panel says why


def test_persistence_labels_w_plus_and_draws_to_files(tmp_path):
    out = figures("persistence", _run(), {"models": {"circuit": {}}})
    labels = out[0][1].axes[0].get_legend_handles_labels()[1]
    assert any("w+ = 1.8" in s for s in labels)
    files = draw("tuning", _run(), {"models": {"circuit": {}}}, str(tmp_path))
    assert sorted(p.rsplit("/", 1)[-1] for p in files) == ["tuning.png", "tuning.svg"]


def test_figures_do_not_apply_to_other_tasks():
    trials = make_selective(n_trials=8, dt_ms=5.0, timing_ms={"fixation": 50, "cue": 50, "stimulus": 100,
                                                               "response": 50},
                            contrasts=[0.5], conditions=["attend_A", "attend_B"], seed=1)
    act = ring_activity(feature_trials(single_design(n_rep=1)), _sensory)
    run = RunData(trials=trials, activities={"m": act}, families={"m": "x"})
    for name in NAMES:
        assert figures(name, run, {"models": {"m": {}}}) == []


class _Sweep:
    """A sweep Result's surface: no trials, the summary's points, point(i) -> that point's run."""

    def __init__(self, runs):
        self.trials = None
        self._runs = runs

    def point(self, i):
        return self._runs[i]


def test_persistence_of_a_sweep_draws_one_line_per_w_plus():
    trials = feature_trials(single_design(n_rep=1, neutral_rep=2))
    values, runs = [], []
    for w, held in ((1.5, 0.0), (1.9, 20.0)):
        for seed in (1, 2):
            values.append(({"models.0.params.w_plus": w}, seed))
            runs.append(RunData(trials=trials, activities={"circuit": _ring(trials, held, seed)},
                                families={"circuit": "x"}))
    summary = {"models": {"circuit": {}},
               "sweep": {"grid": {"models.0.params.w_plus": [1.5, 1.9]}, "seeds": [1, 2],
                         "points": [{"index": i, "values": v, "seed": s, "models": {"circuit": {}}}
                                    for i, (v, s) in enumerate(values)]}}
    out = figures("persistence", _Sweep(runs), summary)
    ax = out[0][1].axes[0]
    labels = ax.get_legend_handles_labels()[1]
    assert labels == ["w+ = 1.5 (2 seeds)", "w+ = 1.9 (2 seeds)"]
    assert ax.get_xlabel() == "time (ms)" and ax.get_ylabel()
    held_line = ax.lines[[ln.get_label() for ln in ax.lines].index(labels[1])].get_ydata()
    decayed_line = ax.lines[[ln.get_label() for ln in ax.lines].index(labels[0])].get_ydata()
    end = int(EPOCHS["delay"].stop * DT_MS / 10.0) - 2                  # 10 ms bins, near the delay's end
    assert held_line[end] > 15.0 and abs(decayed_line[end]) < 3.0


def test_a_sweep_without_its_points_gets_no_figure():
    class InMemory(_Sweep):
        def point(self, i):
            raise ValueError("point(): a sweep run in memory keeps only its summary")

    summary = {"models": {"circuit": {}}, "sweep": {"grid": {"models.0.params.w_plus": [1.5]}, "seeds": [1],
                                                    "points": [{"index": 0, "values": {"models.0.params.w_plus": 1.5},
                                                                "seed": 1, "models": {"circuit": {}}}]}}
    assert figures("persistence", InMemory([]), summary) == []
