"""The names trials are written with are the vocabulary's (attnsim.tasks.vocabulary): every
bundled task's channels, conditions and label keys are named there, and the cue and stimulus of
a location land on the channels of that name. The plain-value makers (make_selective, ...) are
the task's Spec and build, not a second list of parameters."""
import numpy as np
import pytest

from attnsim.registries import TASKS
from attnsim.tasks import build_trials, n_cells, task_spec
from attnsim.tasks import vocabulary as V
from attnsim.tasks.discrimination import make_discrimination
from attnsim.tasks.divided import make_divided
from attnsim.tasks.dual_report import make_dual_report
from attnsim.tasks.selective import make_selective
from attnsim.tasks.spontaneous import make_spontaneous
from attnsim.tasks.sustained import make_sustained

LABEL_KEYS = {V.CONDITION, V.CONTRAST, V.COHERENCE, V.VALID, V.CUED_LOCATION, V.CUE_DIR, V.STIM_DIR, V.PAIR_DIR,
              V.CUE_OFFSET}
NAMED_CONDITIONS = {V.ATTEND_A, V.ATTEND_B, V.NEUTRAL, V.FOCUSED_A, V.FOCUSED_B, V.DIVIDED, V.SPONTANEOUS,
                    V.ATTEND_FEATURE}


def _blocks():
    for name in TASKS.bundled():
        yield name, {"kind": name}
    yield "selective", {"kind": "selective", "coherence": [0.0, 0.2]}


@pytest.mark.parametrize("name, block", list(_blocks()))
def test_every_task_writes_the_vocabularys_channels_conditions_and_label_keys(name, block):
    spec = task_spec(block)
    tr = build_trials(spec, seed=1, n_trials=2 * n_cells(spec))
    if name == "feature":   # a ring of directions: stim_f<k> then cue_f<k>
        assert tr.channels == sum(V.feature_channels(spec.n_features), ())
    else:
        assert tr.channels == V.CHANNELS
    assert V.CONDITION in tr.conditions and set(tr.conditions) <= LABEL_KEYS, set(tr.conditions) - LABEL_KEYS
    conds = set(tr.conditions[V.CONDITION].tolist())
    if name == "discrimination":
        assert conds == {V.coherence_label(c) for c in spec.coherences}
    else:
        assert conds <= NAMED_CONDITIONS, conds - NAMED_CONDITIONS


def test_a_cue_and_a_stimulus_land_on_the_channels_named_for_their_location():
    tr = make_selective(n_trials=12, dt_ms=1.0, timing_ms={"fixation": 5, "cue": 5, "stimulus": 10, "response": 5},
                        contrasts=[0.8], distractor_ratio=0.25, conditions=[V.ATTEND_A, V.ATTEND_B])
    stim = tr.epochs["stimulus"].start
    for i, cond in enumerate(tr.conditions[V.CONDITION]):
        loc = V.CUED.index(cond)
        x = dict(zip(tr.channels, tr.inputs[i, stim]))
        assert x[V.CUE[loc]] == 1.0 and x[V.CUE[1 - loc]] == 0.0
        assert x[V.STIM[loc]] == 0.8 and x[V.STIM[1 - loc]] == 0.2
    np.testing.assert_array_equal(tr.attended_index(), [V.CUED.index(c) for c in tr.conditions[V.CONDITION]])


TIMING = {"fixation": 10, "cue": 10, "stimulus": 20, "response": 10}
MAKERS = [  # (maker, its task's block with the same values, keyword values beyond the timing)
    (make_selective, "selective", {"contrasts": [0.2, 0.6], "neutral_ratio": 0.3}),
    (make_selective, "selective", {"coherence": [0.1], "mean_level": 0.4}),
    (make_divided, "divided", {"contrasts": [0.4], "cue_validity": 0.6}),
    (make_dual_report, "dual_report", {"contrasts": [0.4], "distractor_ratio": 0.1}),
    (make_sustained, "sustained", {"contrasts": [0.4]}),
]


@pytest.mark.parametrize("maker, kind, values", MAKERS)
def test_a_maker_gives_the_trials_of_its_task_block_with_the_specs_defaults(maker, kind, values):
    timing = {**TIMING, "delay": 10} if kind == "sustained" else TIMING
    made = maker(n_trials=24, dt_ms=2.0, timing_ms=timing, seed=5, **values)
    built = build_trials(task_spec({"kind": kind, "dt": 2.0, "timing": timing, **values}), seed=5, n_trials=24)
    np.testing.assert_array_equal(made.inputs, built.inputs)
    np.testing.assert_array_equal(made.target, built.target)
    assert made.epochs == built.epochs and made.dt_ms == built.dt_ms == 2.0


def test_the_makers_validate_with_the_spec():
    with pytest.raises(ValueError, match="less than or equal to 1"):
        make_selective(n_trials=4, dt_ms=1.0, timing_ms=TIMING, contrasts=[1.5])
    with pytest.raises(ValueError, match="not with coherence"):
        make_selective(n_trials=4, dt_ms=1.0, timing_ms=TIMING, contrasts=[0.5], coherence=[0.1])
    with pytest.raises(ValueError, match="cue_validity"):
        make_dual_report(n_trials=4, dt_ms=1.0, timing_ms=TIMING, cue_validity=0.5)   # not a dual_report key
    with pytest.raises(ValueError, match="timing.stimulus"):
        make_discrimination(n_trials=4, dt_ms=4.0, timing_ms={"fixation": 8, "stimulus": 10, "response": 0})
    assert make_spontaneous(n_trials=2, dt_ms=1.0, timing_ms={"transient": 3, "measure": 4}).n_steps == 7
