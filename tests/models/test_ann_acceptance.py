"""Acceptance of the five artificial families on the default selective task (slow).

Default task: fixation 300, cue 200, stimulus 500, response 200 ms at 1 ms,
contrasts 0.1/0.3/0.5, attend_A/attend_B/neutral. Each family, with its default
parameters, must choose the attended stimulus on >= 90 % of held-out attend
trials at the highest contrast (choice from the threshold readout, as run()
reports it).
"""
import numpy as np
import pytest

from attnsim.models.ann.families import DotProductAttentionModel, EIRNNModel, GRUModel, LSTMModel, RNNModel
from attnsim.tasks.selective import make_selective

TIMING = dict(fixation=300, cue=200, stimulus=500, response=200)
CONTRASTS = [0.1, 0.3, 0.5]
CONDITIONS = ["attend_A", "attend_B", "neutral"]


def sample_batch(n, rng):
    tr = make_selective(n_trials=n, dt_ms=1.0, timing_ms=TIMING, contrasts=CONTRASTS, conditions=CONDITIONS,
                        seed=int(rng.integers(2**31)))
    return tr.inputs, tr.target, tr.loss_mask()


@pytest.mark.slow
@pytest.mark.parametrize("cls", [DotProductAttentionModel, RNNModel, GRUModel, LSTMModel, EIRNNModel],
                         ids=lambda c: c.family)
def test_family_learns_default_selective_task(cls):
    test = make_selective(n_trials=300, dt_ms=1.0, timing_ms=TIMING, contrasts=CONTRASTS,
                          conditions=CONDITIONS, seed=12345)
    model = cls()
    hist = model.fit(sample_batch, 1.0, test.channels, seed=1)
    assert hist["reached_target"]
    act = model.run(test.inputs, test.dt_ms, test.channels, seed=0)
    cond, contrast = test.conditions["condition"], test.conditions["contrast"]
    sel = (cond != "neutral") & (contrast == 0.5)
    assert np.mean(act.choice[sel] == test.target[sel]) >= 0.9
