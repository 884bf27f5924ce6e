"""causal_boxcar_rate / causal_boxcar_mean: known answers, both start conventions, and equality
with the three hand-written windows they replaced (spiking_competition, brunel_network readout,
microcircuit attention_columns), kept here verbatim as references."""
import numpy as np
import pytest

from attnsim.models.rate_smoothing import causal_boxcar_mean, causal_boxcar_rate, window_bins


def test_known_counts_available_and_window_start():
    # 1 ms bins, 3-bin window; counts 3, 0, 6, 0, 0, 3
    counts = np.array([3.0, 0.0, 6.0, 0.0, 0.0, 3.0])
    avail = causal_boxcar_rate(counts, 3.0, 1.0, start="available")
    # sums 3, 3, 9, 6, 6, 3 over 1, 2, 3, 3, 3, 3 bins of 1 ms
    np.testing.assert_allclose(avail, [3000.0, 1500.0, 3000.0, 2000.0, 2000.0, 1000.0])
    full = causal_boxcar_rate(counts, 3.0, 1.0, start="window")
    np.testing.assert_allclose(full, [1000.0, 1000.0, 3000.0, 2000.0, 2000.0, 1000.0])


def test_causal_no_look_ahead_and_steady_rate():
    counts = np.zeros(50)
    counts[30] = 1.0
    r = causal_boxcar_rate(counts, 5.0, 0.5, start="available")       # w = 10 bins
    assert np.all(r[:30] == 0.0)                                        # nothing before the spike
    np.testing.assert_allclose(r[30:40], 1.0 / (10 * 0.5e-3))          # one spike in a 5 ms window
    assert np.all(r[40:] == 0.0)                                        # gone after w bins
    # a constant train of 2 spikes per 2 ms bin is 1000 Hz once the window is full
    const = causal_boxcar_rate(np.full(30, 2.0), 10.0, 2.0, start="window")
    np.testing.assert_allclose(const[4:], 1000.0)
    np.testing.assert_allclose(const[:4], 1000.0 * np.arange(1, 5) / 5)


def test_mean_of_rates_and_axis():
    x = np.arange(12.0).reshape(3, 4)                 # 3 trials x 4 bins
    m = causal_boxcar_mean(x, 2.0, 1.0, axis=1, start="available")
    np.testing.assert_allclose(m, [[0, 0.5, 1.5, 2.5], [4, 4.5, 5.5, 6.5], [8, 8.5, 9.5, 10.5]])
    np.testing.assert_allclose(causal_boxcar_mean(x.T, 2.0, 1.0, axis=0, start="available"), m.T)
    assert window_bins(0.1, 1.0) == 1 and window_bins(20.0, 0.5) == 40


def test_bad_start_is_rejected():
    with pytest.raises(ValueError, match="start"):
        causal_boxcar_rate(np.zeros(3), 1.0, 1.0, start="centred")


# --- the implementations that were replaced, verbatim -----------------------------------------
def old_spiking_competition(counts, sizes, rate_window_ms, rec):
    n_bins = counts.shape[1]
    w = max(1, int(round(rate_window_ms / rec)))
    cs = np.cumsum(counts, axis=1)
    win = cs.copy()
    win[:, w:] -= cs[:, :-w]
    width_s = np.minimum(np.arange(1, n_bins + 1), w) * rec * 1e-3
    return win / width_s[None, :, None] / sizes[None, None, :]


def old_brunel_readout(rates, rec):
    w = max(1, int(round(20.0 / rec)))
    kernel = np.ones(w) / w
    return [np.apply_along_axis(lambda r: np.convolve(r, kernel)[:r.size], 1, rates[:, :, k]) for k in (0, 1)]


def old_microcircuit(counts, rate_window_ms, dt_ms):
    n_steps = counts.size
    w = max(1, int(round(rate_window_ms / dt_ms)))
    kernel = np.ones(w) / (w * dt_ms * 1e-3)
    return np.convolve(counts, kernel)[:n_steps]


@pytest.mark.parametrize("seed", range(5))
def test_equal_to_replaced_implementations(seed):
    rng = np.random.default_rng(seed)
    # spiking_competition: (trials, bins, 4 groups) counts, window 50 ms at 5 ms bins and odd cases
    for window, rec, n_bins in ((50.0, 5.0, 240), (7.0, 0.5, 33), (3.0, 5.0, 5), (500.0, 5.0, 20)):
        counts = rng.poisson(3.0, size=(3, n_bins, 4)).astype(float)
        sizes = np.array([60.0, 60.0, 280.0, 100.0])
        new = causal_boxcar_rate(counts, window, rec, axis=1, start="available") / sizes[None, None, :]
        assert np.array_equal(new, old_spiking_competition(counts, sizes, window, rec))
    # brunel readout: population rates in Hz at 0.5 ms bins
    rates = rng.gamma(2.0, 10.0, size=(4, 601, 3))
    old = old_brunel_readout(rates, 0.5)
    for k in (0, 1):
        assert np.array_equal(causal_boxcar_mean(rates[:, :, k], 20.0, 0.5, axis=1, start="window"), old[k])
    # microcircuit: per-cell counts per step, several windows and steps
    for window, dt, n in ((20.0, 1.0, 700), (20.0, 0.1, 250), (5.0, 0.5, 9), (0.01, 1.0, 30)):
        counts = rng.poisson(2.0, size=n) / 77.0
        assert np.array_equal(causal_boxcar_rate(counts, window, dt, start="window"),
                              old_microcircuit(counts, window, dt))
