"""TrialBatch (models.rate_run): build once / run many, inputs written in place, padding,
seeding, and the small input / onset helpers, on a toy one-variable network."""
import numpy as np
import pytest

from attnsim.models.rate_run import BuiltBatch, TrialBatch, onset_record_bins, pool_drive

TAU_MS, SIM_DT_MS = 10.0, 0.5


def make_build(calls, sigma=0.0):
    """Leaky integrator per trial, tau dv/dt = P(t, i) - v (+ noise): Euler on a 0.5 ms grid."""
    def build(n, n_steps, dt_ms):
        import brian2 as b2
        b2.prefs.codegen.target = "numpy"
        calls.append((n, n_steps, dt_ms))
        P = b2.TimedArray(np.zeros((n_steps, n)), dt=dt_ms * b2.ms)
        g = b2.NeuronGroup(n, "dv/dt = (P(t, i) - v) / tau + sigma * xi / sqrt(tau) : 1", method="euler",
                           namespace={"P": P, "tau": TAU_MS * b2.ms, "sigma": sigma}, dt=SIM_DT_MS * b2.ms)
        mon = b2.StateMonitor(g, "v", record=True, dt=1.0 * b2.ms)
        net = b2.Network(g, mon)
        net.store("init")
        return BuiltBatch(b2, net, mon, (P,), n, n_steps, float(dt_ms))
    return build


def euler(drive, n_rec):
    """numpy Euler of the same integrator, sampled every 1 ms (before each 2-step block)."""
    v = np.zeros(drive.shape[0])
    out = np.zeros((drive.shape[0], n_rec))
    for k in range(2 * n_rec):
        if k % 2 == 0:
            out[:, k // 2] = v
        v = v + SIM_DT_MS / TAU_MS * (drive[:, k // 2] - v)   # input dt 1 ms = 2 sim steps
    return out


def test_noise_free_run_matches_euler_and_reuses_the_network():
    calls = []
    batch = TrialBatch(make_build(calls), "numpy")
    assert batch.net is None
    drive = np.linspace(0.0, 1.0, 4)[:, None] * np.ones((4, 50))
    v = batch.simulate([drive], 1.0, 1, ("v",), 1.0)["v"]
    assert v.shape == (4, 50)
    np.testing.assert_allclose(v, euler(drive, 50), rtol=1e-10, atol=1e-12)
    net = batch.net
    # fewer trials, same duration: no rebuild; the unused built trials get zero input
    v2 = batch.simulate([drive[:2] * 2], 1.0, 1, ("v",), 1.0)["v"]
    assert batch.net is net and len(calls) == 1 and v2.shape == (2, 50)
    np.testing.assert_allclose(v2, euler(drive[:2] * 2, 50), rtol=1e-10, atol=1e-12)
    # restore("init") between runs: a repeat of the first call gives the first result
    assert np.array_equal(batch.simulate([drive], 1.0, 1, ("v",), 1.0)["v"], v)
    # more trials or another duration: rebuilt
    batch.simulate([np.ones((6, 50))], 1.0, 1, ("v",), 1.0)
    batch.simulate([np.ones((6, 30))], 1.0, 1, ("v",), 1.0)
    assert calls == [(4, 50, 1.0), (6, 50, 1.0), (6, 30, 1.0)]


def test_seed_fixes_the_noise():
    batch = TrialBatch(make_build([], sigma=0.1), "numpy")
    drive = np.zeros((3, 40))
    a = batch.simulate([drive], 1.0, 7, ("v",), 1.0)["v"]
    b = batch.simulate([drive], 1.0, 7, ("v",), 1.0)["v"]
    c = batch.simulate([drive], 1.0, 8, ("v",), 1.0)["v"]
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    assert np.std(a[:, 20:]) > 0


def test_wrong_number_of_drives_is_rejected():
    batch = TrialBatch(make_build([]), "numpy")
    with pytest.raises(ValueError, match="drives"):
        batch.simulate([np.zeros((2, 10))] * 2, 1.0, 0, ("v",), 1.0)


def test_pool_drive_and_onset_bins():
    x = np.zeros((2, 5, 3))
    x[:, 2:, 0] = 0.5      # stim_A from step 2
    x[:, 3:, 1] = 1.0      # stim_B from step 3
    x[0, :, 2] = 1.0       # cue_A, trial 0
    a, b = pool_drive(x, ("stim_A", "stim_B", "cue_A"), 2.0, 0.25)
    np.testing.assert_allclose(a, 2.0 * x[:, :, 0] + 0.25 * x[:, :, 2])
    np.testing.assert_allclose(b, 2.0 * x[:, :, 1])                  # no cue_B channel: stimulus only
    # onset at step 2 of 3 ms steps = 6 ms -> first 4 ms record bin at or after it is bin 2 (8 ms)
    assert onset_record_bins(x, ("stim_A", "stim_B", "cue_A"), 3.0, 4.0).tolist() == [2, 2]
