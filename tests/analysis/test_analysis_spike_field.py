"""Spike-field coherence (docs/reference.md row 11) on synthetic populations with known locking."""
import numpy as np
import pytest

from attnsim.analysis.gamma import gamma_power
from attnsim.analysis.spike_field import pooled_coherence, spike_field_coherence
from attnsim.models.activity import Activity
from attnsim.tasks.selective import make_selective

TIMING = {"fixation": 200, "cue": 100, "stimulus": 500, "response": 100}


def _population(tr, rate_hz, n_cells, depth=0.0, f_hz=50.0, evoked=1.0, seed=0):
    """Bernoulli spikes in 1 ms bins at rate(t) = rate_hz (1 + depth cos(2 pi f t + phase_trial)) in the
    stimulus epoch, the phase random on each trial (an induced oscillation), times an evoked
    transient (x(1 + evoked) in the first 60 ms after onset, the same on every trial)."""
    rng = np.random.default_rng(seed)
    t = np.arange(tr.n_steps) * tr.dt_ms
    t0, t1 = tr.epoch_ms("stimulus")
    trains = []
    for _ in range(tr.n_trials):
        lam = np.full(t.size, rate_hz)
        on = (t >= t0) & (t < t1)
        lam[on] *= 1 + depth * np.cos(2 * np.pi * f_hz * t[on] / 1000.0 + rng.uniform(0, 2 * np.pi))
        lam[(t >= t0) & (t < t0 + 60)] *= 1 + evoked
        hit = rng.random((n_cells, t.size)) < lam[None, :] * tr.dt_ms * 1e-3
        ids, bins = np.nonzero(hit)
        trains.append((ids, t[bins] + 0.5 * tr.dt_ms))
    return Activity(rates=np.zeros((tr.n_trials, tr.n_steps, 1)), dt_ms=tr.dt_ms, groups={"pop": slice(0, 1)},
                    selective_groups=("pop", "pop"), choice=np.zeros(tr.n_trials, int),
                    reaction_time_ms=np.full(tr.n_trials, np.nan), spikes={"pop": trains},
                    group_sizes={"pop": n_cells})


@pytest.fixture(scope="module")
def trials():
    return make_selective(n_trials=40, dt_ms=1.0, timing_ms=TIMING, contrasts=[0.5], conditions=["attend_A"], seed=0)


def test_poisson_population_reads_the_floor(trials):
    """No oscillation, an evoked transient on every trial: coherence at its trial-shuffled floor.

    gamma_power (relative power of 1 ms counts) reads about 0.5 on the same population."""
    act = _population(trials, 15.0, 60)
    out = spike_field_coherence(trials, act, groups=["pop"])["all"]
    for band in ("gamma", "low"):
        assert out[f"pop/ppc_{band}"] == pytest.approx(out[f"pop/ppc_{band}_floor"], abs=0.004)
        assert out[f"pop/ppc_{band}"] == pytest.approx(0.0, abs=0.004)
        assert out[f"pop/sfc_{band}"] == pytest.approx(out[f"pop/sfc_{band}_floor"], rel=0.15)
    assert gamma_power(trials, act)["all"]["pop"] > 0.4          # what the relative power reads


@pytest.mark.parametrize("rate_hz,n_cells", [(10.0, 150), (30.0, 150), (10.0, 400)])
def test_same_oscillation_same_coherence_at_any_rate_and_size(trials, rate_hz, n_cells):
    """Depth 0.6 at 50 Hz: each spike's phase density 1 + 0.6 cos, so the locking |E e^(i phase)|^2 is
    0.3^2 = 0.09 whatever the rate and the number of cells (the field's phase, estimated from the
    other cells' spikes, lowers it a little where cells x rate is small)."""
    out = spike_field_coherence(trials, _population(trials, rate_hz, n_cells, depth=0.6, seed=7), groups=["pop"])["all"]
    ref = spike_field_coherence(trials, _population(trials, 10.0, 150, depth=0.6, seed=8), groups=["pop"])["all"]
    assert out["pop/ppc_gamma"] == pytest.approx(ref["pop/ppc_gamma"], rel=0.15)
    assert out["pop/ppc_gamma"] == pytest.approx(0.09, abs=0.015)
    assert out["pop/ppc_gamma"] > 10 * abs(out["pop/ppc_gamma_floor"]) + 0.01
    assert out["pop/ppc_low"] == pytest.approx(0.0, abs=0.005)
    assert out["pop/sfc_gamma"] > 2 * out["pop/sfc_gamma_floor"]


def test_pooled_coherence_of_one_trial_equals_elephant():
    neo = pytest.importorskip("neo")
    quantities = pytest.importorskip("quantities")
    from elephant.sta import spike_field_coherence as elephant_sfc
    rng = np.random.default_rng(1)
    n, fs = 2000, 1000.0
    t = np.arange(n) / fs
    lfp = np.sin(2 * np.pi * 40 * t) + rng.normal(0, 1.0, n)
    spikes = (rng.random(n) < 0.02 * (1 + np.sin(2 * np.pi * 40 * t))).astype(float)
    f, c = pooled_coherence(spikes[None, :], lfp[None, :], fs, nperseg=256)
    signal = neo.AnalogSignal(lfp[:, None], units="mV", sampling_rate=fs * quantities.Hz)
    train = neo.SpikeTrain((np.flatnonzero(spikes) / fs) * quantities.s, t_stop=n / fs * quantities.s)
    ref, fr = elephant_sfc(signal, train, nperseg=256)
    np.testing.assert_allclose(f, fr.magnitude)
    np.testing.assert_allclose(c, ref.magnitude[:, 0], rtol=1e-8, atol=1e-12)


def test_ppc1_with_one_spike_per_trial_is_vincks_closed_form_of_elephants_resultant():
    """One spike per trial: PPC1 = PPC0 = (n R^2 - 1) / (n - 1), R the mean resultant length
    (Vinck et al. 2010, eq. 13), here from elephant.phase_analysis.mean_phase_vector."""
    from elephant.phase_analysis import mean_phase_vector
    from attnsim.analysis.spike_field import _ppc1
    rng = np.random.default_rng(4)
    phases = rng.vonmises(0.5, 1.0, 300)
    _, r = mean_phase_vector(phases)
    n = phases.size
    got = _ppc1(np.exp(1j * phases), np.zeros(n, np.int64), np.arange(n), 1, n)[0]
    assert got == pytest.approx((n * r ** 2 - 1) / (n - 1), rel=1e-10)
