"""Normalization model of attention: closed forms and validation row 8 (Reynolds & Heeger 2009 Fig. 2).

Ranges written from the paper before running: large attention field vs stimulus
(Fig. 2A, stimulus width 3, field width 30, peak gain 2) -> contrast gain, c50
lower by about x2 (the gain), Rmax unchanged; small field (Fig. 2B, stimulus 5,
field 3) -> response gain, Rmax ratio about 1.4.
"""
import numpy as np
import pytest

from attnsim.models.normalization import (Normalization, NormalizationParams, contrast_response,
                                  fit_naka_rushton, naka_rushton, population_response)

CONTRASTS = np.logspace(-3, 0.5, 22)


def _gain_ratios(**kw):
    p = NormalizationParams(**kw)
    att = fit_naka_rushton(CONTRASTS, contrast_response(p, CONTRASTS, True))
    un = fit_naka_rushton(CONTRASTS, contrast_response(p, CONTRASTS, False))
    return un["c50"] / att["c50"], att["r_max"] / un["r_max"], att, un


def test_naka_rushton_fit_recovers_parameters():
    c = np.logspace(-2, 0, 15)
    fit = fit_naka_rushton(c, naka_rushton(c, 30.0, 0.12, 2.0))
    assert fit["r_max"] == pytest.approx(30.0, rel=1e-4)
    assert fit["c50"] == pytest.approx(0.12, rel=1e-4)
    assert fit["n"] == pytest.approx(2.0, rel=1e-4)


def test_response_depends_on_contrast_over_sigma():
    p1, p2 = NormalizationParams(sigma=1e-3), NormalizationParams(sigma=2e-3)
    np.testing.assert_allclose(contrast_response(p1, [0.05], True), contrast_response(p2, [0.1], True), rtol=1e-10)


def test_uniform_attention_equals_lower_sigma():
    # With a spatially uniform gain g, R = g E / (g I + sigma) = E / (I + sigma / g): exact contrast gain.
    p = NormalizationParams(attention_width=1e6, attention_amplitude=1.0)
    stims = [(100.0, 0.0, 0.2)]
    attended = population_response(p, stims, [(0.0, 1.0)])
    lower = population_response(NormalizationParams(attention_width=1e6, sigma=p.sigma / 2), stims)
    np.testing.assert_allclose(attended, lower, rtol=1e-6, atol=1e-12)


def test_large_attention_field_gives_contrast_gain():
    c50_ratio, rmax_ratio, att, un = _gain_ratios(stim_width=3.0, attention_width=30.0)
    assert 1.7 < c50_ratio < 2.3
    assert 0.95 < rmax_ratio < 1.05


def test_small_attention_field_gives_response_gain():
    c50_small, rmax_ratio, _, _ = _gain_ratios(stim_width=5.0, attention_width=3.0)
    c50_large, _, _, _ = _gain_ratios(stim_width=3.0, attention_width=30.0)
    assert 1.25 < rmax_ratio < 1.55
    assert c50_small < c50_large


def test_selective_task_cued_pool_is_higher_and_chosen():
    n_steps = 60
    inp = np.zeros((3, n_steps, 4))
    inp[:, 20:50, 0] = inp[:, 20:50, 1] = 0.3
    inp[0, 10:50, 2] = 1.0        # attend A
    inp[1, 10:50, 3] = 1.0        # attend B
    inp[2, 20:50, 1] = 0.15       # neutral, A stronger
    act = Normalization().run(inp, 10.0, ("stim_A", "stim_B", "cue_A", "cue_B"), seed=0)
    ra, rb = act.group_rate("pool_A"), act.group_rate("pool_B")
    assert np.all(ra[0, 20:50] > rb[0, 20:50]) and np.all(rb[1, 20:50] > ra[1, 20:50])
    assert list(act.choice) == [0, 1, 0]
    assert np.all(act.rates[:, :20] == 0) and np.all(act.rates[:, 50:] == 0)
    np.testing.assert_allclose(ra[0, 20:50], ra[0, 20])  # steady state: constant while inputs are


def test_poisson_readout_is_unbiased_with_poisson_variance_and_reproducible():
    n_trials, n_steps, dt_ms, n_neurons = 400, 50, 10.0, 20
    inp = np.zeros((n_trials, n_steps, 4))
    inp[:, 10:, 0] = inp[:, 10:, 1] = 0.3
    channels = ("stim_A", "stim_B", "cue_A", "cue_B")
    clean = Normalization().run(inp, dt_ms, channels, seed=0).group_rate("pool_A")
    model = Normalization(NormalizationParams(n_neurons=n_neurons))
    noisy = model.run(inp, dt_ms, channels, seed=3).group_rate("pool_A")
    lam = clean[0, 10] * n_neurons * dt_ms * 1e-3          # expected count per step
    counts = noisy[:, 10:] * n_neurons * dt_ms * 1e-3
    assert lam > 1
    np.testing.assert_allclose(counts, np.round(counts), atol=1e-9)   # whole spike counts
    assert counts.mean() == pytest.approx(lam, rel=0.02)
    assert counts.var() == pytest.approx(lam, rel=0.05)                # Poisson: variance = mean
    assert np.all(noisy[:, :10] == 0)                                  # no spikes without a stimulus
    np.testing.assert_array_equal(noisy, model.run(inp, dt_ms, channels, seed=3).group_rate("pool_A"))
    assert not np.array_equal(noisy, model.run(inp, dt_ms, channels, seed=4).group_rate("pool_A"))


def test_poisson_observer_chooses_by_stimulus_epoch_counts():
    # A at twice B's contrast: a one-neuron observer comparing whole-epoch counts is right far more
    # often than chance, and it makes a choice on every trial (ties are guessed)
    n_trials, n_steps = 300, 60
    inp = np.zeros((n_trials, n_steps, 4))
    inp[:, 10:, 0], inp[:, 10:, 1] = 0.03, 0.015
    act = Normalization(NormalizationParams(n_neurons=1)).run(inp, 10.0, ("stim_A", "stim_B", "cue_A", "cue_B"),
                                                              seed=1)
    assert set(np.unique(act.choice)) <= {0, 1}
    counts = act.rates[:, 10:].sum(axis=1)
    expected = np.where(counts[:, 0] > counts[:, 1], 0, np.where(counts[:, 1] > counts[:, 0], 1, act.choice))
    np.testing.assert_array_equal(act.choice, expected)
    assert (act.choice == 0).mean() > 0.6
