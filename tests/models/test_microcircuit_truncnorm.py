"""PD14 weights and delays follow the truncated normal (NEST's nest.math.redraw), not a
clipped normal: the inverse-CDF draw of models/microcircuit/truncnorm.py in Brian2 runtime
(numpy) and in compiled cpp_standalone code, checked against scipy.stats.truncnorm."""
import numpy as np
import pytest
from scipy.special import ndtri

from attnsim.models.microcircuit import pd14_params as P
from attnsim.models.microcircuit import truncnorm as T
from tests.helpers.truncnorm import check_truncated_normal, python_port

DT = 0.1
N_PRE, N_POST, P_CONN = 200, 200, 0.5          # ~20,000 synapses per pathway


def test_generated_ndtri_is_exact_to_double_precision():
    f = python_port(T.CYTHON_CODE)
    ps = np.concatenate([np.logspace(-300, -2, 200), np.linspace(0.01, 0.99, 99), 1 - np.logspace(-15, -2, 50)])
    err = np.array([abs(f(p) - ndtri(p)) / max(1.0, abs(ndtri(p))) for p in ps])
    assert err.max() < 1e-13
    # C++ and Cython carry the same constants
    for v in (-3.969683028665376e+01, 2.938163982698783e+00, 3.754408661907416e+00):
        assert repr(v) in T.CPP_CODE and repr(v) in T.CYTHON_CODE


def test_bad_bounds_are_refused():
    with pytest.raises(ValueError, match="exactly one"):
        T.expr(1.0, 0.5)
    with pytest.raises(ValueError, match="sd must be"):
        T.expr(1.0, 0.0, lo=0.1)


def _build(b2):
    """Two excitatory/inhibitory pathways with PD14's exc/inh weights (0.1 downscaling) and delays."""
    G = b2.NeuronGroup(N_PRE + N_POST, "v : 1", threshold="False", name="tn_neurons")
    w_scale = 1 / np.sqrt(0.1)
    out = {}
    for kind, w, d in (("exc", P.PSC_EXC_PA * w_scale, P.DELAY_EXC_MS),
                       ("inh", P.G * P.PSC_EXC_PA * w_scale, P.DELAY_INH_MS)):
        S = b2.Synapses(G[:N_PRE], G[N_PRE:], "w : amp (constant)", on_pre="v_post += 1",
                        name=f"tn_{kind}", namespace=T.namespace())
        S.connect(p=P_CONN)
        S.w = T.weight_expr(float(w), P.WEIGHT_REL_SD)
        S.delay = T.delay_expr(float(d), P.DELAY_REL_SD, DT)
        out[kind] = (S, float(w), float(d))
    return G, out


def _check_all(pathways):
    for kind, (S, w, d) in pathways.items():
        wv = np.asarray(S.w[:] / (1e-12))
        dv = np.asarray(S.delay[:] / 1e-3)
        assert wv.size > 15000
        if w > 0:
            check_truncated_normal(wv, w, abs(w) * P.WEIGHT_REL_SD, lo=0.0)
        else:
            check_truncated_normal(wv, w, abs(w) * P.WEIGHT_REL_SD, hi=0.0)
        check_truncated_normal(dv, d, d * P.DELAY_REL_SD, lo=DT)


def test_runtime_draws_follow_truncated_normal():
    import brian2 as b2
    old = b2.prefs.codegen.target
    b2.prefs.codegen.target = "numpy"
    try:
        b2.start_scope()
        b2.seed(11)
        G, pw = _build(b2)
        _check_all(pw)
    finally:
        b2.prefs.codegen.target = old


def test_clipped_draws_would_fail_the_check():
    rng = np.random.default_rng(0)
    d = 1.5
    clipped = np.clip(rng.normal(d, d * 0.5, 20000), DT, None)
    with pytest.raises(AssertionError):
        check_truncated_normal(clipped, d, d * 0.5, lo=DT)


def test_standalone_draws_follow_truncated_normal(tmp_path):
    """The same draws in compiled cpp_standalone code (the C++ ndtri), a few-file project."""
    import brian2 as b2
    b2.set_device("cpp_standalone", build_on_run=False, directory=str(tmp_path / "tn"))
    try:
        b2.prefs.devices.cpp_standalone.extra_make_args_unix = ["-j2"]
        G, pw = _build(b2)
        net = b2.Network(G, *[S for S, _, _ in pw.values()])
        net.run(0 * b2.ms)
        b2.device.build(directory=str(tmp_path / "tn"), compile=True, run=True, with_output=False)
        _check_all(pw)
    finally:
        b2.device.reinit()
        b2.device.activate()
        b2.set_device("runtime")


def test_column_synapses_use_the_truncated_draw():
    """Every PD14 pathway's weight and delay initialisation calls the generated ndtri."""
    import brian2 as b2
    from attnsim.models.microcircuit.network import ColumnConfig, build_column
    b2.set_device("cpp_standalone", build_on_run=False)
    try:
        col = build_column(ColumnConfig(N_scaling=0.03, K_scaling=0.03, thalamus=True, synapses="per_pathway"))
        codes = [c for c in b2.device.code_objects.values()]
        for (tgt, src), S in col.synapses.items():
            mine = [c for c in codes if c.name.startswith(S.name + "_") and "group_variable_set" in c.name]
            assert len(mine) == 2, (tgt, src)           # w on the synapses, delay on the pre pathway
            text = " ".join(str(c.code) for c in mine)
            assert all(T.NAME in str(c.code) for c in mine) and "clip" not in text, (tgt, src)
    finally:
        b2.device.reinit()
        b2.device.activate()
        b2.set_device("runtime")
