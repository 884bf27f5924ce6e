"""PD14 microcircuit: closed-form counts, pathways present and transmitting, determinism."""
import numpy as np
import pytest

from attnsim.models.microcircuit import pd14_params as P
from attnsim.models.microcircuit.network import ColumnConfig, build_column, pathways, population_slices

SCALE = 0.03


def test_psc_from_psp_matches_reference():
    # 0.15 mV peak PSP of iaf_psc_exp -> 87.81 pA (PD14)
    assert P.PSC_EXC_PA == pytest.approx(87.81, abs=0.01)
    assert P.dc_background_pA()[0] / P.K_EXT[0] == pytest.approx(0.3512, abs=1e-4)


def test_full_scale_synapse_count_and_indegrees():
    assert P.full_synapse_counts().sum() == pytest.approx(2.989e8, rel=5e-4)
    indeg = P.full_indegrees().sum(axis=1)
    for pop, ref in {"L23E": 4995, "L4E": 2806, "L5E": 4944, "L6E": 2564}.items():
        assert indeg[P.POPULATIONS.index(pop)] == pytest.approx(ref, abs=1.0)


def test_exact_rule_exceeds_linear_approximation():
    # ln(1-C)/ln(1-1/(N N')) > C N N' for C > 0: the exact rule has more synapses
    K = P.full_synapse_counts()
    lin = P.CONN_PROB * P.N_FULL[None, :] * P.N_FULL[:, None]
    assert np.all(K[P.CONN_PROB > 0] > lin[P.CONN_PROB > 0])
    # L5I -> L5E (C = 0.3726) differs by > 20 %
    assert K[4, 5] / lin[4, 5] > 1.2


def test_downscaled_counts_keep_indegree():
    n = P.scaled_sizes(0.1)
    K = P.scaled_synapse_counts(0.1, 0.1)
    np.testing.assert_allclose((K / n[:, None]).sum(1), P.full_indegrees().sum(1) * 0.1, rtol=1e-2)  # sizes are rounded


def test_dc_compensation_vanishes_at_full_scale():
    np.testing.assert_allclose(P.dc_compensation_pA(1.0), 0.0, atol=1e-12)
    assert np.all(P.dc_compensation_pA(0.1) > 0)


def test_per_pathway_layout_makes_every_pathway_a_synapses_object():
    import brian2 as b2
    b2.set_device("cpp_standalone", build_on_run=False)   # only queues code; nothing is built
    try:
        col = build_column(ColumnConfig(N_scaling=SCALE, K_scaling=SCALE, synapses="per_pathway"))
        net = b2.Network(*col.objects)
        names = {o.name for o in net.objects}
        assert len(pathways(ColumnConfig(N_scaling=1.0, K_scaling=1.0))) == 55   # non-zero C (9 of 64 are 0)
        assert len(col.synapses) == len(pathways(ColumnConfig(N_scaling=SCALE, K_scaling=SCALE))) > 50
        for (tgt, src), S in col.synapses.items():
            assert S.name in names, (tgt, src)
    finally:
        b2.device.reinit()
        b2.device.activate()
        b2.set_device("runtime")


def test_fused_layout_is_one_synapses_object_counted_per_pathway():
    import brian2 as b2
    from attnsim.models.microcircuit.standalone import PathwayCounts
    b2.set_device("cpp_standalone", build_on_run=False)
    try:
        cfg = ColumnConfig(N_scaling=SCALE, K_scaling=SCALE, exclude_pathways=(("L23E", "L4E"),), synapses="fused")
        col = build_column(cfg)
        synapses = [o for o in col.objects if isinstance(o, b2.Synapses)]
        assert synapses == [col.recurrent] and col.synapses == {}
        (counts,) = col.counts
        assert isinstance(counts, PathwayCounts) and counts.synapses is col.recurrent
        order = [(P.POPULATIONS[t], P.POPULATIONS[s]) for t, s in counts.pairs]
        assert order == [(t, s) for t, s, _ in pathways(cfg)]
        assert ("L23E", "L4E") not in order and len(order) == len(pathways(ColumnConfig(N_scaling=SCALE, K_scaling=SCALE))) - 1
    finally:
        b2.device.reinit()
        b2.device.activate()
        b2.set_device("runtime")


def test_csr_layout_has_no_recurrent_synapses_object_and_counts_per_pathway():
    """The default layout: no Synapses object at all, one per-step kernel, counts per pathway."""
    import brian2 as b2
    from attnsim.models.microcircuit.csr_synapses import KernelCounts
    b2.set_device("cpp_standalone", build_on_run=False)
    try:
        cfg = ColumnConfig(N_scaling=SCALE, K_scaling=SCALE, exclude_pathways=(("L23E", "L4E"),))
        assert cfg.synapses == "csr"
        col = build_column(cfg)
        assert not [o for o in col.objects if isinstance(o, b2.Synapses)] and col.recurrent is None
        (counts,) = col.counts
        assert isinstance(counts, KernelCounts) and counts.n_pairs == len(pathways(cfg))
        assert "pathway_gain" in col.timed_arrays
    finally:
        b2.device.reinit()
        b2.device.activate()
        b2.set_device("runtime")


# Tests that compile a cpp_standalone binary are `slow`: a cold build of one column is
# ~360 code objects (measured 204 s on 2 cores), too much for the default suite.
COMPILES = pytest.mark.slow


@pytest.fixture(scope="module")
def small():
    from attnsim.models.microcircuit.spontaneous import spontaneous_activity
    return lambda **kw: spontaneous_activity(SCALE, SCALE, t_sim_ms=400.0, t_transient_ms=100.0, **kw)


@COMPILES
def test_synapse_counts_match_rule(small):
    r = small(seeds=(3,))
    expected = np.array([k for _, _, k in r["pathways"]])
    got = r["synapse_counts"][0]
    assert np.all(got > 0)
    # out-degrees are Poisson: total per pathway within 5 sd of K
    assert np.all(np.abs(got - expected) < 5 * np.sqrt(expected) + 1)
    assert np.all(np.isfinite(r["rates_hz"])) and r["rates_hz"].sum() > 0
    # the binary times the simulation alone: positive and shorter than the whole process
    assert 0 < r["run_s"][0] < r["wall_s"][0]


@COMPILES
def test_deterministic_for_seed(small):
    a, b, c = small(seeds=(5,)), small(seeds=(5,)), small(seeds=(6,))
    np.testing.assert_array_equal(a["spikes"][0][0], b["spikes"][0][0])
    np.testing.assert_array_equal(a["spikes"][0][1], b["spikes"][0][1])
    assert not np.array_equal(a["synapse_counts"], c["synapse_counts"])


@COMPILES
def test_lesioning_pathways_changes_rates(small):
    base = small(seeds=(7,))["rates_hz"][0]
    # without L4E -> L23E, L2/3E loses its strongest feedforward drive
    les = small(seeds=(7,), lesion=(("L23E", "L4E"),))["rates_hz"][0]
    k = P.POPULATIONS.index("L23E")
    assert not np.allclose(base, les)
    # without L5I -> L5E (strongest inhibition) L5E fires more
    les2 = small(seeds=(7,), lesion=(("L5E", "L5I"),))["rates_hz"][0]
    assert les2[P.POPULATIONS.index("L5E")] > base[P.POPULATIONS.index("L5E")]
    assert les[k] <= base[k]


@COMPILES
def test_every_pathway_transmits(small):
    """Silencing any pathway that reaches firing neurons often changes the spike trains.

    A PSP can move a spike only in a neuron that fires, and at 0.03 scale some pathways have
    6-15 synapses and some populations (L2/3E: a dozen of 620 neurons) barely fire in 0.4 s. So
    each pathway's PSPs onto firing neurons are estimated from the unlesioned run: source spikes
    x synapses per source neuron (K / N_source, the binary's counts) x the fraction of target
    neurons that fire. Every pathway with >= 20 of them must change the trains when its gain is
    0; the others are only reported (their few PSPs can leave every spike on its 0.1 ms step).
    """
    base_run = small(seeds=(9,))
    base = base_run["spikes"][0]
    sl = population_slices(SCALE)
    fires = {p: (base[0] >= s.start) & (base[0] < s.stop) for p, s in sl.items()}
    size = {p: s.stop - s.start for p, s in sl.items()}
    firing_fraction = {p: np.unique(base[0][m]).size / size[p] for p, m in fires.items()}
    counts = base_run["synapse_counts"][0]
    psps = {(t, s): fires[s].sum() * k / size[s] * firing_fraction[t]
            for (t, s, _), k in zip(base_run["pathways"], counts)}
    strong = [ts for ts, n in psps.items() if n >= 20]
    assert len(strong) >= 35, psps          # most of the 55 pathways are tested
    unchanged = []
    for tgt, src in psps:
        les = small(seeds=(9,), lesion=((tgt, src),))["spikes"][0]
        if les[0].size == base[0].size and np.array_equal(les[0], base[0]) and np.array_equal(les[1], base[1]):
            unchanged.append((tgt, src))
    strong_unchanged = [(ts, round(psps[ts], 1)) for ts in unchanged if ts in strong]
    assert not strong_unchanged, (strong_unchanged, [(ts, round(psps[ts], 1)) for ts in unchanged])


def test_python_only_params_are_not_in_the_build_key():
    # readout and rate window act on the binary's spikes in Python: changing them must not rebuild
    from attnsim.models.microcircuit.attention_columns import MicrocircuitColumns, MicrocircuitColumnsParams
    from attnsim.models.microcircuit.standalone import project_dir
    from attnsim.models.params import ParamError

    def key(**kw):
        return project_dir("pd14_columns", MicrocircuitColumns(MicrocircuitColumnsParams(**kw))._config(500, 1.0))
    base = key()
    assert key(readout_threshold_hz=9.0, rate_window_ms=50.0, parallel_trials=1) == base
    assert key(N_scaling=0.03) != base and key(n_columns=1) != base and key(cue_rate_hz=5.0) != base
    with pytest.raises(ParamError):
        MicrocircuitColumnsParams(n_columns=3)


def test_new_project_directory_is_seeded_from_newest_sibling(tmp_path):
    # a copy of a compiled sibling lets make rebuild only the changed files; its metadata must
    # not come along (it would make the copy pass for an up-to-date build of the new config)
    import os
    from attnsim.models.microcircuit.standalone import _seed_from_sibling
    for name, mtime in (("pd14_columns-old", 1000), ("pd14_columns-new", 2000), ("pd14_column-other", 3000)):
        d = tmp_path / name
        (d / "code_objects").mkdir(parents=True)
        (d / "main").write_text(name)
        (d / "code_objects" / "x.o").write_text(name)
        (d / "attnsim_binary.json").write_text("{}")
        (d / "results-123").mkdir()
        for f in (d / "main", d / "code_objects" / "x.o"):
            os.utime(f, (mtime, mtime))
    target = tmp_path / "pd14_columns-fresh"
    _seed_from_sibling(target)
    assert (target / "main").read_text() == "pd14_columns-new"
    assert (target / "code_objects" / "x.o").stat().st_mtime == 2000
    assert not (target / "attnsim_binary.json").exists() and not (target / "results-123").exists()
    _seed_from_sibling(tmp_path / "other_kind-x")        # no sibling: nothing created
    assert not (tmp_path / "other_kind-x").exists()
