"""The condition x time samples (attnsim.dynamics.samples) every dynamics metric reads."""
import numpy as np
import pytest

from attnsim.dynamics.samples import condition_samples, population_units
from attnsim.errors import NotApplicable
from attnsim.models.activity import Activity
from attnsim.tasks.selective import make_selective

TIMING = {"fixation": 50, "cue": 50, "stimulus": 100, "response": 50}
CONDITIONS = ["attend_A", "attend_B", "neutral"]


def _task():
    return make_selective(n_trials=24, dt_ms=1.0, timing_ms=TIMING, contrasts=[0.2, 0.6], conditions=CONDITIONS)


def _activity(rates, dt_ms, roles):
    n = rates.shape[0]
    groups = {"sens_A": slice(0, 2), "sens_B": slice(2, 4), "pool_A": slice(4, 5), "pool_B": slice(5, 6)}
    return Activity(rates=rates, dt_ms=dt_ms, groups=groups, selective_groups=("pool_A", "pool_B"),
                    choice=np.zeros(n, int), reaction_time_ms=np.full(n, np.nan), roles=roles)


def test_condition_means_trials_and_labels():
    tr = _task()
    rng = np.random.default_rng(0)
    n_steps = tr.inputs.shape[1] // 2                     # recorded at 2 ms
    cell = {k: i for i, k in enumerate(dict.fromkeys(zip(tr.conditions["condition"], tr.conditions["contrast"])))}
    code = np.array([cell[k] for k in zip(tr.conditions["condition"], tr.conditions["contrast"])], float)
    t = np.arange(n_steps) * 2.0
    rates = (code[:, None, None] * np.ones((1, n_steps, 6)) + np.sin(t / 30.0)[None, :, None]
             + 0.1 * rng.standard_normal((tr.n_trials, n_steps, 6)))
    act = _activity(rates, 2.0, {"sens_A": "sensory", "sens_B": "sensory", "pool_A": "decision",
                                 "pool_B": "decision"})
    s = condition_samples(tr, act, epoch="stimulus", dt_ms=4.0)
    t0, t1 = tr.epoch_ms("stimulus")
    assert s.time_ms[0] == t0 and s.time_ms[-1] < t1 and np.allclose(np.diff(s.time_ms), 4.0)
    assert s.means.shape == (6, s.time_ms.size, 4)          # 3 conditions x 2 contrasts, 4 sensory units
    assert s.population == "sensory: sens_A, sens_B"
    assert sum(s.n_trials) == tr.n_trials and len(s.conditions) == 6
    for c, trials in enumerate(s.trials):
        np.testing.assert_allclose(trials.mean(axis=0), s.means[c])
    # the condition-independent mean (here the shared sine) is removed from means and trials
    d = condition_samples(tr, act, epoch="stimulus", dt_ms=4.0, subtract_condition_mean=True)
    np.testing.assert_allclose(d.means.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(d.means + d.condition_independent, s.means)
    np.testing.assert_allclose(d.trials[2], s.trials[2] - d.condition_independent)
    assert "condition-independent mean removed" in d.describe() and "6 conditions" in d.describe()


def test_population_by_role_and_errors():
    rates = np.zeros((2, 10, 6))
    ann = _activity(rates, 1.0, {"sens_A": "hidden", "sens_B": "hidden", "pool_A": "decision", "pool_B": "decision"})
    idx, label = population_units(ann, "auto")
    np.testing.assert_array_equal(idx, [0, 1, 2, 3])
    assert label == "hidden: sens_A, sens_B"
    np.testing.assert_array_equal(population_units(ann, "pool_B")[0], [5])
    assert population_units(_activity(rates, 1.0, {}), "auto")[1].startswith("all units")
    with pytest.raises(NotApplicable, match="no sensory population"):
        population_units(ann, "sensory")
    with pytest.raises(NotApplicable, match="expected one of"):
        population_units(ann, "L23e")
    tr = _task()
    with pytest.raises(ValueError, match="trials"):
        condition_samples(tr, ann, epoch="stimulus")


def test_one_set_of_samples_feeds_every_metric():
    from scipy.stats import ortho_group

    from attnsim.dynamics.dsa import dsa_distance
    from attnsim.dynamics.rsa import compare_rdms, samples_rdm
    from attnsim.dynamics.shape import procrustes_distance

    tr = _task()
    rng = np.random.default_rng(1)
    n_steps = tr.inputs.shape[1]
    cells = list(dict.fromkeys(zip(tr.conditions["condition"], tr.conditions["contrast"])))
    drive = {c: rng.standard_normal(4) for c in cells}
    t = np.arange(n_steps)
    base = np.stack([np.outer(1 - np.exp(-t / 20.0), drive[c]) for c in zip(tr.conditions["condition"],
                                                                             tr.conditions["contrast"])])
    rates = np.concatenate([base, np.zeros((tr.n_trials, n_steps, 2))], axis=2)
    rates = rates + 0.05 * rng.standard_normal(rates.shape)
    roles = {"sens_A": "sensory", "sens_B": "sensory"}
    act = _activity(rates, 1.0, roles)
    q = ortho_group.rvs(4, random_state=2)
    rotated = rates.copy()
    rotated[:, :, :4] = rates[:, :, :4] @ q
    s1 = condition_samples(tr, act, dt_ms=5.0)
    s2 = condition_samples(tr, _activity(rotated, 1.0, roles), dt_ms=5.0)
    assert dsa_distance(s1.means, s2.means, n_delays=2, rank=4) < 1e-6
    assert procrustes_distance(s1.flat_means(), s2.flat_means()) < 1e-6
    r1, r2 = samples_rdm(s1, every=5), samples_rdm(s2, every=5, noise="identity")
    assert compare_rdms(r1["rdm"], r2["rdm"]) > 0.9
    assert r1["patterns"][0] == f"{s1.conditions[0]}@{s1.time_ms[0]:g}ms"
