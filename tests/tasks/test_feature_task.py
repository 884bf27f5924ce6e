"""The feature task (sim/tasks/feature.py): directions on a ring of von Mises channels, a cue that
is gone before the stimulus when there is a delay, conditions and targets that follow from the
directions, the same trials from the same seed, and bad keys refused at the key."""
import math

import numpy as np
import pytest
from pydantic import ValidationError

from attnsim import ScenarioError, load_scenario
from attnsim.tasks import build_trials, n_cells, task_spec
from attnsim.tasks import vocabulary as V
from attnsim.tasks.feature import make_feature
from attnsim.tasks.sustained import make_sustained

TIMING = {"fixation": 10, "cue": 10, "delay": 20, "stimulus": 20, "response": 10}


def _trials(seed=0, n_trials=80, **keys):
    return make_feature(n_trials=n_trials, dt_ms=1.0, timing_ms={**TIMING, **keys.pop("timing", {})}, seed=seed,
                        **keys)


def _ring(tr):
    stim, cue = V.ring_indices(tr.channels)
    return stim, cue


def test_channels_are_the_ring_of_the_vocabulary_and_profiles_peak_at_the_direction():
    tr = _trials(n_features=8, kappa=3.0, contrasts=[0.6], cue_level=0.9, cued_fraction=1.0)
    stim_ch, cue_ch = V.feature_channels(8)
    assert tr.channels == stim_ch + cue_ch
    stim, cue = _ring(tr)
    s, c = tr.epochs["stimulus"].start, tr.epochs["cue"].start
    for i in range(tr.n_trials):
        x_stim, x_cue = tr.inputs[i, s, stim], tr.inputs[i, c, cue]
        # the channel preferring the direction carries the level; the others the von Mises fall-off
        k = int(round(tr.conditions[V.STIM_DIR][i] / 45.0)) % 8
        assert x_stim[k] == pytest.approx(0.6)
        pref = np.deg2rad(45.0 * np.arange(8))
        theta = np.deg2rad(tr.conditions[V.STIM_DIR][i])
        np.testing.assert_allclose(x_stim, 0.6 * np.exp(3.0 * (np.cos(pref - theta) - 1.0)))
        kc = int(round(tr.conditions[V.CUE_DIR][i] / 45.0)) % 8
        assert x_cue[kc] == pytest.approx(0.9) and x_cue.max() == pytest.approx(0.9)


def test_a_pair_is_the_sum_of_two_profiles_clipped_to_one():
    tr = _trials(contrasts=[0.7], pair=True, pair_separation_deg=45.0, kappa=0.5, cue_offsets_deg=[0.0])
    stim, _ = _ring(tr)
    s = tr.epochs["stimulus"].start
    assert np.isfinite(tr.conditions[V.PAIR_DIR]).all()
    for i in range(tr.n_trials):
        one = V.von_mises_profile(tr.conditions[V.STIM_DIR][i], 8, 0.5, 0.7)
        two = V.von_mises_profile(tr.conditions[V.PAIR_DIR][i], 8, 0.5, 0.7)
        np.testing.assert_allclose(tr.inputs[i, s, stim], np.minimum(one + two, 1.0))
        assert tr.inputs[i, s, stim].max() == 1.0            # 0.7 + 0.7 cos-falloff at 45 deg > 1: clipped
        assert tr.conditions[V.PAIR_DIR][i] == (tr.conditions[V.STIM_DIR][i] + 45.0) % 360.0


def test_with_a_delay_the_cue_is_gone_before_the_stimulus():
    tr = _trials(cued_fraction=1.0)
    stim, cue = _ring(tr)
    ep = tr.epochs
    assert list(ep) == ["fixation", "cue", "delay", "stimulus", "response"]
    assert (tr.inputs[:, ep["cue"]][:, :, cue] > 0).any(axis=2).all()            # on through the cue epoch
    for name in ("fixation", "delay", "stimulus", "response"):
        assert not tr.inputs[:, ep[name]][:, :, cue].any(), name
    assert not tr.inputs[:, :ep["stimulus"].start][:, :, stim].any()
    assert (tr.inputs[:, ep["stimulus"]][:, :, stim] > 0).any(axis=2).all()


def test_without_a_delay_the_cue_may_stay_on_and_a_persisting_cue_with_a_delay_is_refused():
    tr = _trials(cued_fraction=1.0, cue_persists=True, timing={"delay": 0})
    _, cue = _ring(tr)
    assert "delay" in tr.epochs and tr.epochs["delay"].stop == tr.epochs["delay"].start
    on = (tr.inputs[:, :, cue] > 0).any(axis=(0, 2))
    assert on[tr.epochs["cue"].start:tr.epochs["stimulus"].stop].all() and not on[tr.epochs["response"]].any()
    with pytest.raises(ValidationError, match="cue_persists"):
        _trials(cue_persists=True)


def test_conditions_and_targets_follow_from_the_directions():
    tr = _trials(n_trials=300, cued_fraction=0.6, pair=0.5, contrasts=[0.2, 0.5],
                 cue_offsets_deg=[0.0, 45.0, 90.0, 180.0], pair_separation_deg=90.0)
    c = tr.conditions
    cond, stim, cue, pair, off = c[V.CONDITION], c[V.STIM_DIR], c[V.CUE_DIR], c[V.PAIR_DIR], c[V.CUE_OFFSET]
    cued = cond == V.ATTEND_FEATURE
    assert set(cond.tolist()) == {V.ATTEND_FEATURE, V.NEUTRAL} and cued.sum() == 180
    assert np.isnan(cue[~cued]).all() and np.isnan(off[~cued]).all() and not np.isnan(cue[cued]).any()
    np.testing.assert_allclose(cue[cued], (stim[cued] + off[cued]) % 360.0)
    assert np.isfinite(pair).sum() == 150
    assert set(stim.tolist()) <= set(45.0 * np.arange(8))
    # by hand: match (0) when the cue names a direction shown, on pair trials either one
    for i in range(tr.n_trials):
        if cued[i]:
            shown = {stim[i]} | ({pair[i]} if np.isfinite(pair[i]) else set())
            expect = 0 if cue[i] in shown else 1
        else:
            expect = 0 if stim[i] < 180.0 else 1
        assert tr.target[i] == expect, (i, cond[i], stim[i], cue[i], pair[i])
    # a pair trial cued at the second direction (offset 90 = the separation) is a match, a single one is not
    at_pair = cued & (off == 90.0)
    assert (tr.target[at_pair & np.isfinite(pair)] == 0).all() and (tr.target[at_pair & np.isnan(pair)] == 1).all()


def test_a_cue_between_channels_matches_within_half_a_spacing():
    tr = _trials(n_trials=40, cued_fraction=1.0, cue_offsets_deg=[20.0, 25.0, -20.0, 340.0])
    off, t = tr.conditions[V.CUE_OFFSET], tr.target
    assert (t[np.isin(off, [20.0, -20.0, 340.0])] == 0).all() and (t[off == 25.0] == 1).all()
    with pytest.raises(ValidationError, match="half a channel spacing"):
        _trials(cue_offsets_deg=[22.5])


def test_cells_are_balanced_and_n_cells_trials_show_every_label():
    tr = _trials(n_trials=200, cued_fraction=0.8, contrasts=[0.1, 0.3], cue_offsets_deg=[0.0, 90.0])
    c = tr.conditions
    cued = c[V.CONDITION] == V.ATTEND_FEATURE
    for k in (0.1, 0.3):
        for off in (0.0, 90.0):
            assert np.sum(cued & (c[V.CONTRAST] == k) & (c[V.CUE_OFFSET] == off)) == 40
        assert np.sum(~cued & (c[V.CONTRAST] == k)) == 20
    spec = task_spec({"kind": "feature", "contrasts": [0.1, 0.2, 0.3, 0.4, 0.5], "cued_fraction": 0.9})
    small = build_trials(spec, seed=3, n_trials=n_cells(spec))
    seen = set(zip(small.conditions[V.CONDITION].tolist(), small.conditions[V.CONTRAST].tolist()))
    assert seen == {(cond, k) for cond in (V.ATTEND_FEATURE, V.NEUTRAL) for k in spec.contrasts}


def test_the_same_seed_gives_the_same_trials_and_another_seed_others():
    a, b, other = _trials(seed=5, pair=0.3), _trials(seed=5, pair=0.3), _trials(seed=6, pair=0.3)
    np.testing.assert_array_equal(a.inputs, b.inputs)
    np.testing.assert_array_equal(a.target, b.target)
    for key in a.conditions:
        np.testing.assert_array_equal(a.conditions[key], b.conditions[key])
    assert not np.array_equal(a.inputs, other.inputs)


@pytest.mark.parametrize("block, key, words", [
    ({"timing": {"delay": -10}}, ("timing", "delay"), "greater than or equal to 0"),
    ({"timing": {"delay": "1 mV"}}, ("timing", "delay"), "expected a time"),
    ({"n_features": 1}, ("n_features",), "greater than or equal to 2"),
    ({"kappa": 0}, ("kappa",), "greater than 0"),
    ({"contrasts": []}, ("contrasts",), "at least 1"),
    ({"cued_fraction": 1.5}, ("cued_fraction",), "less than or equal to 1"),
    ({"pair_separation_deg": 20.0, "pair": True}, ("pair_separation_deg",), "one channel spacing"),
    ({"timing": {"delay": 15}, "dt": 10}, ("timing", "delay"), "whole number of steps"),
    ({"direction": 3}, ("direction",), "Extra inputs are not permitted"),
])
def test_bad_keys_are_refused_at_the_key(block, key, words):
    with pytest.raises(ValidationError) as err:
        task_spec({"kind": "feature", **block})
    locs = {e["loc"][:len(key)]: e["msg"] for e in err.value.errors()}
    assert key in locs and words in locs[key], err.value.errors()


def test_a_scenario_with_a_bad_feature_key_names_the_file_line_and_key(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("name: bad\nseed: 1\ntask:\n  kind: feature\n  n_features: 1\n"
                    "models:\n  - {name: gru, family: gru}\nanalysis: [accuracy]\n")
    with pytest.raises(ScenarioError) as err:
        load_scenario(str(path))
    (msg,) = err.value.messages
    assert msg.startswith(f"{path}:5: task.n_features:") and "greater than or equal to 2" in msg


def test_the_sustained_task_is_the_two_location_cue_delay_protocol_with_a_one_second_delay():
    """The cue-delay protocol for the two-location channels exists: `sustained` with delay 1 s."""
    spec = task_spec({"kind": "sustained", "timing": {"delay": "1 s"}})
    assert spec.timing.delay == 1000.0
    tr = make_sustained(n_trials=4, dt_ms=10.0, timing_ms={"fixation": 100, "cue": 100, "delay": 1000,
                                                           "stimulus": 100, "response": 100})
    cues = [tr.channels.index(c) for c in V.CUE]
    assert tr.inputs[:, tr.epochs["cue"]][:, :, cues].any() and not tr.inputs[:, tr.epochs["cue"].stop:][:, :, cues].any()
    assert math.isclose(tr.epoch_ms("delay")[1] - tr.epoch_ms("delay")[0], 1000.0)


MIXED = """\
name: feature-families
seed: 1
task: {kind: feature, n_trials: 8, timing: {fixation: 20 ms, cue: 20 ms, delay: 20 ms, stimulus: 40 ms, response: 20 ms}}
models:
  - {name: gru, family: gru}
  - {name: spiking, family: spiking_competition}
  - {name: rate, family: rate_competition}
analysis: [accuracy]
"""


def test_a_family_that_reads_two_locations_is_refused_on_the_ring_at_its_line(tmp_path):
    path = tmp_path / "mixed.yaml"
    path.write_text(MIXED)
    with pytest.raises(ScenarioError) as err:
        load_scenario(str(path))
    msgs = err.value.messages
    assert len(msgs) == 2, msgs                       # the GRU reads any channels: not refused
    for line, i, family in ((6, 1, "spiking_competition"), (7, 2, "rate_competition")):
        (msg,) = [m for m in msgs if f"models[{i}].family" in m]
        assert msg.startswith(f"{path}:{line}: models[{i}].family: family {family!r} reads the two-location "
                              "channels (stim_A, stim_B, cue_A, cue_B), but task 'feature' gives a ring of feature "
                              "channels (stim_f<k>, cue_f<k>)"), msg
    path.write_text(MIXED.replace("kind: feature, ", "kind: sustained, "))
    load_scenario(str(path))                          # the same families on two-location channels: valid


def test_input_channels_declared_undeclared_and_wrong():
    from attnsim.errors import PluginError
    from attnsim.models.base import check_model_class, input_channels_of, input_channels_problem
    from attnsim.models.ann.families import GRUModel

    ring = sum(V.feature_channels(4), ())

    class Undeclared:
        pass

    class Ring:
        input_channels = ("two_locations", "feature_ring")

    assert input_channels_of(Undeclared) == {"two_locations"} and input_channels_of(GRUModel) == {"any"}
    assert input_channels_problem(Undeclared, V.CHANNELS) is None
    assert "'feature_ring' or 'any'" in input_channels_problem(Undeclared, ring)
    assert input_channels_problem(Ring, ring) is None and input_channels_problem(Ring, V.CHANNELS) is None
    assert input_channels_problem(GRUModel, ("anything",)) is None
    assert "gives no channel set it knows" in input_channels_problem(Ring, ("anything",))

    class Wrong(GRUModel):
        input_channels = "rings"

    with pytest.raises(PluginError, match="input_channels"):
        check_model_class(Wrong, "family 'wrong'")


@pytest.mark.parametrize("family", ["dot_product_attention", "rnn", "gru", "lstm", "ei_rnn"])
def test_every_artificial_family_runs_on_the_ring_and_chooses_after_stimulus_onset(family):
    from attnsim.models.registry import load_family
    tr = make_feature(
        n_trials=6, dt_ms=20.0, timing_ms={"fixation": 100, "cue": 100, "delay": 100, "stimulus": 200, "response": 100})
    cls = load_family(family)
    model = cls(cls.Params())
    act = model.run(tr.inputs, tr.dt_ms, tr.channels, seed=0)
    assert act.rates.shape[0] == tr.n_trials and np.isfinite(act.rates).all()
    assert set(act.choice.tolist()) <= {0, 1}         # a stimulus onset was found: every trial has a choice
