"""Fano factor and noise correlation against processes with known statistics."""
import numpy as np
import pytest

from models.activity import Activity
from sim.analysis.variability import fano_factor, fano_from_counts, noise_correlation
from sim.tasks.selective import make_selective

TIMING = {"fixation": 50, "cue": 50, "stimulus": 200, "response": 50}


def _spiking_activity(tr, counts_by_group, rng, dt_ms=1.0):
    """Spike trains whose stimulus-epoch counts are the given (n_trials, n_neurons) arrays.

    A few spikes are also put outside the epoch, which the metrics must not count.
    """
    t0, t1 = tr.epoch_ms("stimulus")
    spikes, sizes = {}, {}
    for g, counts in counts_by_group.items():
        trains = []
        for row in counts:
            ids = np.repeat(np.arange(row.size), row)
            times = rng.uniform(t0, t1, ids.size)
            extra = rng.integers(0, row.size, 5)
            trains.append((np.concatenate([ids, extra]), np.concatenate([times, rng.uniform(0, t0, 5)])))
        spikes[g], sizes[g] = trains, counts.shape[1]
    n_steps = int(round(tr.n_steps * tr.dt_ms / dt_ms))
    n_units = sum(sizes.values())
    groups, start = {}, 0
    for g, n in sizes.items():
        groups[g], start = slice(start, start + n), start + n
    names = list(groups)
    return Activity(rates=np.zeros((tr.n_trials, n_steps, n_units)), dt_ms=dt_ms, groups=groups,
                    selective_groups=(names[0], names[-1]), choice=np.zeros(tr.n_trials, int),
                    reaction_time_ms=np.full(tr.n_trials, np.nan), spikes=spikes, group_sizes=sizes)


def test_fano_poisson_is_one_and_binomial_is_one_minus_p():
    rng = np.random.default_rng(0)
    tr = make_selective(n_trials=300, dt_ms=1.0, timing_ms=TIMING, contrasts=[0.5], conditions=["attend_A"])
    counts = {"A": rng.poisson(rng.uniform(2, 15, 30), size=(300, 30)),
              "B": rng.binomial(10, 0.3, size=(300, 30))}                 # var/mean = 1 - p = 0.7
    counts["A"][:, 0] = 0                                                  # silent neuron: left out
    act = _spiking_activity(tr, counts, rng)
    ff = fano_factor(tr, act)
    assert ff["all"]["A"] == pytest.approx(1.0, abs=0.05)
    assert ff["all"]["B"] == pytest.approx(0.7, abs=0.05)
    assert ff["attend_A"] == ff["all"]
    # exact against the definition on the same counts
    c = counts["B"].astype(float)
    assert ff["all"]["B"] == pytest.approx(np.mean(c.var(axis=0, ddof=1) / c.mean(axis=0)))


def test_fano_constant_counts_is_zero_and_silent_is_nan():
    assert fano_from_counts(np.full((10, 4), 7)) == 0.0
    assert np.isnan(fano_from_counts(np.zeros((10, 4))))


def _correlated_counts(rng, n_trials, n_neurons, rho, mean, sd):
    shared = rng.standard_normal((n_trials, 1))
    private = rng.standard_normal((n_trials, n_neurons))
    z = np.sqrt(rho) * shared + np.sqrt(1 - rho) * private                # pairwise correlation rho
    return np.clip(np.round(mean + sd * z), 0, None).astype(int)


def test_noise_correlation_recovers_rho_and_removes_signal():
    rng = np.random.default_rng(1)
    tr = make_selective(n_trials=2000, dt_ms=1.0, timing_ms=TIMING, contrasts=[0.2, 0.8],
                        conditions=["attend_A", "attend_B"], seed=2)
    # the stimulus sets the mean (signal): 40 vs 80 spikes; noise has correlation rho within each cell
    hi = tr.conditions["contrast"] == 0.8
    counts_a = _correlated_counts(rng, 2000, 10, 0.3, np.where(hi, 80, 40)[:, None], 5.0)
    counts_b = _correlated_counts(rng, 2000, 10, 0.0, 50.0, 5.0)
    act = _spiking_activity(tr, {"A": counts_a, "B": counts_b}, rng)
    nc = noise_correlation(tr, act)
    for label, tol in (("all", 0.03), ("attended", 0.03), ("attend_A@0.8", 0.05), ("attend_B@0.2", 0.05)):
        assert nc[label]["A"] == pytest.approx(0.3, abs=tol)
        assert nc[label]["B"] == pytest.approx(0.0, abs=tol)
    # the raw pooled correlation would be dominated by the shared stimulus drive
    raw = np.corrcoef(counts_a, rowvar=False)[np.triu_indices(10, 1)].mean()
    assert raw > 0.8


def test_non_spiking_activity_is_not_applicable():
    tr = make_selective(n_trials=4, dt_ms=1.0, timing_ms=TIMING, contrasts=[0.5], conditions=["attend_A"])
    act = Activity(rates=np.ones((4, 350, 2)), dt_ms=1.0, groups={"A": slice(0, 1), "B": slice(1, 2)},
                   selective_groups=("A", "B"), choice=np.zeros(4, int), reaction_time_ms=np.full(4, np.nan))
    assert fano_factor(tr, act) == {} and noise_correlation(tr, act) == {}
