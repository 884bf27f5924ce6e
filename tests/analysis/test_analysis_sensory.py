"""Sensory signatures read sensory populations only (issue 19, "Decisions read as sensory responses").

Each defect of the issue's list has a test here that failed on the code before roles: decision
pools and softmax outputs were read as sensory responses (Activity.selective_groups).
"""
import numpy as np
import pytest

from attnsim.analysis.attention_effects import attention_effects
from attnsim.analysis.attention_gain import attention_gain
from attnsim.analysis.sensory import (NEITHER, PREFERS_A, PREFERS_B, classify_selectivity, sensory_view,
                                      split_halves)
from attnsim.analysis.spike_field import spike_field_coherence
from attnsim.analysis.timing import selection_latency
from attnsim.errors import NotApplicable
from attnsim.models.activity import Activity
from attnsim.report import model_scorecard, signature_values
from attnsim.tasks.selective import make_selective

TIMING = {"fixation": 100, "cue": 100, "stimulus": 300, "response": 100}


def _trials(n=120, conditions=("attend_A", "attend_B"), contrasts=(0.5,), seed=1):
    return make_selective(n_trials=n, dt_ms=1.0, timing_ms=TIMING, contrasts=list(contrasts),
                          conditions=list(conditions), seed=seed)


def _winner_take_all(trials, roles, seed=0, n_cells=20):
    """Two spiking pools; the cued pool wins (40 Hz) and the other is suppressed (2 Hz) in the
    stimulus epoch: a decision circuit's winner-take-all, no sensory response."""
    rng = np.random.default_rng(seed)
    t0, t1 = trials.epoch_ms("stimulus")
    att = trials.attended_index()
    s = trials.epochs["stimulus"]
    rates = np.full((trials.n_trials, trials.n_steps, 2), 2.0)
    spikes = {}
    for k, g in enumerate(("pool_A", "pool_B")):
        rates[att == k, s, k] = 40.0
        per_trial = []
        for i in range(trials.n_trials):
            counts = rng.poisson((40.0 if att[i] == k else 2.0) * (t1 - t0) * 1e-3, n_cells)
            ids = np.repeat(np.arange(n_cells), counts)
            per_trial.append((ids, rng.uniform(t0, t1, ids.size)))
        spikes[g] = per_trial
    return Activity(rates=rates, dt_ms=1.0, groups={"pool_A": slice(0, 1), "pool_B": slice(1, 2)},
                    selective_groups=("pool_A", "pool_B"), choice=np.clip(att, 0, 1),
                    reaction_time_ms=np.full(trials.n_trials, 200.0), spikes=spikes,
                    group_sizes={"pool_A": n_cells, "pool_B": n_cells}, **({} if roles is None else {"roles": roles}))


def _stim_epoch_levels(trials):
    s = trials.epochs["stimulus"]
    ch = list(trials.channels)
    return (trials.inputs[:, s, ch.index("stim_A")].mean(axis=1), trials.inputs[:, s, ch.index("stim_B")].mean(axis=1))


def _network(trials, p_correct=0.95, gain=0.10, noise=0.05, seed=0, n_pref=10, n_none=5):
    """An ANN-shaped activity: hidden units (n_pref prefer A, n_pref prefer B, n_none respond to
    neither) with an attentional gain `gain` on the cued location's units, and softmax outputs
    at p_correct for the cued location."""
    rng = np.random.default_rng(seed)
    s = trials.epochs["stimulus"]
    sa, sb = _stim_epoch_levels(trials)
    att = trials.attended_index()
    n_h = 2 * n_pref + n_none
    hidden = np.zeros((trials.n_trials, trials.n_steps, n_h))
    for i in range(trials.n_trials):
        ga = 1 + gain * (att[i] == 0)
        gb = 1 + gain * (att[i] == 1)
        hidden[i, s, :n_pref] = 2.0 * sa[i] * ga             # rate_in / rate_out = 1 + gain
        hidden[i, s, n_pref:2 * n_pref] = 2.0 * sb[i] * gb
        hidden[i, s, 2 * n_pref:] = 1.0
    hidden += rng.normal(0.0, noise, hidden.shape)          # trial-to-trial noise (sigma_rec, sigma_in)
    out = np.full((trials.n_trials, trials.n_steps, 2), 0.5)
    target = np.asarray(trials.target)
    for i in range(trials.n_trials):
        out[i, s, target[i]] = p_correct
        out[i, s, 1 - target[i]] = 1 - p_correct
    groups = {"hidden": slice(0, n_h), "out_A": slice(n_h, n_h + 1), "out_B": slice(n_h + 1, n_h + 2)}
    return Activity(rates=np.concatenate([hidden, out], axis=2), dt_ms=1.0, groups=groups,
                    selective_groups=("out_A", "out_B"), choice=target.copy(),
                    reaction_time_ms=np.full(trials.n_trials, np.nan), rate_unit="a.u.",
                    roles={"hidden": "hidden", "out_A": "decision", "out_B": "decision"})


# ---------------------------------------------------------------- decision pools are no sensory response

@pytest.mark.parametrize("roles", [{"pool_A": "decision", "pool_B": "decision"}, None],
                         ids=["decision-pools", "plugin-without-roles"])
def test_winner_take_all_pools_are_not_read_as_rate_gain(roles):
    """Before roles, a decision circuit's winner-take-all read as 'rate gain +1900 %', Fano and
    noise-correlation changes (attention_effects on its selective pools)."""
    tr = _trials()
    act = _winner_take_all(tr, roles)
    for metric in (attention_effects, selection_latency, spike_field_coherence):
        with pytest.raises(NotApplicable, match="n/a: no sensory population"):
            metric(tr, act)
    vals, why = signature_values(tr, act)
    for key in ("rate_gain", "fano_change", "noise_corr_change", "selection_latency",
                "sfc_gamma_change", "sfc_low_change"):
        assert vals[key] is None and why[key].startswith("n/a: no sensory population"), (key, vals[key], why[key])
    assert "pool_A" in why["rate_gain"]                       # it says what the model has


def test_decision_pools_are_not_fitted_for_contrast_gain():
    tr = _trials(n=140, contrasts=(0.05, 0.1, 0.2, 0.4, 0.8))
    act = _winner_take_all(tr, {"pool_A": "decision", "pool_B": "decision"})
    with pytest.raises(NotApplicable, match="n/a: no sensory population"):
        attention_gain(tr, act, n_boot=0)


def test_the_same_pools_marked_sensory_are_measured():
    """The n/a comes from the role, not from the data: the same spikes as a sensory population read."""
    tr = _trials()
    act = _winner_take_all(tr, {"pool_A": "sensory", "pool_B": "sensory"})
    assert attention_effects(tr, act)["all"]["rate_change"] > 1.0


# ---------------------------------------------------------------- softmax outputs are no neurons

def test_softmax_outputs_at_p095_are_not_a_rate_gain_of_1800_percent():
    """Before roles, an ANN's 'rate gain' was read from out_A/out_B: at p = 0.95 MI = 0.9 and
    2 MI / (1 - MI) = 18, '+1800 %'. Now it comes from the hidden units that prefer A or B,
    classified on held-out trials: the constructed gain of +10 %."""
    tr = _trials(n=160, conditions=("attend_A", "attend_B", "neutral"))
    act = _network(tr, p_correct=0.95, gain=0.10)
    vals, why = signature_values(tr, act)
    assert vals["rate_gain"] == pytest.approx(0.10, abs=0.03), why["rate_gain"]
    card = model_scorecard(tr, act, n_boot=30)
    assert card["rate_gain"]["estimate"] == pytest.approx(0.10, abs=0.03)
    assert "hidden units classified on" in card["rate_gain"]["population"]
    n_a, n_b = sensory_view(tr, act).n_prefers                  # 10 and 10 built; p < 0.01 per unit
    assert abs(n_a - 10) <= 1 and abs(n_b - 10) <= 1, (n_a, n_b)
    assert card["rate_gain"]["n_trials"] < tr.n_trials          # measured on the held-out half only
    assert card["capacity_ratio"]["population"] == "decision stage / readout"


def test_ann_signatures_are_on_rates_and_fano_needs_spikes():
    """An ANN's hidden units have rates only: attention_effects reads them as rates (spike_counts 0,
    the view says so), the Fano factor and count variance stay undefined, and spike-field
    coherence still needs spike trains."""
    tr = _trials(n=160, conditions=("attend_A", "attend_B", "neutral"))
    act = _network(tr)
    r = attention_effects(tr, act)["all"]
    assert r["spike_counts"] == 0 and np.isnan(r["fano_ratio"]) and np.isnan(r["variance_ratio"])
    assert "rates, no spike counts" in sensory_view(tr, act).source
    with pytest.raises(NotApplicable, match="needs spike trains"):
        spike_field_coherence(tr, act)


def test_ann_whose_hidden_units_prefer_nothing_has_no_sensory_population():
    tr = _trials(n=160, conditions=("attend_A", "attend_B", "neutral"))
    act = _network(tr, n_pref=0, n_none=12)
    with pytest.raises(NotApplicable, match="no sensory population .*0 prefer A and 0 prefer B"):
        sensory_view(tr, act)
    vals, why = signature_values(tr, act)
    assert vals["rate_gain"] is None and "no sensory population" in why["rate_gain"]


# ---------------------------------------------------------------- held-out selectivity classification

def test_split_halves_are_disjoint_and_balanced():
    tr = _trials(n=90, conditions=("attend_A", "attend_B", "neutral"))
    a, b = split_halves(tr)
    assert np.intersect1d(a, b).size == 0 and np.union1d(a, b).size == tr.n_trials
    for label in ("attend_A", "attend_B", "neutral"):
        n_a = (tr.conditions["condition"][a] == label).sum()
        n_b = (tr.conditions["condition"][b] == label).sum()
        assert abs(n_a - n_b) <= 2, (label, n_a, n_b)
    assert np.array_equal(split_halves(tr)[0], a)              # a seeded rule: the same split again


def test_classification_recovers_known_preferences():
    """Units of known preference: A, B, neither (constant), and a cue-driven unit that responds
    to both stimuli alike (neither: the cue is a covariate, not a stimulus preference)."""
    tr = _trials(n=120, conditions=("attend_A", "attend_B", "neutral"), contrasts=(0.2, 0.5))
    rng = np.random.default_rng(3)
    s = tr.epochs["stimulus"]
    sa, sb = _stim_epoch_levels(tr)
    ch = list(tr.channels)
    cue_a = tr.inputs[:, :, ch.index("cue_A")].max(axis=1)
    resp = np.stack([5 * sa, 5 * sb, np.zeros(tr.n_trials), 3 * cue_a + 2 * (sa + sb)], axis=1)
    rates = np.zeros((tr.n_trials, tr.n_steps, 4))
    rates[:, s, :] = resp[:, None, :]
    rates += rng.normal(0, 0.2, rates.shape)
    act = Activity(rates=rates, dt_ms=1.0, groups={"hidden": slice(0, 4)}, selective_groups=("hidden", "hidden"),
                   choice=np.zeros(tr.n_trials, int), reaction_time_ms=np.full(tr.n_trials, np.nan),
                   roles={"hidden": "hidden"})
    fit, _ = split_halves(tr)
    got = classify_selectivity(tr.subset(fit), act.take(fit), np.arange(4))
    assert got.tolist() == [PREFERS_A, PREFERS_B, NEITHER, NEITHER]


def test_classification_without_stimuli_that_vary_apart_prefers_nothing():
    """Only cued trials with equal stimuli at A and B: bA - bB is not estimable, every unit is
    'neither' (the cue alone never passes for a stimulus preference)."""
    tr = _trials(n=60)
    s = tr.epochs["stimulus"]
    att = tr.attended_index()
    rates = np.zeros((tr.n_trials, tr.n_steps, 2))
    rates[:, s, 0] = np.where(att == 0, 2.0, 1.0)[:, None]       # follows the cue only
    rates[:, s, 1] = np.where(att == 1, 2.0, 1.0)[:, None]
    act = Activity(rates=rates + np.random.default_rng(0).normal(0, 0.1, rates.shape), dt_ms=1.0,
                   groups={"hidden": slice(0, 2)}, selective_groups=("hidden", "hidden"),
                   choice=np.zeros(tr.n_trials, int), reaction_time_ms=np.full(tr.n_trials, np.nan),
                   roles={"hidden": "hidden"})
    assert classify_selectivity(tr, act, np.arange(2)).tolist() == [NEITHER, NEITHER]


def test_scorecard_table_says_no_sensory_population_once():
    from attnsim.report import scorecard_table
    tr = _trials(n=40)
    act = _winner_take_all(tr, {"pool_A": "decision", "pool_B": "decision"})
    table = scorecard_table({"spiking": model_scorecard(tr, act, n_boot=5)})
    row = next(line for line in table.splitlines() if line.startswith("| spiking | rate gain"))
    assert "| n/a | " in row and "n/a: no sensory population (decision: pool_A, pool_B)" in row
    assert "n/a: n/a" not in table


def test_signed_hidden_units_give_the_logistic_rate_gain():
    """tanh units are signed: the old scorecard gave no rate gain (n/a). A tanh-range unit h is
    the affine image 2 r - 1 of a sigmoid-rate unit r = (1 + h) / 2 >= 0; the gain is that rate's
    in/out ratio. Built: h = 2 r - 1 with r = 0.2 (1 + gain) on the attended location's units."""
    tr = _trials(n=200, conditions=("attend_A", "attend_B", "neutral"))
    act = _network(tr, gain=0.25, noise=0.02)
    n_h = act.groups["hidden"].stop
    r = act.rates[:, :, :n_h] / 2.0 * 0.4                        # stimulus 0.5 -> r 0.2 out, 0.25 in
    act.rates[:, :, :n_h] = 2 * r - 1                            # signed, within [-1, 1]
    vals, why = signature_values(tr, act)
    assert vals["rate_gain"] == pytest.approx(0.25, abs=0.03), why["rate_gain"]
    raw_ratio = -0.5 / -0.6 - 1                                  # what a ratio of the signed values reads
    assert abs(vals["rate_gain"] - raw_ratio) > 0.3


def test_signed_units_outside_the_tanh_range_give_no_rate_gain():
    tr = _trials(n=160, conditions=("attend_A", "attend_B", "neutral"))
    act = _network(tr)
    n_h = act.groups["hidden"].stop
    act.rates[:, :, :n_h] = 3.0 * act.rates[:, :, :n_h] - 2.0   # signed and beyond [-1, 1]
    vals, why = signature_values(tr, act)
    assert vals["rate_gain"] is None and "needs rates >= 0" in why["rate_gain"]


def _correlated_units(tr, rho_in, rho_out, n_pref=12, seed=0):
    """ANN-shaped activity whose A- and B-preferring units share noise with correlation rho_in on
    trials cueing their location and rho_out otherwise; stimulus drive varies by contrast."""
    rng = np.random.default_rng(seed)
    s = tr.epochs["stimulus"]
    sa, sb = _stim_epoch_levels(tr)
    att = tr.attended_index()
    n_h = 2 * n_pref
    resp = np.zeros((tr.n_trials, n_h))
    for k, (lev, lo) in enumerate(((sa, 0), (sb, n_pref))):
        rho = np.where(att == k, rho_in, rho_out)[:, None]
        z = np.sqrt(rho) * rng.standard_normal((tr.n_trials, 1)) + np.sqrt(1 - rho) * rng.standard_normal((tr.n_trials, n_pref))
        resp[:, lo:lo + n_pref] = np.tanh(0.8 * lev[:, None] + 0.1 * z)
    hidden = np.zeros((tr.n_trials, tr.n_steps, n_h))
    hidden[:, s, :] = resp[:, None, :]
    out = np.full((tr.n_trials, tr.n_steps, 2), 0.5)
    groups = {"hidden": slice(0, n_h), "out_A": slice(n_h, n_h + 1), "out_B": slice(n_h + 1, n_h + 2)}
    return Activity(rates=np.concatenate([hidden, out], axis=2), dt_ms=1.0, groups=groups,
                    selective_groups=("out_A", "out_B"), choice=np.asarray(tr.target).copy(),
                    reaction_time_ms=np.full(tr.n_trials, np.nan), rate_unit="a.u.",
                    roles={"hidden": "hidden", "out_A": "decision", "out_B": "decision"})


def test_noise_correlation_of_hidden_unit_rates_within_identical_stimuli():
    """The old code computed no noise correlation for an ANN ('needs spikes'). Built: correlation
    0.2 attended, 0.4 unattended, on responses that also vary with the contrast (signal the
    within-cell z-scoring must remove): noise_corr_change = 0.2 / 0.4 - 1 = -0.5."""
    tr = _trials(n=600, conditions=("attend_A", "attend_B", "neutral"), contrasts=(0.2, 0.5, 0.8))
    act = _correlated_units(tr, 0.2, 0.4)
    r = attention_effects(tr, act)["all"]
    assert r["noise_corr_in"] == pytest.approx(0.2, abs=0.06)
    assert r["noise_corr_out"] == pytest.approx(0.4, abs=0.06)
    assert r["noise_corr_change"] == pytest.approx(-0.5, abs=0.15)
    vals, _ = signature_values(tr, act)
    assert vals["noise_corr_change"] == pytest.approx(r["noise_corr_change"])
