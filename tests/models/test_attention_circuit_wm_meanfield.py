"""The spiking circuit's WM ring as rates (models/attention_circuit_wm_meanfield.py): its fixed
points are the mean field's, and it holds a cue exactly on the mean field's side of w_c."""
import numpy as np
import pytest

from attnsim.models.attention_circuit_spiking_meanfield import critical_w_plus, steady_states
from attnsim.models.attention_circuit_wm_meanfield import (AttentionCircuitWMMeanField,
                                                           AttentionCircuitWMMeanFieldParams, window_rates)
from attnsim.models.errors import AttnsimError
from attnsim.models.registry import FAMILIES

P = 8
RING = tuple(f"stim_f{k}" for k in range(P)) + tuple(f"cue_f{k}" for k in range(P))


def cue_delay(n_steps=1500, cue_on=(200, 500), pool=0):
    """One trial, 1 ms steps: cue drive 1 on `pool` during cue_on, then a delay without input."""
    x = np.zeros((1, n_steps, 2 * P))
    x[0, cue_on[0]:cue_on[1], P + pool] = 1.0
    return x


def run(w_plus, x=None, channels=RING, **params):
    model = AttentionCircuitWMMeanField(AttentionCircuitWMMeanFieldParams(w_plus=w_plus, **params))
    return model.run(cue_delay() if x is None else x, 1.0, channels, seed=1)


def test_registered_as_a_brain_family():
    assert FAMILIES.get("attention_circuit_wm_meanfield").obj is AttentionCircuitWMMeanField
    assert AttentionCircuitWMMeanField.kind == "brain"


def test_rest_and_held_state_are_the_mean_field_fixed_points():
    """Before the cue the pools sit on the spontaneous state; 1.5 s after a cue at w+ 1.5 the ring
    sits on steady_states' memory state (cued pool, flanks, interneurons) within 0.5 %."""
    w = 1.5
    states = steady_states(None, P, w)
    act = run(w, cue_delay(n_steps=2500))
    rates = act.rates[0]
    np.testing.assert_allclose(rates[30], states.spontaneous, rtol=1e-3)
    np.testing.assert_allclose(rates[-1], states.memory, rtol=5e-3)
    assert act.groups["wm_f0"] == slice(0, 1) and act.groups["wm_inh"] == slice(P, P + 1)
    assert set(act.roles.values()) == {"hidden"}
    assert np.all(act.choice == -1) and np.all(np.isnan(act.reaction_time_ms))


def test_holds_the_cue_exactly_on_the_mean_field_side_of_w_c():
    """A cue is held through a 2 s delay at w_c + 0.01 and lost at w_c - 0.03 (the slow passage
    near the fold makes the return take longer than 1 s just below w_c, so the check below w_c
    leaves 0.03)."""
    w_c = critical_w_plus(None, P, w_lo=1.2, w_hi=1.6, tol=2e-3)
    x = cue_delay(n_steps=2500)
    held = run(w_c + 0.01, x).rates[0, -1]
    lost = run(w_c - 0.03, x).rates[0, -1]
    spont = steady_states(None, P, w_c).spontaneous
    assert held[0] > 20.0 and np.all(held[1:P] < 2.0)
    np.testing.assert_allclose(lost, spont, rtol=0.05)


def test_two_location_cue_drives_only_its_pool():
    channels = ("stim_A", "stim_B", "cue_A", "cue_B")
    x = np.zeros((2, 600, 4))
    x[0, 100:400, 2] = 1.0          # trial 0: cue A
    x[1, 100:400, 3] = 1.0          # trial 1: cue B
    act = run(1.62, x, channels)
    a, b = act.rates[:, :, 0], act.rates[:, :, 1]
    assert act.selective_groups == ("wm_f0", "wm_f1")
    assert a[0, 70] > 10 * b[0, 70] and b[1, 70] > 10 * a[1, 70]


def test_same_numbers_whatever_the_seed_and_the_batch():
    model = AttentionCircuitWMMeanField(AttentionCircuitWMMeanFieldParams(w_plus=1.45))
    x = np.concatenate([cue_delay(600, (100, 300), k) for k in (0, 3)])
    both = model.run(x, 1.0, RING, seed=1).rates
    np.testing.assert_array_equal(both, model.run(x, 1.0, RING, seed=7).rates)
    np.testing.assert_array_equal(both[1:], model.run(x[1:], 1.0, RING, seed=1).rates)


def test_window_rates_is_a_causal_moving_average():
    rng = np.random.default_rng(0)
    a = rng.random((2, 40, 3))
    got = window_rates(a, 0.5, 5.0, 2.0)           # window 10 steps, sampled every 4 steps
    assert got.shape == (2, 10, 3)
    for i, end in enumerate(range(4, 41, 4)):
        np.testing.assert_allclose(got[:, i], a[:, max(0, end - 10):end].mean(axis=1))


def test_refuses_an_input_step_that_is_not_a_multiple_of_the_integration_step():
    with pytest.raises(AttnsimError, match="not a multiple of sim_dt_ms"):
        AttentionCircuitWMMeanField(AttentionCircuitWMMeanFieldParams(sim_dt_ms=0.3)).run(
            cue_delay(100), 1.0, RING, seed=1)
    with pytest.raises(AttnsimError, match="cue_A"):
        AttentionCircuitWMMeanField().run(np.zeros((1, 10, 2)), 1.0, ("stim_A", "stim_B"), seed=1)


def test_parameters_without_a_rest_state_are_a_clear_error():
    """A ring so strongly self-excited that the mean field has no spontaneous state: an AttnsimError
    naming the family, not a traceback from the solver."""
    with pytest.raises(AttnsimError, match="attention_circuit_wm_meanfield: no spontaneous state"):
        run(1.62, cue_delay(100), g_NMDA_EE_wm_nS=3.0)
