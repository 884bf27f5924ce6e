"""The fast PD14 build: all pathways in one Synapses object (fused_pathways.py) and the tabulated
Poisson background (poisson_table.py) draw the same distributions as the per-pathway build.

Known answers: Poisson pmf (scipy.stats.poisson), truncated normals (scipy.stats.truncnorm via
tests.helpers.truncnorm.check_truncated_normal), the per-pathway synapse counts K of the PD14 rule."""
import math
import os
import subprocess

import numpy as np
import pytest
from scipy import stats
from scipy.special import ndtri

from attnsim.models.microcircuit import fused_pathways as FP
from attnsim.models.microcircuit import pd14_params as P
from attnsim.models.microcircuit import poisson_table as PT
from attnsim.models.microcircuit import truncnorm as T
from tests.helpers.truncnorm import check_truncated_normal, python_port

DT = 0.1


def test_fast_ndtri_is_acklams_bound():
    """The fast variant is Acklam's approximation alone: relative error below his 1.15e-9 bound,
    and far above double precision (so the refinement really is gone)."""
    refine = ("    e = 0.5 * _attnsim_erfc(-x / 1.4142135623730951) - p\n"
              "    u = e * 2.5066282746310002 * exp(0.5 * x * x)\n"
              "    x = x - u / (1.0 + 0.5 * x * u)\n")
    assert refine in T.CYTHON_CODE
    f = python_port(T.CYTHON_CODE.replace(refine, ""))
    ps = np.concatenate([np.logspace(-300, -2, 200), np.linspace(0.01, 0.99, 99), 1 - np.logspace(-15, -2, 50)])
    err = np.array([abs(f(p) - ndtri(p)) / abs(ndtri(p)) for p in ps if p != 0.5])
    assert err.max() < 1.2e-9 and err.max() > 1e-12
    assert "erfc" not in T.CPP_CODE_FAST and T.FAST_NAME in T.CPP_CODE_FAST


def test_poisson_thresholds_reproduce_the_pmf():
    lam = np.array([0.128, 0.232, 1.5])
    thr = PT.thresholds(lam)
    two64 = 2 ** 64
    for row, m in zip(thr, lam):
        row = [int(v) for v in row]
        assert row == sorted(row) and row[-1] == two64 - 1
        # P(n = k) = (T_k - T_{k-1}) / 2^64, exact to 2^-64 per value
        pmf = np.array([(b - a) / two64 for a, b in zip([0] + row[:-1], row)])   # exact int differences
        ref = stats.poisson.pmf(np.arange(len(row)), m)
        np.testing.assert_allclose(pmf[:-1], ref[:-1], rtol=1e-12, atol=2.0 ** -60)
        assert stats.poisson.sf(len(row) - 1, m) < 2.0 ** -64
    with pytest.raises(ValueError):
        PT.thresholds(np.array([-0.1]))


def test_fused_tables_split_each_source_by_its_pathway_counts():
    K = P.scaled_synapse_counts(0.1, 0.1).astype(float)
    K[P.POPULATIONS.index("L23E"), P.POPULATIONS.index("L4E")] = 0       # an excluded pathway
    sizes = P.scaled_sizes(0.1)
    tab = FP.tables(K, sizes, P.mean_psc_matrix(), 0.1, P.mean_delay_matrix(), 0.5, DT)
    np.testing.assert_allclose(tab["out_mean"] * sizes, K.sum(0))
    # row s of target_cdf: cumulative K[:, s] / sum: its steps are the target probabilities
    steps = np.diff(np.concatenate([np.zeros((8, 1)), tab["target_cdf"]], axis=1), axis=1)
    np.testing.assert_allclose(steps, K.T / K.sum(0)[:, None], atol=1e-15)
    assert steps[P.POPULATIONS.index("L4E"), P.POPULATIONS.index("L23E")] == 0
    np.testing.assert_array_equal(tab["starts"], np.concatenate([[0], np.cumsum(sizes)[:-1]]))
    with pytest.raises(ValueError, match="source only"):
        FP.tables(K, sizes, P.mean_psc_matrix(), 0.1, np.arange(64.0).reshape(8, 8) + 1, 0.5, DT)


@pytest.fixture(scope="module")
def fused_column(tmp_path_factory):
    """A 0.02-scale fused column built and run for 0 ms with Brian2's own standalone flow, so the
    synapse arrays can be read back."""
    import brian2 as b2
    from attnsim.models.microcircuit.network import ColumnConfig, build_column
    d = tmp_path_factory.mktemp("fused")
    b2.set_device("cpp_standalone", build_on_run=False, directory=str(d))
    try:
        b2.prefs.devices.cpp_standalone.extra_make_args_unix = ["-j2"]
        b2.defaultclock.dt = DT * b2.ms
        b2.seed(1)          # a fixed draw: 36 KS tests at 1e-3 would otherwise fail ~4 % of runs
        cfg = ColumnConfig(N_scaling=0.02, K_scaling=0.02, exclude_pathways=(("L5E", "L5I"),), synapses="fused")
        col = build_column(cfg)
        net = b2.Network(*col.objects)
        net.run(0 * b2.ms)
        b2.device.build(directory=str(d), compile=True, run=True, with_output=False)
        S, G = col.recurrent, col.neurons
        pop = np.asarray(G.pop[:])
        out = dict(cfg=cfg, pre=pop[np.asarray(S.i[:])], post=pop[np.asarray(S.j[:])], i=np.asarray(S.i[:]),
                   w=np.asarray(S.w[:]) / 1e-12, d=np.asarray(S.delay[:]) / 1e-3)
    finally:
        b2.device.reinit()
        b2.device.activate()
        b2.set_device("runtime")
    return out


def test_fused_counts_follow_the_pd14_rule(fused_column):
    from attnsim.models.microcircuit.network import pathways
    c = fused_column
    counts = np.zeros((8, 8), int)
    np.add.at(counts, (c["post"], c["pre"]), 1)
    expected = np.zeros((8, 8))
    for tgt, src, k in pathways(c["cfg"]):
        expected[P.POPULATIONS.index(tgt), P.POPULATIONS.index(src)] = k
    # Poisson totals: within 5 sd of K on every pathway, none on excluded or zero pathways
    assert np.all(np.abs(counts - expected) <= 5 * np.sqrt(expected) + 1)
    assert np.all(counts[expected == 0] == 0)
    assert counts[P.POPULATIONS.index("L5E"), P.POPULATIONS.index("L5I")] == 0
    # stored sorted by source neuron: one contiguous block per source
    assert np.all(np.diff(c["i"]) >= 0)


def test_fused_weights_and_delays_follow_the_truncated_normals(fused_column):
    c = fused_column
    w_mean = P.mean_psc_matrix() / np.sqrt(0.02)
    d_mean = P.mean_delay_matrix()
    checked = 0
    for t in range(8):
        for s in range(8):
            m = (c["post"] == t) & (c["pre"] == s)
            if m.sum() < 2000:
                continue
            w, d = w_mean[t, s], d_mean[t, s]
            if w > 0:
                check_truncated_normal(c["w"][m], w, abs(w) * P.WEIGHT_REL_SD, lo=0.0)
            else:
                check_truncated_normal(c["w"][m], w, abs(w) * P.WEIGHT_REL_SD, hi=0.0)
            check_truncated_normal(c["d"][m], d, d * P.DELAY_REL_SD, lo=DT)
            checked += 1
    # every pathway whose expected count K >= 2500 (so >= 2000 drawn, beyond 10 sd) was checked
    big = (P.scaled_synapse_counts(0.02, 0.02) >= 2500).sum() - 1       # L5I -> L5E is excluded here
    assert checked >= big > 10
    # L4E -> L23E carries the doubled weight
    m = (c["post"] == 0) & (c["pre"] == 2)
    assert abs(c["w"][m].mean() / w_mean[0, 0] - 2.0) < 0.02


@pytest.fixture(scope="module")
def count_binary(tmp_path_factory):
    """A group of neurons in two populations summing the table sampler's counts over 400 steps
    (cpp_standalone, run through the binary so the seed comes from the environment)."""
    import brian2 as b2
    d = tmp_path_factory.mktemp("counts")
    lam = np.array([0.2, 1.5])
    b2.set_device("cpp_standalone", build_on_run=False, directory=str(d))
    try:
        b2.prefs.devices.cpp_standalone.extra_make_args_unix = ["-j2"]
        name, f = PT.count_function(lam, seed_name="TRIAL")
        G = b2.NeuronGroup(4000, "pop : integer (constant)\nn1 : 1\nn2 : 1\nz0 : 1\nz1 : 1\nz2 : 1",
                           namespace={name: f}, name="cnt")
        G.pop = "i % 2"
        G.run_regularly(f"c = {name}(pop)\nn1 += c\nn2 += c * c\nz0 += int(c == 0)\nz1 += int(c == 1)\n"
                        f"z2 += int(c == 2)", dt=DT * b2.ms)
        b2.Network(G).run(400 * DT * b2.ms)
        b2.device.build(directory=str(d), compile=True, run=False, with_output=False)
    finally:
        b2.device.reinit()
        b2.device.activate()
        b2.set_device("runtime")

    def run(seed):
        res = d / f"results_{seed}"
        res.mkdir(exist_ok=True)
        subprocess.run([str(d / "main"), "--results_dir", str(res) + os.sep], cwd=d, check=True,
                       env=dict(os.environ, ATTNSIM_SEED_TRIAL=str(seed)), capture_output=True)
        out = {}
        for v in ("n1", "n2", "z0", "z1", "z2"):
            f = next(res.glob(f"_array_cnt_{v}_*"))
            out[v] = np.fromfile(f, dtype=np.float64)
        return out
    return lam, run


def test_table_sampler_counts_are_poisson(count_binary):
    lam, run = count_binary
    out = run(3)
    n_steps = 400
    for p, m in enumerate(lam):
        sel = slice(p, None, 2)
        draws = out["n1"][sel].size * n_steps
        mean = out["n1"][sel].sum() / draws
        var = out["n2"][sel].sum() / draws - mean ** 2
        assert abs(mean - m) < 5 * math.sqrt(m / draws)
        assert abs(var / m - 1) < 0.02
        # chi-square on n = 0, 1, 2, >= 3 against the Poisson pmf
        obs = np.array([out[f"z{k}"][sel].sum() for k in range(3)])
        obs = np.append(obs, draws - obs.sum())
        pk = stats.poisson.pmf(np.arange(3), m)
        exp = draws * np.append(pk, 1 - pk.sum())
        assert stats.chisquare(obs, exp).pvalue > 1e-3


def test_table_sampler_is_seeded_by_the_environment(count_binary):
    _, run = count_binary
    a, b, c = run(5), run(5), run(6)
    np.testing.assert_array_equal(a["n1"], b["n1"])
    assert not np.array_equal(a["n1"], c["n1"])


def test_guide_table_starts_the_search_at_or_below_the_answer():
    """Guided and linear search give the same count for every bucket edge and random U."""
    T = PT.thresholds(np.array([0.15, 2.3]))
    G = PT.guide_table(T)
    rng = np.random.default_rng(0)
    us = [int(b) << 56 for b in range(256)] + [(int(b) << 56) - 1 for b in range(1, 256)] + \
         [int(x) for x in rng.integers(0, 2 ** 63, 2000, dtype=np.uint64) * 2] + [2 ** 64 - 1]
    for p, row in enumerate(T):
        row = [int(v) for v in row]
        for u in us:
            linear = next((k for k, t in enumerate(row) if u < t), len(row) - 1)
            k = int(G[p, u >> 56])
            while k < len(row) - 1 and u >= row[k]:
                k += 1
            assert k == linear and G[p, u >> 56] <= linear
