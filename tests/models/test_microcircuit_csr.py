"""The CSR/ring-buffer layout of the PD14 recurrent synapses (models/microcircuit/csr_synapses.py):
its rows follow the PD14 connectivity rule and the truncated normals, and its delivery adds every
weight at exactly the step Brian2's spike queue would (spike step + delay in steps).

Known answers: the rounded truncated-normal delay pmf from scipy.stats.truncnorm, the pathway
counts K of the PD14 rule, the truncated-normal weights (tests.helpers.truncnorm.check_truncated_normal),
and, for delivery, the sum of the dumped rows' weights over the spikes a tiny network fires."""
import numpy as np
import pytest
from scipy import stats

from attnsim.models.microcircuit import csr_synapses as CSR
from attnsim.models.microcircuit import fused_pathways as FP
from attnsim.models.microcircuit import pd14_params as P
from tests.helpers.truncnorm import check_truncated_normal

DT = 0.1


def _rounded_delay_pmf(mu, sd, n_steps):
    """P(int(d / dt + 1/2) = k), k = 1..n_steps, for d ~ N(mu, sd^2) truncated below at dt.

    Differences of the CDF below the median and of the survival function above it: a CDF near 1
    carries an absolute error of ~1e-16, as large as the tail probabilities themselves."""
    ref = stats.truncnorm((DT - mu) / sd, np.inf, loc=mu, scale=sd)
    edges = (np.arange(1, n_steps + 2) - 0.5) * DT
    edges[0] = DT
    upper_tail = ref.cdf(edges[:-1]) > 0.5
    return np.where(upper_tail, -np.diff(ref.sf(edges)), np.diff(ref.cdf(edges)))


def test_delay_thresholds_are_the_rounded_truncated_normal():
    mu, sd = np.array([1.5, 0.75]), np.array([0.75, 0.375])
    T = CSR.delay_step_thresholds(mu, sd, DT)
    two64 = 2 ** 64
    for s in range(2):
        row = [int(v) for v in T[s]]
        assert row == sorted(row) and row[-1] == two64 - 1
        pmf = np.array([b - a for a, b in zip([0] + row, row)]) / two64   # exact ints: float64 steps are 2^11 here
        np.testing.assert_allclose(pmf[:-1], _rounded_delay_pmf(mu[s], sd[s], len(row))[:-1],
                                   rtol=1e-9, atol=2.0 ** -60)
    with pytest.raises(ValueError):
        CSR.delay_step_thresholds(np.array([1.0]), np.array([0.0]), DT)
    with pytest.raises(ValueError, match="steps"):
        CSR.delay_step_thresholds(np.array([50.0]), np.array([25.0]), DT)      # beyond uint8


def _dumped_rows(results_dir):
    tag = next(results_dir.glob("attnsim_csr_*_row_start.bin")).name[len("attnsim_csr_"):-len("_row_start.bin")]
    base = results_dir / f"attnsim_csr_{tag}_"
    lines = (results_dir / f"attnsim_csr_{tag}.txt").read_text().split()
    return dict(row_start=np.fromfile(f"{base}row_start.bin", np.int64), post=np.fromfile(f"{base}post.bin", np.int32),
                w=np.fromfile(f"{base}weight.bin", np.float32).astype(float),
                d=np.fromfile(f"{base}delay.bin", np.uint8).astype(int),
                setup_s=float(lines[0]), counts=np.array([int(x) for x in lines[1:]]))


def _standalone(tmp_path_factory, name, build, env):
    """Build and run `build()` (returns what to read back) under cpp_standalone with `env` set."""
    import os

    import brian2 as b2
    d = tmp_path_factory.mktemp(name)
    old = {k: os.environ.get(k) for k in env}
    b2.set_device("cpp_standalone", build_on_run=False, directory=str(d))
    try:
        b2.prefs.devices.cpp_standalone.extra_make_args_unix = ["-j2"]
        b2.defaultclock.dt = DT * b2.ms
        read = build(b2)
        os.environ.update(env)
        b2.device.build(directory=str(d), compile=True, run=True, with_output=False)
        out = read()
        out["rows"] = _dumped_rows(d / "results")
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        b2.device.reinit()
        b2.device.activate()
        b2.set_device("runtime")
    return out


FIRE = {3: 5, 10: 12, 40: 12, 47: 30}        # neuron -> the step it spikes at (once)
N_STEPS = 60


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """Two populations of 30 neurons whose I_syn only integrates what the kernel delivers (no
    decay), four neurons firing once each at given steps, I_syn recorded at the end of every step."""
    sizes = np.array([30, 30])
    K = np.array([[3000.0, 2000.0], [1500.0, 0.0]])                     # [target, source]
    w = np.array([[50.0, -200.0], [80.0, -120.0]])
    tab = FP.tables(K, sizes, w, 0.1, np.array([[1.0, 0.5], [1.0, 0.5]]), 0.5, DT)

    def build(b2):
        G = b2.NeuronGroup(60, "I_syn : amp\nfire_step : integer (constant)\ncsr_calls : 1 (shared)",
                           threshold="timestep(t, dt) == fire_step", namespace={}, name="tiny")
        G.fire_step = -1
        for i, n in FIRE.items():
            G.fire_step[i] = n
        gain = b2.TimedArray(np.ones((1, 4)), dt=DT * b2.ms, name="tiny_gain")
        name, f, counts = CSR.kernel_function(tab, b2.device.get_array_name(G.variables["_spikespace"]),
                                              b2.device.get_array_name(G.variables["I_syn"]), gain,
                                              [(0, 0), (0, 1), (1, 0)], tag_seed="tiny")
        G.namespace[name] = f
        G.run_regularly(f"csr_calls = {name}(csr_calls)", when="synapses")
        mon = b2.StateMonitor(G, "I_syn", record=True, when="end")
        b2.Network(G, mon).run(N_STEPS * DT * b2.ms)
        return lambda: {"I": np.asarray(mon.I_syn[:]), "t": np.asarray(mon.t[:] / b2.ms), "K": K, "sizes": sizes}

    return _standalone(tmp_path_factory, "csr_tiny", build, {"ATTNSIM_CSR_DUMP": "1", "ATTNSIM_SEED_NET": "7"})


def test_delivery_adds_each_weight_at_spike_step_plus_delay(tiny):
    rows = tiny["rows"]
    expected = np.zeros((60, N_STEPS))
    for i, n in FIRE.items():
        for q in range(rows["row_start"][i], rows["row_start"][i + 1]):
            arrive = n + rows["d"][q]
            if arrive < N_STEPS:
                expected[rows["post"][q], arrive:] += rows["w"][q]
    assert np.count_nonzero(np.diff(expected, axis=1)) > 200          # ~430 arrivals (some coincide)
    np.testing.assert_allclose(tiny["I"], expected, rtol=1e-5, atol=1e-18)


def test_tiny_rows_are_sorted_by_delay_and_respect_the_populations(tiny):
    rows, sizes = tiny["rows"], tiny["sizes"]
    rs = rows["row_start"]
    assert rs[0] == 0 and rs[-1] == rows["post"].size and np.all(np.diff(rs) >= 0)
    for i in range(60):
        assert np.all(np.diff(rows["d"][rs[i]:rs[i + 1]]) >= 0)
    # source population 1 has no synapses onto population 1 (K = 0)
    src = np.repeat(np.arange(60), np.diff(rs))
    assert not np.any((src >= 30) & (rows["post"] >= 30))
    # weights keep their signs: excitatory from population 0, inhibitory from population 1
    assert np.all(rows["w"][src < 30] >= 0) and np.all(rows["w"][src >= 30] <= 0)
    # the reported counts are those of the rows
    for k, (t, s) in enumerate([(0, 0), (0, 1), (1, 0)]):
        n = np.sum(((rows["post"] >= 30) == bool(t)) & ((src >= 30) == bool(s)))
        assert rows["counts"][k] == n


@pytest.fixture(scope="module")
def csr_column(tmp_path_factory):
    """A 0.02-scale csr column (L5I -> L5E left out) run for one step, its rows dumped."""
    from attnsim.models.microcircuit.network import ColumnConfig, build_column
    cfg = ColumnConfig(N_scaling=0.02, K_scaling=0.02, synapses="csr", exclude_pathways=(("L5E", "L5I"),))

    def build(b2):
        col = build_column(cfg)
        b2.Network(*col.objects).run(DT * b2.ms)
        G = col.neurons
        return lambda: {"pop": np.asarray(G.pop[:]), "cfg": cfg}

    return _standalone(tmp_path_factory, "csr_column", build, {"ATTNSIM_CSR_DUMP": "1", "ATTNSIM_SEED_NET": "3"})


def test_csr_counts_follow_the_pd14_rule(csr_column):
    from attnsim.models.microcircuit.network import pathways
    rows, pop = csr_column["rows"], csr_column["pop"]
    src = np.repeat(np.arange(pop.size), np.diff(rows["row_start"]))
    counts = np.zeros((8, 8), int)
    np.add.at(counts, (pop[rows["post"]], pop[src]), 1)
    expected = np.zeros((8, 8))
    paths = pathways(csr_column["cfg"])
    for tgt, s, k in paths:
        expected[P.POPULATIONS.index(tgt), P.POPULATIONS.index(s)] = k
    assert np.all(np.abs(counts - expected) <= 5 * np.sqrt(expected) + 1)
    assert np.all(counts[expected == 0] == 0)
    assert counts[P.POPULATIONS.index("L5E"), P.POPULATIONS.index("L5I")] == 0
    reported = [counts[P.POPULATIONS.index(t), P.POPULATIONS.index(s)] for t, s, _ in paths]
    np.testing.assert_array_equal(rows["counts"], reported)


def test_csr_weights_and_delays_follow_the_truncated_normals(csr_column):
    rows, pop = csr_column["rows"], csr_column["pop"]
    pre = pop[np.repeat(np.arange(pop.size), np.diff(rows["row_start"]))]
    post = pop[rows["post"]]
    w_pA = rows["w"] / 1e-12
    w_mean = P.mean_psc_matrix() / np.sqrt(0.02)
    d_mean = P.mean_delay_matrix()
    checked = 0
    for t in range(8):
        for s in range(8):
            m = (post == t) & (pre == s)
            if m.sum() < 2000:
                continue
            w = w_mean[t, s]
            if w > 0:
                check_truncated_normal(w_pA[m], w, abs(w) * P.WEIGHT_REL_SD, lo=0.0)
            else:
                check_truncated_normal(w_pA[m], w, abs(w) * P.WEIGHT_REL_SD, hi=0.0)
            checked += 1
    big = (P.scaled_synapse_counts(0.02, 0.02) >= 2500).sum() - 1
    assert checked >= big > 10
    m = (post == 0) & (pre == 2)                                        # L4E -> L2/3E: doubled
    assert abs(w_pA[m].mean() / w_mean[0, 0] - 2.0) < 0.02
    # delays in steps, per source population: chi-square against the rounded truncated normal
    for s in range(8):
        m = pre == s
        mu = d_mean[0, s]
        n_max = int(rows["d"][m].max())
        pmf = _rounded_delay_pmf(mu, mu * P.DELAY_REL_SD, n_max + 40)
        obs = np.bincount(rows["d"][m], minlength=n_max + 1)[1:]
        keep = pmf[:n_max] * m.sum() >= 20                              # pool the sparse tails
        o = np.append(obs[keep], obs[~keep].sum())
        e = np.append(pmf[:n_max][keep], 1 - pmf[:n_max][keep].sum()) * m.sum()
        assert rows["d"][m].min() >= 1
        assert stats.chisquare(o, e).pvalue > 1e-3, s
