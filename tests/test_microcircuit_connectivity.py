"""The pairwise connection rule reproduces Poisson(lam) synapse counts per pair (closed form)."""
import numpy as np
import pytest
from scipy.stats import poisson

from models.microcircuit.connectivity import pairwise_poisson


def _draw_counts(lam, n_pairs, rng):
    """Evaluate the rule's `sample` probability and `n` expression as Brian2 would, pair by pair."""
    kw = pairwise_poisson(lam)
    p_any = float(kw["j"].split("p=")[1].rstrip(")"))
    connected = rng.random(n_pairs) < p_any
    m = int(connected.sum())
    # each rand() in the expression is an independent uniform per pair, as in generated code
    ns = {"rand": lambda: rng.random(m), "int": lambda x: np.asarray(x, dtype=int)}
    extra = np.broadcast_to(eval(kw["n"], ns), (m,))  # noqa: S307 (our own expression)
    counts = np.zeros(n_pairs, dtype=int)
    counts[connected] = extra
    return counts


@pytest.mark.parametrize("lam", [0.0437, 0.38, 1.5])  # L4E->L4E, L5I->L5E (densest), and a dense case
def test_counts_per_pair_are_poisson(lam):
    rng = np.random.default_rng(1)
    counts = _draw_counts(lam, 400_000, rng)
    assert counts.mean() == pytest.approx(lam, rel=0.02)
    for k in range(4):
        assert np.mean(counts == k) == pytest.approx(poisson.pmf(k, lam), abs=4e-3)


def test_targets_come_in_ascending_order():
    assert pairwise_poisson(0.1)["j"].startswith("k for k in sample(N_post,")


@pytest.mark.parametrize("bad", [0.0, -0.1, float("nan")])
def test_rejects_non_positive_density(bad):
    with pytest.raises(ValueError, match="lam"):
        pairwise_poisson(bad)
