"""Two-column microcircuit with top-down attention: contract, no recompile, determinism, effect."""
import numpy as np
import pytest

# every test here compiles the two-column cpp_standalone binary (~730 code objects cold): slow
pytestmark = pytest.mark.slow

from attnsim.models.microcircuit.attention_columns import MicrocircuitColumns, MicrocircuitColumnsParams
from attnsim.models.microcircuit import pd14_params as P

CH = ("stim_A", "stim_B", "cue_A", "cue_B")
DT = 1.0
N_STEPS = 500


def _inputs(n, cue_a=1.0, contrast=0.8):
    x = np.zeros((n, N_STEPS, 4))
    x[:, 150:, 0] = contrast        # stim A from 150 ms
    x[:, 150:, 1] = contrast
    x[:, 100:, 2] = cue_a           # attend A from 100 ms
    return x


@pytest.fixture(scope="module")
def model():
    return MicrocircuitColumns(MicrocircuitColumnsParams(N_scaling=0.03, K_scaling=0.03))


def test_contract_and_no_recompile(model):
    a = model.run(_inputs(2), DT, CH, seed=1)
    mtime = (model._binary.directory / "main").stat().st_mtime
    b = model.run(_inputs(1, cue_a=0.0), DT, CH, seed=2)
    assert model.n_builds == 1
    assert (model._binary.directory / "main").stat().st_mtime == mtime
    assert a.rates.shape == (2, N_STEPS, 16) and b.rates.shape == (1, N_STEPS, 16)
    assert set(a.groups) == {f"{c}_{p}" for c in "AB" for p in P.POPULATIONS}
    assert a.selective_groups == ("A_L23E", "B_L23E")
    assert a.choice.shape == (2,) and np.all(np.isin(a.choice, (-1, 0, 1)))
    assert np.all(a.rates >= 0) and a.rates.mean() > 0
    assert len(a.spikes["A_L4E"]) == 2
    # 2 x (within-column pathways) + 2 lateral Synapses, all with synapses
    from attnsim.models.microcircuit.network import ColumnConfig, pathways
    n_path = len(pathways(ColumnConfig(N_scaling=0.03, K_scaling=0.03)))
    assert a.extras["synapse_counts"].shape == (2, 2 * n_path + 2) and np.all(a.extras["synapse_counts"] > 0)


def test_deterministic_for_seed(model):
    x = _inputs(2)
    a, b = model.run(x, DT, CH, seed=11), model.run(x, DT, CH, seed=11)
    c = model.run(x, DT, CH, seed=12)
    np.testing.assert_array_equal(a.rates, b.rates)
    assert not np.array_equal(a.rates, c.rates)
    # different trials of one call get different noise
    assert not np.array_equal(a.rates[0], a.rates[1])


def test_stimulus_drives_l4_of_its_column(model):
    x = np.zeros((2, N_STEPS, 4))
    x[:, 150:, 0] = 1.0             # stim A only
    act = model.run(x, DT, CH, seed=3)
    late = slice(250, N_STEPS)
    a4 = act.group_rate("A_L4E")[:, late].mean()
    b4 = act.group_rate("B_L4E")[:, late].mean()
    assert a4 > 1.5 * b4


@pytest.mark.slow
def test_wagatsuma_layer_pattern(model):
    """Top-down input to L2/3 and L5 of the attended column: L2/3 and L5 up, L4E down (Wagatsuma 2011)."""
    n = 6
    x_att, x_neu = _inputs(n, cue_a=1.0), _inputs(n, cue_a=0.0)
    att, neu = model.run(x_att, DT, CH, seed=21), model.run(x_neu, DT, CH, seed=21)
    late = slice(250, N_STEPS)
    d = {p: att.group_rate(f"A_{p}")[:, late].mean() - neu.group_rate(f"A_{p}")[:, late].mean()
         for p in P.POPULATIONS}
    print({p: round(v, 2) for p, v in d.items()})
    assert d["L23E"] > 0 and d["L5E"] > 0
    assert d["L4E"] < 0
