"""Mean field of the spiking attention circuit's WM ring (models/attention_circuit_spiking_meanfield.py)."""
import numpy as np
import pytest
from scipy.integrate import quad
from scipy.special import erf

from attnsim.models.attention_circuit_params import AttentionCircuitParams
from attnsim.models.attention_circuit_spiking_meanfield import (critical_w_plus, gated_input, nmda_gating_mean,
                                                                 population_input, siegert_rate_hz, siegert_rates_hz,
                                                                 steady_states)

P = AttentionCircuitParams()
CELL = dict(tau_ms=10.0, tau_ref_ms=2.0, V_th_mV=-50.0, V_reset_mV=-60.0)


def direct_siegert_hz(mu, sigma, tau_ms, tau_ref_ms, V_th_mV, V_reset_mV):
    """White-noise Siegert formula with the raw integrand e^{u^2} (1 + erf u); bounds above -3.5 only
    (below, 1 + erf u cancels: the reason for the erfcx form)."""
    integral, _ = quad(lambda u: np.exp(u * u) * (1.0 + erf(u)), (V_reset_mV - mu) / sigma, (V_th_mV - mu) / sigma,
                       epsrel=1e-10, limit=200)
    return 1e3 / (tau_ref_ms + tau_ms * np.sqrt(np.pi) * integral)


@pytest.mark.parametrize("mu, sigma", [(-55.0, 3.0), (-52.0, 2.5), (-48.0, 4.0), (-58.0, 5.0)])
def test_siegert_erfcx_matches_direct_quadrature(mu, sigma):
    assert siegert_rate_hz(mu, sigma, **CELL) == pytest.approx(direct_siegert_hz(mu, sigma, **CELL), rel=1e-7)


@pytest.mark.parametrize("mu", [-49.0, -45.0, -30.0])
def test_siegert_small_noise_is_the_deterministic_lif_rate(mu):
    """sigma -> 0 above threshold: 1/nu = tau_ref + tau ln((mu - V_reset) / (mu - V_th))."""
    expected = 1e3 / (CELL["tau_ref_ms"] + CELL["tau_ms"] * np.log((mu + 60.0) / (mu + 50.0)))
    assert siegert_rate_hz(mu, 0.02, **CELL) == pytest.approx(expected, rel=2e-3)


def test_siegert_limits():
    assert siegert_rate_hz(-65.0, 1.0, **CELL) < 1e-20                  # 15 sigma below threshold
    assert siegert_rate_hz(-59.0, 2.0, **CELL, tau_syn_ms=2.0) < 1e-3
    strong = siegert_rate_hz(1e4, 2.0, **CELL)
    assert 0.95e3 / CELL["tau_ref_ms"] < strong < 1e3 / CELL["tau_ref_ms"]


def test_synaptic_filter_raises_the_threshold():
    """Fourcaud-Brunel: filtered noise (tau_syn > 0) fires less than white noise at the same mu, sigma."""
    assert siegert_rate_hz(-52.0, 2.0, **CELL, tau_syn_ms=2.0) < siegert_rate_hz(-52.0, 2.0, **CELL)


def simulated_gating_mean(nu_hz, n_trains=2000, t_ms=2000.0, burn_ms=500.0, dt=0.05, seed=0):
    """<s> of ds/dt = -s/tau_d + alpha x (1 - s), x += 1 per Poisson spike, dx/dt = -x/tau_r
    (semi-implicit midpoint steps); returns (mean, standard error over trains)."""
    rng = np.random.default_rng(seed)
    tr, td, a = P.tau_NMDA_rise_ms, P.tau_NMDA_decay_ms, P.alpha_NMDA_per_ms
    x, s, acc, n = np.zeros(n_trains), np.zeros(n_trains), np.zeros(n_trains), 0
    for i in range(int(t_ms / dt)):
        x += rng.random(n_trains) < nu_hz * 1e-3 * dt
        xm = x * np.exp(-dt / (2 * tr))
        s = (s * (1 - dt / 2 * (1 / td + a * xm)) + dt * a * xm) / (1 + dt / 2 * (1 / td + a * xm))
        x *= np.exp(-dt / tr)
        if i * dt >= burn_ms:
            acc += s
            n += 1
    per_train = acc / n
    return per_train.mean(), per_train.std(ddof=1) / np.sqrt(n_trains)


@pytest.mark.parametrize("nu_hz", [5.0, 40.0])
def test_nmda_gating_mean_matches_a_simulated_poisson_train(nu_hz):
    psi = nmda_gating_mean(nu_hz, P.tau_NMDA_rise_ms, P.tau_NMDA_decay_ms, P.alpha_NMDA_per_ms)
    mean, se = simulated_gating_mean(nu_hz)
    assert abs(psi - mean) < 4 * se + 1e-3           # 1e-3: the O(dt) bias of the simulation
    # and the unsaturated limit nu tau_N / (1 + nu tau_N), tau_N = alpha tau_r tau_d, is clearly wrong
    tau_n = P.alpha_NMDA_per_ms * P.tau_NMDA_rise_ms * P.tau_NMDA_decay_ms * 1e-3
    assert abs(nu_hz * tau_n / (1 + nu_hz * tau_n) - mean) > 10 * se


@pytest.fixture(scope="module")
def states():
    return {w: steady_states(P, 8, w) for w in (1.0, 2.0)}


def test_spontaneous_state_is_low_stable_and_independent_of_w_plus(states):
    s1, s2 = states[1.0], states[2.0]
    assert np.allclose(s1.spontaneous[:8], s1.spontaneous[0])          # symmetric
    assert 0.05 < s1.spontaneous[0] < 5.0 and s1.spontaneous[0] < s1.spontaneous[8] < 20.0
    assert s1.spontaneous_stable and s2.spontaneous_stable
    # the footprint's mean is 1 whatever w+: the uniform state does not move
    assert np.allclose(s1.spontaneous, s2.spontaneous, rtol=1e-6)


def test_memory_state_absent_at_w1_present_at_w2(states):
    assert states[1.0].memory is None
    mem = states[2.0].memory
    assert mem is not None and mem[0] > 20.0 and np.all(mem[1:8] < mem[0] / 5)


def test_memory_exists_exactly_above_critical_w_plus():
    w_c = critical_w_plus(P, 8, w_lo=1.0, w_hi=2.0, tol=0.05)
    assert 1.0 < w_c < 2.0
    for w in (w_c - 0.06,):
        assert steady_states(P, 8, w).memory is None, w
    for w in (w_c + 0.06,):
        assert steady_states(P, 8, w).memory is not None, w


def test_tabulated_siegert_matches_quad_over_the_circuit_range():
    """siegert_rates_hz (table of the integral) against siegert_rate_hz (quad) on random inputs
    covering sub- and suprathreshold drive, weak to strong noise, both cell types, with the
    synaptic-filter correction: rates above 1 mHz agree to 1e-5 relative; arrays broadcast."""
    rng = np.random.default_rng(3)
    mu, sigma = rng.uniform(-75.0, -10.0, 400), rng.uniform(0.3, 8.0, 400)
    tau, tau_ref = rng.uniform(3.0, 25.0, 400), rng.choice([1.0, 2.0], 400)
    got = siegert_rates_hz(mu, sigma, tau, tau_ref, -50.0, -60.0, 2.0)
    want = np.array([siegert_rate_hz(*a, -50.0, -60.0, 2.0) for a in zip(mu, sigma, tau, tau_ref)])
    assert got.shape == (400,)
    firing = want > 1e-3
    assert firing.sum() > 200 and (~firing).sum() > 20
    np.testing.assert_allclose(got[firing], want[firing], rtol=1e-5)
    assert np.all(got[~firing] < 2e-3)
    assert siegert_rates_hz(np.full((2, 3), -52.0), 3.0, 10.0, 2.0, -50.0, -60.0).shape == (2, 3)


def test_gated_input_at_stationary_gatings_is_population_input_and_batches():
    """gated_input with each gating at its stationary mean (nu tau_AMPA, psi(nu), nu_I tau_GABA) is
    population_input; over a leading batch axis each row is its own state, and a current added to
    one pool raises only that pool's mean input."""
    nu_E = np.array([40.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.5, 1.0])
    psi = nmda_gating_mean(nu_E, P.tau_NMDA_rise_ms, P.tau_NMDA_decay_ms, P.alpha_NMDA_per_ms)
    ref = population_input(nu_E, 6.0, P, 1.5)
    nu = np.r_[nu_E, 6.0]
    one = gated_input(nu, nu_E * P.tau_AMPA_ms * 1e-3, psi, 6.0 * P.tau_GABA_ms * 1e-3, P, 1.5)
    for field in ("mu_mV", "sigma_mV", "tau_ms", "V_mean_mV"):
        np.testing.assert_allclose(getattr(one, field), getattr(ref, field), rtol=1e-12)
    batch = gated_input(np.stack([nu, np.r_[np.full(8, 0.5), 2.8]]), np.stack([nu_E, np.full(8, 0.5)]) * 2e-3,
                        np.stack([psi, np.full(8, psi[2])]), np.array([0.06, 0.028]), P, 1.5)
    assert batch.mu_mV.shape == (2, 9)
    np.testing.assert_allclose(batch.mu_mV[0], one.mu_mV, rtol=1e-12)
    cue = np.zeros(9)
    cue[3] = 0.3
    cued = gated_input(nu, nu_E * 2e-3, psi, 0.06, P, 1.5, I_extra_nA=cue)
    assert cued.mu_mV[3] > one.mu_mV[3] + 1.0
    np.testing.assert_allclose(np.delete(cued.mu_mV, 3), np.delete(one.mu_mV, 3), rtol=1e-12)
