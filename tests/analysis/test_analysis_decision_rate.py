"""decision_rate: fraction of trials with a choice, on synthetic choices with a known answer."""
import numpy as np
import pytest

from attnsim.analysis.decision_rate import decision_rate
from attnsim.analysis.windows import NotApplicable
from attnsim.models.activity import Activity
from attnsim.registries import METRICS
from attnsim.tasks import build_trials, task_spec


def _trials(n=60):
    spec = task_spec({"kind": "selective", "n_trials": n, "contrasts": [0.5],
                      "timing": {"fixation": "10 ms", "cue": "10 ms", "stimulus": "20 ms", "response": "10 ms"}})
    return build_trials(spec, seed=1)


def _activity(trials, choice):
    n, steps = trials.n_trials, trials.inputs.shape[1]
    return Activity(rates=np.zeros((n, steps, 2)), dt_ms=trials.dt_ms, groups={"A": slice(0, 1), "B": slice(1, 2)},
                    selective_groups=("A", "B"), choice=np.asarray(choice), reaction_time_ms=np.full(n, np.nan))


def test_known_fractions_per_condition():
    trials = _trials()
    cond = trials.conditions["condition"]
    # undecided on every neutral trial and on every second attend_A trial
    choice = np.zeros(trials.n_trials, dtype=int)
    choice[cond == "neutral"] = -1
    a = np.flatnonzero(cond == "attend_A")
    choice[a[::2]] = -1
    out = decision_rate(trials, _activity(trials, choice))
    assert out["neutral"] == 0.0
    assert out["attend_B"] == 1.0
    assert out["attend_A"] == pytest.approx(1 - len(a[::2]) / len(a))
    assert out["all"] == pytest.approx(np.mean(choice >= 0))


def test_registered_and_refuses_dual_report():
    assert METRICS.get("decision_rate").obj is decision_rate
    spec = task_spec({"kind": "dual_report", "n_trials": 12,
                      "timing": {"fixation": "10 ms", "cue": "10 ms", "stimulus": "20 ms", "response": "10 ms"}})
    trials = build_trials(spec, seed=0)
    with pytest.raises(NotApplicable):
        decision_rate(trials, _activity(trials, np.zeros(trials.n_trials, dtype=int)))
