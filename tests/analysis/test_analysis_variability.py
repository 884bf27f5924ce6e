"""Fano factor and noise correlation against processes with known statistics."""
import numpy as np
import pytest

from attnsim.models.activity import Activity
from attnsim.analysis.conditions import condition_groups, stimulus_cells
from attnsim.analysis.variability import fano_factor, fano_from_counts, noise_correlation
from attnsim.analysis.windows import spike_counts
from attnsim.tasks.divided import make_divided
from attnsim.tasks.selective import make_selective

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


# --- within stimulus cells (identical inputs), Cohen & Maunsell 2009 ---------------------------------------------

def _poisson_by_cell(rng, tr, mean_of_trial, n_neurons):
    """Independent Poisson counts whose mean depends on the trial's stimulus only: true Fano 1 in every cell."""
    return rng.poisson(np.asarray(mean_of_trial, float)[:, None] * np.ones((1, n_neurons)))


def test_fano_is_one_within_cells_when_stimuli_differ_inside_a_label():
    # neutral trials: the stronger stimulus is at A or at B; contrasts 0.2 / 0.8: four stimuli in "neutral",
    # the mean count differs between them (5, 12, 20, 40); within each the counts are Poisson (Fano 1).
    # Pooling a label's trials would read var/mean ~ 5 here.
    rng = np.random.default_rng(10)
    n = 2400
    tr = make_selective(n_trials=n, dt_ms=1.0, timing_ms=TIMING, contrasts=[0.2, 0.8],
                        conditions=["attend_A", "neutral"], seed=10)
    hi = tr.conditions["contrast"] == 0.8
    mean = np.where(tr.target == 0, np.where(hi, 40.0, 12.0), np.where(hi, 20.0, 5.0))
    act = _spiking_activity(tr, {"A": _poisson_by_cell(rng, tr, mean, 30)}, rng)
    ff = fano_factor(tr, act)
    for label in ("all", "neutral", "neutral@0.8", "attended"):
        assert ff[label]["A"] == pytest.approx(1.0, abs=0.05), label
    pooled = fano_from_counts(spike_counts(act, "A", *tr.epoch_ms("stimulus"))[tr.conditions["condition"] == "neutral"])
    assert pooled > 3.0
    neutral = tr.conditions["condition"] == "neutral"
    assert ff["n_trials"]["neutral"] == neutral.sum() and ff["n_cells"]["neutral"] == 4
    assert ff["n_cells"]["all"] == 6 and ff["n_cells_dropped"]["all"] == 0 and ff["n_trials"]["all"] == n


def test_fano_is_the_trial_weighted_mean_of_cell_fanos_and_small_cells_are_dropped():
    rng = np.random.default_rng(11)
    full = make_selective(n_trials=60, dt_ms=1.0, timing_ms=TIMING, contrasts=[0.5], conditions=["neutral"], seed=11)
    # keep every B-stronger trial but one A-stronger trial: that cell (1 trial) cannot give a variance
    a_rows, b_rows = np.flatnonzero(full.target == 0), np.flatnonzero(full.target == 1)
    tr = full.subset(np.sort(np.concatenate([a_rows[:1], b_rows])))
    counts = rng.poisson(rng.uniform(1, 20, 12), size=(tr.n_trials, 12))
    counts[:, 3] = 0                                                       # silent: left out
    ff = fano_factor(tr, _spiking_activity(tr, {"G": counts}, rng))
    b = counts[tr.target == 1].astype(float)
    live = b.mean(axis=0) > 0
    expected = np.mean(b[:, live].var(axis=0, ddof=1) / b[:, live].mean(axis=0))
    assert ff["neutral"]["G"] == pytest.approx(expected, rel=1e-12)
    assert (ff["n_trials"]["neutral"], ff["n_cells"]["neutral"], ff["n_cells_dropped"]["neutral"]) == \
        (b_rows.size, 1, 1)
    # two cells: weights are the trial counts
    tr2 = full.subset(np.sort(np.concatenate([a_rows[:5], b_rows])))
    c2 = rng.poisson(rng.uniform(1, 20, 12), size=(tr2.n_trials, 12)) + 1
    f = [fano_from_counts(c2[tr2.target == t]) for t in (0, 1)]
    w = [(tr2.target == t).sum() for t in (0, 1)]
    assert fano_factor(tr2, _spiking_activity(tr2, {"G": c2}, rng))["neutral"]["G"] == \
        pytest.approx((w[0] * f[0] + w[1] * f[1]) / (w[0] + w[1]), rel=1e-12)


def test_noise_correlation_recovers_rho_when_the_signal_follows_the_target_location():
    # divided task, one contrast: on focused_A trials the target is at A (valid) or B (invalid), on divided
    # trials at A or B. Group A's mean follows the target location (60 vs 30 spikes) and its noise has
    # pairwise correlation 0.25 in every cell; group B has independent noise (rho 0).
    rng = np.random.default_rng(12)
    n = 3000
    tr = make_divided(n_trials=n, dt_ms=1.0, timing_ms=TIMING, contrasts=[0.3],
                      conditions=["focused_A", "divided"], cue_validity=0.7, seed=12)
    mean = np.where(tr.target == 0, 60.0, 30.0)[:, None]
    counts = {"A": _correlated_counts(rng, n, 12, 0.25, mean, 5.0), "B": _correlated_counts(rng, n, 12, 0.0, mean, 5.0)}
    nc = noise_correlation(tr, _spiking_activity(tr, counts, rng))
    for label in ("all", "focused_A", "divided"):
        assert nc[label]["A"] == pytest.approx(0.25, abs=0.04), label
        assert nc[label]["B"] == pytest.approx(0.0, abs=0.04), label
    assert nc["n_cells"]["all"] == 4 and nc["n_cells"]["focused_A"] == 2 and nc["n_trials"]["all"] == n
    # within the focused_A label the target-location signal alone would read as a large correlation
    rows = tr.conditions["condition"] == "focused_A"
    raw_b = np.corrcoef(counts["B"][rows], rowvar=False)[np.triu_indices(12, 1)].mean()
    assert raw_b > 0.5


def test_noise_correlation_drops_cells_under_three_trials():
    rng = np.random.default_rng(13)
    full = make_selective(n_trials=80, dt_ms=1.0, timing_ms=TIMING, contrasts=[0.5], conditions=["neutral"], seed=13)
    a_rows, b_rows = np.flatnonzero(full.target == 0), np.flatnonzero(full.target == 1)
    tr = full.subset(np.sort(np.concatenate([a_rows[:2], b_rows])))     # A-stronger cell: 2 trials
    counts = _correlated_counts(rng, tr.n_trials, 8, 0.2, 20.0, 4.0)
    nc = noise_correlation(tr, _spiking_activity(tr, {"G": counts}, rng))
    b = counts[tr.target == 1].astype(float)
    expected = np.corrcoef(b, rowvar=False)[np.triu_indices(8, 1)].mean()
    assert nc["neutral"]["G"] == pytest.approx(expected, rel=1e-12)
    assert (nc["n_trials"]["neutral"], nc["n_cells"]["neutral"], nc["n_cells_dropped"]["neutral"]) == \
        (b_rows.size, 1, 1)


def test_counts_do_not_disturb_consumers():
    from attnsim.expectations import lookup
    from attnsim.report import _cell
    rng = np.random.default_rng(14)
    tr = make_selective(n_trials=40, dt_ms=1.0, timing_ms=TIMING, contrasts=[0.5], conditions=["attend_A", "neutral"])
    act = _spiking_activity(tr, {"A": rng.poisson(8, (40, 6)), "B": rng.poisson(4, (40, 6))}, rng)
    from attnsim.analysis.registry import compute_metrics
    m = compute_metrics(["fano_factor", "noise_correlation"], tr, act)
    for name in ("fano_factor", "noise_correlation"):
        assert lookup(m, name, "all", "A") == (m[name]["all"]["A"], "")
        assert lookup(m, name, "n_trials", "all") == (40.0, "")
        assert _cell(m, name, "all", "mean") == pytest.approx((m[name]["all"]["A"] + m[name]["all"]["B"]) / 2)
        assert set(m[name]["all"]) == {"A", "B"}


def test_bad_cells_are_refused_with_a_message():
    from attnsim.analysis.variability import fano_within_cells, noise_correlation_from_counts
    with pytest.raises(ValueError, match="one id per trial"):
        fano_within_cells(np.ones((5, 3)), np.zeros(4))
    with pytest.raises(ValueError, match="one id per trial"):
        noise_correlation_from_counts(np.ones((5, 3)), np.zeros(6))


# --- cross-checks against Elephant ---------------------------------------------------------------------------------

def _elephant_setup(seed):
    rng = np.random.default_rng(seed)
    n = 90
    tr = make_selective(n_trials=n, dt_ms=1.0, timing_ms=TIMING, contrasts=[0.3, 0.6],
                        conditions=["attend_A", "neutral"], seed=seed)
    mean = np.where(tr.target == 0, 12.0, 6.0) * np.where(tr.conditions["contrast"] == 0.6, 2.0, 1.0)
    shared = rng.poisson(4.0, (n, 1))                                      # correlated noise
    counts = rng.poisson(mean[:, None] * np.ones((1, 7))) + shared
    return tr, counts, _spiking_activity(tr, {"G": counts}, rng)


def _epoch_trains(tr, act, trial, neuron):
    pq = pytest.importorskip("quantities")
    neo = pytest.importorskip("neo")
    t0, t1 = tr.epoch_ms("stimulus")
    ids, times = act.spikes["G"][trial]
    t = np.sort(times[(ids == neuron) & (times >= t0) & (times < t1)])
    return neo.SpikeTrain(t * pq.ms, t_start=t0 * pq.ms, t_stop=t1 * pq.ms)


def test_fano_factor_agrees_with_elephant():
    pytest.importorskip("elephant")
    from elephant.statistics import fanofactor
    tr, counts, act = _elephant_setup(20)
    cells = stimulus_cells(tr)
    ff = fano_factor(tr, act)
    for label, idx in condition_groups(tr).items():
        vals, weights = [], []
        for c in np.unique(cells[idx]):
            rows = np.flatnonzero(cells == c)
            n_c = rows.size
            per_neuron = [fanofactor([_epoch_trains(tr, act, t, i) for t in rows]) * n_c / (n_c - 1)  # ddof 0 -> 1
                          for i in range(counts.shape[1])]
            vals.append(np.mean(per_neuron))
            weights.append(n_c)
        assert ff[label]["G"] == pytest.approx(np.average(vals, weights=weights), rel=1e-9, abs=1e-12), label


def test_noise_correlation_agrees_with_elephant_binned_correlation():
    # one bin per trial: each neuron's epoch spikes of a cell's trials laid end to end, bin width = epoch length
    pytest.importorskip("elephant")
    pq = pytest.importorskip("quantities")
    neo = pytest.importorskip("neo")
    from elephant.conversion import BinnedSpikeTrain
    from elephant.spike_train_correlation import correlation_coefficient
    tr, counts, act = _elephant_setup(21)
    cells = stimulus_cells(tr)
    t0, t1 = tr.epoch_ms("stimulus")
    T = t1 - t0
    r_cell, n_cell = {}, {}
    for c in np.unique(cells):
        rows = np.flatnonzero(cells == c)
        trains = []
        for i in range(counts.shape[1]):
            t = np.concatenate([j * T + (_epoch_trains(tr, act, trial, i).magnitude - t0) for j, trial in enumerate(rows)])
            trains.append(neo.SpikeTrain(np.sort(t) * pq.ms, t_start=0 * pq.ms, t_stop=rows.size * T * pq.ms))
        binned = BinnedSpikeTrain(trains, bin_size=T * pq.ms, t_start=0 * pq.ms, t_stop=rows.size * T * pq.ms)
        assert np.array_equal(binned.to_array().T, counts[rows])      # the bins are the trials' counts
        r_cell[c], n_cell[c] = correlation_coefficient(binned), rows.size
        assert np.all(counts[rows].std(axis=0) > 0)                   # every neuron varies: the identity holds
    nc = noise_correlation(tr, act)
    iu = np.triu_indices(counts.shape[1], 1)
    for label, idx in condition_groups(tr).items():
        inside = [c for c in np.unique(cells[idx]) if n_cell[c] >= 3]
        # pooled within-cell z-scores: r = sum_c n_c r_c / sum_c n_c, per pair; then the mean over pairs
        r = sum(n_cell[c] * r_cell[c] for c in inside) / sum(n_cell[c] for c in inside)
        assert nc[label]["G"] == pytest.approx(r[iu].mean(), rel=1e-9, abs=1e-12), label
