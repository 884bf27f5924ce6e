"""The modulation, comparison and rates figures read the sensory population (issue 19: decisions
read as sensory responses). Before, they read `Activity.selective_groups`: an ANN's softmax
outputs at p = 0.95 drew a modulation index of 0.9, a decision circuit's winner-take-all pools
drew as 'attentional modulation'."""
import numpy as np
import pytest

from attnsim.models.activity import Activity
from attnsim.plots.registry import figures
from attnsim.store import RunData
from attnsim.tasks.selective import make_selective

TIMING = {"fixation": 100, "cue": 100, "stimulus": 300, "response": 100}
GAIN = 0.2


def _trials(n=240):
    return make_selective(n_trials=n, dt_ms=5.0, timing_ms=TIMING, contrasts=[0.5],
                          conditions=["attend_A", "attend_B", "neutral"], seed=2)


def _ann(tr, signed=False, seed=0, n_pref=8):
    """Hidden units: n_pref prefer A, n_pref prefer B, gain 1 + GAIN on the cued location's units;
    softmax outputs at p = 0.95 for the target. signed: h = 2 r - 1 (tanh range)."""
    rng = np.random.default_rng(seed)
    s = tr.epochs["stimulus"]
    ch = list(tr.channels)
    sa = tr.inputs[:, s, ch.index("stim_A")].mean(axis=1)
    sb = tr.inputs[:, s, ch.index("stim_B")].mean(axis=1)
    att = tr.attended_index()
    hidden = np.full((tr.n_trials, tr.n_steps, 2 * n_pref), 0.05)
    for i in range(tr.n_trials):
        hidden[i, s, :n_pref] = 0.6 * sa[i] * (1 + GAIN * (att[i] == 0))
        hidden[i, s, n_pref:] = 0.6 * sb[i] * (1 + GAIN * (att[i] == 1))
    hidden += rng.normal(0, 0.01, hidden.shape)
    if signed:
        hidden = 2 * hidden - 1
    out = np.full((tr.n_trials, tr.n_steps, 2), 0.5)
    tgt = np.asarray(tr.target)
    out[np.arange(tr.n_trials), :, tgt] = 0.95
    out[np.arange(tr.n_trials), :, 1 - tgt] = 0.05
    n_h = 2 * n_pref
    groups = {"hidden": slice(0, n_h), "out_A": slice(n_h, n_h + 1), "out_B": slice(n_h + 1, n_h + 2)}
    return Activity(rates=np.concatenate([hidden, out], axis=2), dt_ms=5.0, groups=groups,
                    selective_groups=("out_A", "out_B"), choice=tgt.copy(),
                    reaction_time_ms=np.full(tr.n_trials, np.nan), rate_unit="a.u.",
                    roles={"hidden": "hidden", "out_A": "decision", "out_B": "decision"})


def _decision(tr):
    """Winner-take-all decision pools: the cued pool at 40, the other at 2 (a decision circuit)."""
    att = tr.attended_index()
    rates = np.full((tr.n_trials, tr.n_steps, 2), 2.0)
    s = tr.epochs["stimulus"]
    for k in (0, 1):
        rates[att == k, s, k] = 40.0
    return Activity(rates=rates, dt_ms=5.0, groups={"pool_A": slice(0, 1), "pool_B": slice(1, 2)},
                    selective_groups=("pool_A", "pool_B"), choice=np.clip(att, 0, 1),
                    reaction_time_ms=np.full(tr.n_trials, 200.0), roles={"pool_A": "decision", "pool_B": "decision"})


def _run(acts, tr):
    return RunData(trials=tr, activities=acts, families={k: "x" for k in acts}, capabilities={k: frozenset() for k in acts})


# the stimulus-epoch gain is GAIN on the stimulus part of the window; baseline 0.05 elsewhere is outside the epoch
EXPECTED_MI = GAIN / (2 + GAIN)


@pytest.mark.parametrize("signed", [False, True], ids=["rates", "tanh-range"])
def test_modulation_figure_draws_the_hidden_units_not_the_softmax(signed):
    tr = _trials()
    acts = {"ann": _ann(tr, signed=signed), "wta": _decision(tr)}
    [(stem, fig)] = figures("modulation", _run(acts, tr), {"models": {k: {} for k in acts}})
    ax = fig.axes[0]
    mi = [float(np.asarray(line.get_ydata()).mean()) for line in ax.lines if str(line.get_label()).startswith("ann")]
    if not mi:      # one contrast: drawn as a horizontal line with a band
        mi = [float(line.get_ydata()[0]) for line in ax.lines if line.get_linestyle() == ":"]
    assert mi, [line.get_label() for line in ax.lines]
    # signed: the logistic rate (1 + h) / 2 of h = 2 r - 1 is r itself, so the same index
    assert mi[0] == pytest.approx(EXPECTED_MI, abs=0.01)
    assert mi[0] < 0.5                                         # the softmax read 0.9
    assert "no sensory population: wta" in ax.get_title()
    assert not any(str(line.get_label()).startswith("wta") for line in ax.lines)


def test_comparison_modulation_panel_reads_the_sensory_population():
    tr = _trials()
    acts = {"ann": _ann(tr), "wta": _decision(tr)}
    [(_, fig)] = figures("comparison", _run(acts, tr), {"models": {k: {} for k in acts}})
    ax = fig.axes[1]
    heights = {}
    for cont in ax.containers:
        if hasattr(cont, "patches"):
            label = cont.get_label()
            heights[label] = [p.get_height() for p in cont.patches]
    att = next(v for k, v in heights.items() if k.startswith("attend_A"))
    assert att[0] == pytest.approx(EXPECTED_MI, abs=0.02)        # ann: hidden units
    assert np.isnan(att[1])                                       # wta: no sensory population, no bar


def test_rates_figure_labels_the_population_it_draws():
    tr = _trials(n=120)
    acts = {"ann": _ann(tr), "wta": _decision(tr)}
    [(_, fig)] = figures("rates", _run(acts, tr), {"models": {k: {} for k in acts}})
    labels = [ax.get_ylabel() for ax in fig.axes if ax.get_ylabel()]
    assert any(lab.startswith("ann (sensory)") for lab in labels)
    assert any(lab.startswith("wta (decision / readout)") for lab in labels)
    legend = {t.get_text() for ax in fig.axes if ax.get_legend() for t in ax.get_legend().get_texts()}
    assert {"prefers_A", "prefers_B"} <= legend and "out_A" not in legend


def test_modulation_names_why_a_model_is_not_drawn():
    tr = _trials()
    unbounded = _ann(tr)
    unbounded.rates[:, :, :16] = 4.0 * unbounded.rates[:, :, :16] - 2.0     # signed beyond [-1, 1]: no rate
    acts = {"ann": _ann(tr), "wta": _decision(tr), "big": unbounded}
    [(_, fig)] = figures("modulation", _run(acts, tr), {"models": {k: {} for k in acts}})
    title = fig.axes[0].get_title()
    assert "no sensory population: wta" in title and "signed activity, no rate: big" in title


def test_psychometric_draws_nothing_without_one_choice_per_trial():
    """dual_report: a yes/no report per location and no single choice. The figure was drawn empty
    (axes, no data, matplotlib's 'no artists with labels' warning); now it is left out."""
    from attnsim.tasks.dual_report import make_dual_report
    tr = make_dual_report(n_trials=24, dt_ms=5.0, timing_ms=TIMING, contrasts=[0.2],
                          conditions=["focused_A", "focused_B", "divided"], cue_strength=0.25,
                          distractor_ratio=0.5, seed=0)
    act = Activity(rates=np.ones((tr.n_trials, tr.n_steps, 2)), dt_ms=5.0,
                   groups={"pool_A": slice(0, 1), "pool_B": slice(1, 2)}, selective_groups=("pool_A", "pool_B"),
                   choice=np.full(tr.n_trials, -1), reaction_time_ms=np.full(tr.n_trials, np.nan),
                   roles={"pool_A": "decision", "pool_B": "decision"},
                   location_reports=np.zeros((tr.n_trials, 2), int), location_evidence=np.zeros((tr.n_trials, 2)))
    assert figures("psychometric", _run({"m": act}, tr), {"models": {"m": {}}}) == []
