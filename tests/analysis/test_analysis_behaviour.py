"""Accuracy, choice probability, RT, rates and modulation index on constructed activity."""
import numpy as np
import pytest

from attnsim.models.activity import Activity
from attnsim.analysis.behaviour import accuracy, p_choice_A, reaction_time_ms
from attnsim.analysis.rates import modulation_index, rate_hz
from attnsim.tasks.selective import make_selective

TIMING = {"fixation": 100, "cue": 100, "stimulus": 200, "response": 100}


def _activity(rates, dt_ms, choice, rt=None):
    n = rates.shape[0]
    return Activity(rates=rates, dt_ms=dt_ms, groups={"A": slice(0, 2), "B": slice(2, 4)},
                    selective_groups=("A", "B"), choice=np.asarray(choice),
                    reaction_time_ms=np.full(n, np.nan) if rt is None else np.asarray(rt, float))


def test_accuracy_p_choice_and_rt():
    tr = make_selective(n_trials=12, dt_ms=1.0, timing_ms=TIMING, contrasts=[0.5],
                        conditions=["attend_A", "attend_B", "neutral"], seed=1)
    tgt = tr.target
    choice = tgt.copy()
    wrong = np.array([0, 5])
    choice[wrong] = 1 - tgt[wrong]
    choice[7] = -1                                     # undecided: counts as wrong
    rt = np.arange(12, dtype=float) * 10 + 100
    rt[3] = np.nan                                     # correct but no RT: left out of the mean
    act = _activity(np.zeros((12, 500, 4)), 1.0, choice, rt)
    acc = accuracy(tr, act)
    assert acc["all"] == pytest.approx(9 / 12)
    for label in ("attend_A", "attend_B", "neutral"):
        idx = np.flatnonzero(tr.conditions["condition"] == label)
        assert acc[label] == pytest.approx(np.mean(choice[idx] == tgt[idx]))
    assert p_choice_A(tr, act)["all"] == pytest.approx(np.sum(choice == 0) / 12)
    ok = (choice == tgt) & np.isfinite(rt)
    assert reaction_time_ms(tr, act)["all"] == pytest.approx(rt[ok].mean())
    # attend_A trials always have target A
    a = tr.conditions["condition"] == "attend_A"
    assert p_choice_A(tr, act)["attend_A"] == pytest.approx(np.mean(choice[a] == 0))


def test_rt_nan_when_no_correct_trial():
    tr = make_selective(n_trials=4, dt_ms=1.0, timing_ms=TIMING, contrasts=[0.5], conditions=["attend_A"])
    act = _activity(np.zeros((4, 500, 4)), 1.0, np.ones(4, int), np.full(4, 200.0))
    assert accuracy(tr, act)["all"] == 0.0
    assert np.isnan(reaction_time_ms(tr, act)["all"])


def _epoch_rates(tr, dt_ms, att_rate, unatt_rate, outside=99.0):
    """Rates at `dt_ms` (which may differ from the task's): att/unatt in the stimulus epoch, `outside` elsewhere."""
    n_steps = int(round(tr.n_steps * tr.dt_ms / dt_ms))
    rates = np.full((tr.n_trials, n_steps, 4), outside)
    t0, t1 = tr.epoch_ms("stimulus")
    s = slice(int(round(t0 / dt_ms)), int(round(t1 / dt_ms)))
    att = tr.attended_index()
    for i in range(tr.n_trials):
        a = att[i] if att[i] >= 0 else 0
        rates[i, s, 2 * a:2 * a + 2] = att_rate
        rates[i, s, 2 * (1 - a):2 * (1 - a) + 2] = unatt_rate
    return rates


def test_rate_hz_converts_epochs_by_time():
    tr = make_selective(n_trials=6, dt_ms=0.5, timing_ms=TIMING, contrasts=[0.5], conditions=["attend_A"])
    act = _activity(_epoch_rates(tr, 2.0, 30.0, 10.0), 2.0, np.zeros(6, int))   # coarser activity grid
    r = rate_hz(tr, act)
    assert r["attend_A"]["A"] == pytest.approx(30.0) and r["attend_A"]["B"] == pytest.approx(10.0)
    assert r["all"] == r["attend_A"]


def test_modulation_index_known_value():
    tr = make_selective(n_trials=12, dt_ms=1.0, timing_ms=TIMING, contrasts=[0.3, 0.6],
                        conditions=["attend_A", "attend_B", "neutral"])
    act = _activity(_epoch_rates(tr, 1.0, 30.0, 10.0), 1.0, np.zeros(12, int))
    mi = modulation_index(tr, act)
    for label in ("all", "attend_A", "attend_B", "attended", "attend_B@0.3", "attended@0.6"):
        assert mi[label] == pytest.approx(0.5)                       # (30 - 10) / (30 + 10)
    assert "neutral" not in mi and "neutral@0.3" not in mi           # nothing is cued there
    # ratio of means over trials: mixing MI 0.5 (30 vs 10) and 0 (20 vs 20) trials
    rates = act.rates.copy()
    b = np.flatnonzero(tr.conditions["condition"] == "attend_B")
    s = slice(200, 400)                                              # the stimulus epoch
    for i in b:
        rates[i, s, :] = 20.0
    act2 = _activity(rates, 1.0, np.zeros(12, int))
    assert modulation_index(tr, act2)["attended"] == pytest.approx((25 - 15) / (25 + 15))
    assert modulation_index(tr, act2)["attend_B"] == pytest.approx(0.0)


def test_rate_change_vs_neutral_matches_contrast_and_closed_form():
    from attnsim.analysis.rates import rate_change_vs_neutral
    from attnsim.analysis.windows import NotApplicable
    tr = make_selective(n_trials=36, dt_ms=1.0, timing_ms=TIMING, contrasts=[0.3, 0.6],
                        conditions=["attend_A", "attend_B", "neutral"], seed=3)
    cond, k = tr.conditions["condition"].astype(str), tr.conditions["contrast"]
    rates = np.zeros((36, 500, 4))
    s = slice(200, 400)
    # neutral: rate = 10 * contrast in every unit; attend_A: A x 1.2, B x 0.9 at the same contrast
    for i in range(36):
        base = 10.0 * k[i]
        rates[i, s, :] = base
        if cond[i] == "attend_A":
            rates[i, s, 0:2], rates[i, s, 2:4] = 1.2 * base, 0.9 * base
    ch = rate_change_vs_neutral(tr, _activity(rates, 1.0, np.zeros(36, int)))
    assert ch["attend_A"]["A"] == pytest.approx(0.2) and ch["attend_A"]["B"] == pytest.approx(-0.1)
    assert ch["attend_A@0.6"]["A"] == pytest.approx(0.2)
    assert ch["attend_B"]["A"] == pytest.approx(0.0) and "neutral" not in ch and "all" not in ch
    # without neutral trials there is no baseline
    tr2 = make_selective(n_trials=8, dt_ms=1.0, timing_ms=TIMING, contrasts=[0.5], conditions=["attend_A"])
    with pytest.raises(NotApplicable):
        rate_change_vs_neutral(tr2, _activity(np.zeros((8, 500, 4)), 1.0, np.zeros(8, int)))


def test_accuracy_on_dual_report_counts_each_location():
    from attnsim.models.activity import Activity
    from attnsim.analysis.behaviour import accuracy, p_choice_A
    from attnsim.analysis.windows import NotApplicable
    from attnsim.tasks.trials import CHANNELS, Trials

    target = np.array([[1, 0], [0, 0], [1, 1], [0, 1]])
    reports = np.array([[1, 0], [1, 0], [1, -1], [0, 1]])     # 1 + 0.5 + 0.5 + 1 correct fractions
    tr = Trials(dt_ms=1.0, inputs=np.zeros((4, 3, 4)), channels=CHANNELS, target=target,
                epochs={"stimulus": slice(0, 3)}, conditions={"condition": np.array(["divided"] * 4)})
    act = Activity(rates=np.zeros((4, 3, 2)), dt_ms=1.0, groups={"a": slice(0, 1), "b": slice(1, 2)},
                   selective_groups=("a", "b"), choice=np.full(4, -1), reaction_time_ms=np.full(4, np.nan),
                   location_reports=reports)
    assert accuracy(tr, act)["all"] == pytest.approx(0.75)
    with pytest.raises(NotApplicable):
        p_choice_A(tr, act)


def test_undecided_trials_are_counted_apart():
    """Undecided trials (choice -1) have no RT to average: they are a fraction of their own."""
    from attnsim.analysis.behaviour import undecided_fraction
    tr = make_selective(n_trials=12, dt_ms=1.0, timing_ms=TIMING, contrasts=[0.5],
                        conditions=["attend_A", "attend_B", "neutral"], seed=1)
    choice = tr.target.copy()
    choice[[2, 7, 9]] = -1
    rt = np.where(choice >= 0, 300.0, np.nan)
    act = _activity(np.zeros((12, 500, 4)), 1.0, choice, rt)
    und = undecided_fraction(tr, act)
    assert und["all"] == pytest.approx(3 / 12)
    for label in ("attend_A", "attend_B", "neutral"):
        idx = np.flatnonzero(tr.conditions["condition"] == label)
        assert und[label] == pytest.approx(np.mean(choice[idx] == -1))
    assert reaction_time_ms(tr, act)["all"] == pytest.approx(300.0)     # the RT mean leaves them out
