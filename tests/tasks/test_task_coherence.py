"""The selective task's coherence form: a scenario writes Wang (2002)'s coherence c' (as a
fraction) and gets the stimulus levels mean_level (1 +- c) on neutral and cued trials, one cell
per coherence, labelled per trial; the contrast form (contrasts + ratios) is refused beside it."""
import numpy as np
import pytest
import yaml

from attnsim import ScenarioError, load_scenario
from attnsim.tasks import build_trials, n_cells, task_spec

COHERENCES = [0.0, 0.032, 0.128, 0.512]
TIMING = {"fixation": 10, "cue": 10, "stimulus": 30, "response": 10}


def _coherence_trials(n=120, seed=3, **extra):
    spec = task_spec({"kind": "selective", "timing": TIMING, "coherence": COHERENCES, **extra})
    return spec, build_trials(spec, seed=seed, n_trials=n)


def _stimulus_levels(tr):
    """(n_trials, 2) level of stim_A, stim_B in the stimulus epoch (constant there)."""
    stim = tr.inputs[:, tr.epochs["stimulus"], :2]
    assert np.all(stim == stim[:, :1, :]), "a stimulus level changes within the stimulus epoch"
    return stim[:, 0, :]


def test_levels_are_mean_level_one_plus_and_minus_coherence_and_the_stronger_is_the_target():
    spec, tr = _coherence_trials()
    coh = tr.conditions["coherence"]
    assert set(tr.conditions) == {"condition", "coherence"}       # no contrast label in this form
    levels = _stimulus_levels(tr)
    np.testing.assert_array_equal(levels[np.arange(tr.n_trials), tr.target], 0.5 * (1 + coh))
    np.testing.assert_array_equal(levels[np.arange(tr.n_trials), 1 - tr.target], 0.5 * (1 - coh))
    # the stimulus channels are silent outside the stimulus epoch
    outside = np.ones(tr.n_steps, bool)
    outside[tr.epochs["stimulus"]] = False
    assert not tr.inputs[:, outside, :2].any()


def test_cue_on_the_stronger_stimulus_on_cued_trials_and_none_on_neutral_trials():
    _, tr = _coherence_trials()
    cond = tr.conditions["condition"]
    cue_on = slice(tr.epochs["cue"].start, tr.epochs["stimulus"].stop)   # cue_persists: through the stimulus
    cue = tr.inputs[:, cue_on, 2:]
    for i in range(tr.n_trials):
        if cond[i] == "neutral":
            assert not cue[i].any()
        else:
            cued = {"attend_A": 0, "attend_B": 1}[cond[i]]
            assert tr.target[i] == cued
            assert np.all(cue[i, :, cued] == 1.0) and not cue[i, :, 1 - cued].any()
    assert not tr.inputs[:, :tr.epochs["cue"].start, 2:].any()
    assert not tr.inputs[:, tr.epochs["response"], 2:].any()


def test_every_condition_and_coherence_is_one_balanced_cell():
    spec, tr = _coherence_trials(n=120)
    assert n_cells(spec) == 3 * 4
    cells = list(zip(tr.conditions["condition"].tolist(), tr.conditions["coherence"].tolist()))
    counts = {c: cells.count(c) for c in set(cells)}
    assert set(counts) == {(c, k) for c in ("attend_A", "attend_B", "neutral") for k in COHERENCES}
    assert set(counts.values()) == {10}
    # neutral trials put the stronger stimulus at A or at B, not always at the same one
    neutral_strong = tr.target[(tr.conditions["condition"] == "neutral") & (tr.conditions["coherence"] > 0)]
    assert 0 < neutral_strong.mean() < 1


def test_mean_level_scales_the_levels_and_the_seed_fixes_the_trials():
    _, a = _coherence_trials(mean_level=0.25)
    levels = _stimulus_levels(a)
    coh = a.conditions["coherence"]
    np.testing.assert_array_equal(levels.max(axis=1), 0.25 * (1 + coh))
    _, b = _coherence_trials(mean_level=0.25)
    _, c = _coherence_trials(mean_level=0.25, seed=4)
    np.testing.assert_array_equal(a.inputs, b.inputs)
    assert not np.array_equal(a.inputs, c.inputs)


def test_the_coherence_form_is_the_contrast_form_with_wangs_levels():
    """c' as contrast 0.5 (1 + c) and ratios (1 - c)/(1 + c), the default scenario's encoding:
    the same cells, targets and cues; levels equal to rounding."""
    c = 0.128
    coh = build_trials(task_spec({"kind": "selective", "timing": TIMING, "coherence": [c]}), seed=5, n_trials=30)
    ratio = (1 - c) / (1 + c)
    old = build_trials(task_spec({"kind": "selective", "timing": TIMING, "contrasts": [0.5 * (1 + c)],
                                  "neutral_ratio": ratio, "distractor_ratio": ratio}), seed=5, n_trials=30)
    np.testing.assert_array_equal(coh.target, old.target)
    np.testing.assert_array_equal(coh.conditions["condition"], old.conditions["condition"])
    np.testing.assert_allclose(coh.inputs, old.inputs, rtol=1e-12, atol=0)


def test_resolved_block_lists_only_the_form_used_and_validates_again():
    coh = task_spec({"kind": "selective", "coherence": [0.1]}).model_dump()
    assert list(coh) == ["kind", "n_trials", "dt", "timing", "coherence", "mean_level", "conditions",
                         "cue_strength", "cue_persists"]
    assert coh["mean_level"] == 0.5
    old = task_spec({"kind": "selective"}).model_dump()
    assert list(old) == ["kind", "n_trials", "dt", "timing", "contrasts", "conditions", "distractor_ratio",
                         "neutral_ratio", "cue_strength", "cue_persists"]      # the keys of before, in order
    assert (old["contrasts"], old["distractor_ratio"], old["neutral_ratio"]) == ([0.1, 0.3, 0.5], 1.0, 0.5)
    for dumped in (coh, old):
        assert task_spec(dumped).model_dump() == dumped
    # a null key counts as not given
    assert task_spec({"kind": "selective", "coherence": None, "mean_level": None}).model_dump() == old


def _scenario_file(tmp_path, task: dict) -> str:
    data = {"name": "t", "seed": 1, "task": {"kind": "selective", "n_trials": 6, **task},
            "models": [{"name": "rate", "family": "rate_competition"}], "analysis": ["accuracy"]}
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return str(path)


def _line(path: str, text: str) -> int:
    return next(i for i, ln in enumerate(open(path).read().splitlines(), 1) if ln.startswith(text))


def test_both_forms_together_is_a_scenario_error_at_each_contrast_key(tmp_path):
    path = _scenario_file(tmp_path, {"coherence": [0.1], "contrasts": [0.5], "neutral_ratio": 0.8})
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    msgs = err.value.messages
    assert len(msgs) == 2
    assert msgs[0].startswith(f"{path}:{_line(path, '  contrasts:')}: task.contrasts: not with coherence")
    assert msgs[1].startswith(f"{path}:{_line(path, '  neutral_ratio:')}: task.neutral_ratio: not with coherence")
    assert all("Traceback" not in m for m in msgs)


def test_mean_level_without_coherence_and_out_of_range_values_are_scenario_errors(tmp_path):
    path = _scenario_file(tmp_path, {"mean_level": 0.4})
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    (msg,) = err.value.messages
    assert msg.startswith(f"{path}:{_line(path, '  mean_level:')}: task.mean_level: only with coherence")

    path = _scenario_file(tmp_path, {"coherence": [0.2, 1.5], "mean_level": 0.6})
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    text = "\n".join(err.value.messages)
    assert "task.coherence[1]: " in text and "less than or equal to 1" in text
    assert "task.mean_level: " in text and "less than or equal to 0.5" in text


def test_a_coherence_scenario_loads_and_its_resolved_task_carries_the_coherences(tmp_path):
    path = _scenario_file(tmp_path, {"coherence": COHERENCES})
    scn = load_scenario(path)
    resolved = scn.model_dump(mode="json")["task"]
    assert resolved["coherence"] == COHERENCES and "contrasts" not in resolved
    tr = build_trials(scn.task, seed=0)
    assert tr.n_trials == 6 and set(tr.conditions["coherence"]) <= set(COHERENCES)
