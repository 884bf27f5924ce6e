"""Linear CKA and PCA against their definitions on data with known structure."""
import numpy as np
import pytest
from scipy.stats import ortho_group

from attnsim.models.activity import Activity
from attnsim.analysis.cka import cka_between, linear_cka
from attnsim.analysis.pca import pca, pca_trajectories
from attnsim.tasks.selective import make_selective

TIMING = {"fixation": 50, "cue": 50, "stimulus": 100, "response": 50}


def _hsic_cka(x, y):
    """CKA from HSIC(K, L) = tr(K H L H) / (n - 1)^2 with linear kernels (Kornblith et al. 2019, eq. 3)."""
    n = x.shape[0]
    h = np.eye(n) - np.ones((n, n)) / n
    k, l = x @ x.T, y @ y.T
    hsic = lambda a, b: np.trace(a @ h @ b @ h) / (n - 1) ** 2
    return hsic(k, l) / np.sqrt(hsic(k, k) * hsic(l, l))


def test_cka_identities_and_hsic_formula():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((60, 8))
    y = x @ rng.standard_normal((8, 5)) + 0.5 * rng.standard_normal((60, 5))
    q = ortho_group.rvs(8, random_state=1)
    assert linear_cka(x, x) == pytest.approx(1.0)
    assert linear_cka(x, 3.7 * x @ q + 2.0) == pytest.approx(1.0)          # orthogonal, isotropic scale, shift
    assert linear_cka(x, y) == pytest.approx(linear_cka(x @ q, -0.2 * y))
    assert linear_cka(x, y) == pytest.approx(_hsic_cka(x, y), rel=1e-10)
    assert 0 < linear_cka(x, y) < 1
    # not invariant to anisotropic scaling
    assert linear_cka(x, x * np.r_[10.0, np.ones(7)]) < 0.9


def _activity(rates, dt_ms):
    n = rates.shape[0]
    half = rates.shape[2] // 2
    return Activity(rates=rates, dt_ms=dt_ms, groups={"A": slice(0, half), "B": slice(half, rates.shape[2])},
                    selective_groups=("A", "B"), choice=np.zeros(n, int), reaction_time_ms=np.full(n, np.nan))


def test_cka_between_models_on_different_grids():
    tr = make_selective(n_trials=24, dt_ms=1.0, timing_ms=TIMING, contrasts=[0.2, 0.6],
                        conditions=["attend_A", "attend_B", "neutral"])
    rng = np.random.default_rng(3)
    t = np.arange(250) * 1.0
    # condition-dependent latent trajectories in 3 dims, read out by 6 units
    cells = {(c, k): rng.standard_normal(3) for c in ["attend_A", "attend_B", "neutral"] for k in (0.2, 0.6)}
    latent = np.stack([np.outer(np.sin(t / 40.0), cells[(c, k)]) + np.outer(t / 250.0, cells[(c, k)][::-1])
                       for c, k in zip(tr.conditions["condition"], tr.conditions["contrast"])])
    r1 = latent @ rng.standard_normal((3, 6))
    q = ortho_group.rvs(6, random_state=4)
    r2 = (5.0 * r1 @ q)[:, ::2]                        # same representation, rotated, scaled, at dt 2 ms
    assert cka_between(tr, _activity(r1, 1.0), _activity(r2, 2.0)) == pytest.approx(1.0, abs=1e-9)
    noise = _activity(rng.standard_normal((24, 125, 6)), 2.0)
    assert cka_between(tr, _activity(r1, 1.0), noise) < 0.5


def test_pca_explained_variance_matches_known_covariance():
    rng = np.random.default_rng(5)
    eig = np.array([9.0, 4.0, 1.0, 0.25, 0.04])
    q = ortho_group.rvs(5, random_state=6)
    x = rng.standard_normal((20000, 5)) * np.sqrt(eig) @ q.T + 3.0
    scores, comps, ratio, _ = pca(x, 3)
    sample = np.sort(np.linalg.eigvalsh(np.cov(x, rowvar=False)))[::-1]
    np.testing.assert_allclose(ratio, sample[:3] / sample.sum(), rtol=1e-10)   # same as numpy's eigenvalues
    np.testing.assert_allclose(ratio, eig[:3] / eig.sum(), atol=0.01)          # and the true covariance
    assert abs(comps[0] @ q[:, 0]) == pytest.approx(1.0, abs=1e-3)            # top PC is the top eigenvector
    np.testing.assert_allclose(scores.var(axis=0, ddof=1), sample[:3], rtol=1e-10)


def test_pca_trajectories_of_planar_dynamics():
    tr = make_selective(n_trials=12, dt_ms=1.0, timing_ms=TIMING, contrasts=[0.5],
                        conditions=["attend_A", "attend_B", "neutral"])
    rng = np.random.default_rng(7)
    plane = rng.standard_normal((2, 10))
    t = np.arange(250)
    phase = {"attend_A": 0.0, "attend_B": 1.0, "neutral": 2.0}
    lat = np.stack([np.c_[np.cos(t / 30 + phase[c]), np.sin(t / 50 + phase[c])] for c in tr.conditions["condition"]])
    act = _activity(lat @ plane + 1.0, 1.0)
    out = pca_trajectories(tr, act, k=3, epoch=None, subtract_condition_mean=False)
    assert set(out["trajectories"]) == {"attend_A", "attend_B", "neutral"}
    assert out["trajectories"]["neutral"].shape == (250, 3)
    assert out["explained_variance_ratio"][:2].sum() == pytest.approx(1.0)     # activity lies in a plane
    assert out["explained_variance_ratio"][2] == pytest.approx(0.0, abs=1e-12)
    np.testing.assert_allclose(out["time_ms"][:3], [0.0, 1.0, 2.0])


# --- samples are (condition, time) pairs after removing the condition-independent mean ------------------
def _coded(tr, codes, shared, rng, noise=0.0):
    """Rates = a shared time course (the same in every condition) + a condition code x a slow ramp."""
    n_steps = tr.n_steps
    t = np.arange(n_steps) / n_steps
    keys = [f"{c}@{k:g}" for c, k in zip(tr.conditions["condition"], tr.conditions["contrast"])]
    rates = np.stack([np.outer(np.sin(6 * t), shared) + np.outer(t, codes[key]) for key in keys])
    return _activity(rates + noise * rng.standard_normal(rates.shape), 1.0)


def test_unrelated_condition_codes_read_the_shuffle_baseline():
    """Two models share a large time course; their condition codes are independent. Linear CKA over
    the raw (condition, time) means (the code of 2026-12-03) read 0.997; after removing the
    condition-independent mean it falls inside its condition-shuffled distribution, while a
    rotated copy of the same code still reads 1."""
    from attnsim.analysis.cka import cka_compare
    tr = make_selective(n_trials=48, dt_ms=1.0, timing_ms=TIMING, contrasts=[0.1, 0.3, 0.6, 0.9],
                        conditions=["attend_A", "attend_B", "neutral"], seed=0)
    rng = np.random.default_rng(11)
    keys = {f"{c}@{k:g}" for c in ("attend_A", "attend_B", "neutral") for k in (0.1, 0.3, 0.6, 0.9)}
    m1 = _coded(tr, {k: rng.standard_normal(8) for k in keys}, 10 * rng.standard_normal(8), rng)
    m2 = _coded(tr, {k: rng.standard_normal(8) for k in keys}, 10 * rng.standard_normal(8), rng)
    out = cka_compare(tr, m1, m2)
    assert out["samples"] == "conditions x time" and out["n_conditions"] == 12 and out["n_times"] == 100
    assert out["cka"] < out["shuffle_q95"]
    assert out["cka"] == pytest.approx(out["shuffle_mean"], abs=0.15)
    assert cka_compare(tr, m1, m2, subtract_condition_mean=False, epoch=None)["cka"] > 0.95   # the old reading
    same = _activity(m1.rates @ ortho_group.rvs(8, random_state=2), 1.0)
    rot = cka_compare(tr, m1, same)
    assert rot["cka"] == pytest.approx(1.0, abs=1e-9) and rot["cka"] > rot["shuffle_q95"]


def test_pca_finds_the_condition_code_under_a_shared_time_course():
    tr = make_selective(n_trials=48, dt_ms=1.0, timing_ms=TIMING, contrasts=[0.1, 0.3, 0.6, 0.9],
                        conditions=["attend_A", "attend_B", "neutral"], seed=0)
    rng = np.random.default_rng(12)
    shared = np.r_[30.0, np.zeros(7)]                   # the shared time course lives on unit 0
    code_axis = np.r_[0.0, 1.0, np.zeros(6)]            # the conditions differ along unit 1 only
    keys = {f"{c}@{k:g}" for c in ("attend_A", "attend_B", "neutral") for k in (0.1, 0.3, 0.6, 0.9)}
    act = _coded(tr, {k: rng.standard_normal() * code_axis for k in keys}, shared, rng)
    out = pca_trajectories(tr, act, k=2)
    assert abs(out["components"][0] @ code_axis) == pytest.approx(1.0, abs=1e-6)   # PC1 is the code
    assert out["explained_variance_ratio"][0] == pytest.approx(1.0, abs=1e-9)
    assert out["samples"] == "conditions x time" and out["time_ms"][0] == pytest.approx(100.0)
    raw = pca_trajectories(tr, act, k=2, subtract_condition_mean=False, epoch=None)
    assert abs(raw["components"][0] @ shared / 30.0) > 0.99                        # without: the time course


def test_report_cka_table_is_cka_compare_with_its_shuffle_baseline_and_names_its_samples():
    """Issue 19: the report's CKA table gave one number per pair, with neither the shuffle baseline
    nor what the samples were. Now it is `cka_matrix` (`cka_compare` for every pair): the cell of
    two unrelated condition codes sits at its shuffle baseline, a rotated copy reads 1 above it,
    and the text names the samples (conditions x time, condition-independent mean removed)."""
    from attnsim.analysis.cka import cka_compare, cka_matrix
    from attnsim.report import _cka_text, cka_table
    tr = make_selective(n_trials=48, dt_ms=1.0, timing_ms=TIMING, contrasts=[0.1, 0.3, 0.6, 0.9],
                        conditions=["attend_A", "attend_B", "neutral"], seed=0)
    rng = np.random.default_rng(11)
    keys = {f"{c}@{k:g}" for c in ("attend_A", "attend_B", "neutral") for k in (0.1, 0.3, 0.6, 0.9)}
    m1 = _coded(tr, {k: rng.standard_normal(8) for k in keys}, 10 * rng.standard_normal(8), rng)
    m2 = _coded(tr, {k: rng.standard_normal(8) for k in keys}, 10 * rng.standard_normal(8), rng)
    rot = _activity(m1.rates @ ortho_group.rvs(8, random_state=2), 1.0)
    out = cka_matrix(tr, {"m1": m1, "m2": m2, "rot": rot}, n_shuffle=50)
    assert out["samples"] == "conditions x time" and (out["n_conditions"], out["n_times"]) == (12, 100)
    assert out["epoch"] == "stimulus" and not out["errors"]
    c = np.array(out["cka"], float)
    assert np.allclose(c, c.T) and np.allclose(np.diag(c), 1.0)
    assert c[0, 1] == pytest.approx(cka_compare(tr, m1, m2, n_shuffle=0)["cka"], rel=1e-12)
    assert c[0, 1] < out["shuffle_q95"][0][1]                    # unrelated codes: within the baseline
    assert c[0, 2] == pytest.approx(1.0, abs=1e-9) and c[0, 2] > out["shuffle_q95"][0][2]
    table, text = cka_table(out), _cka_text(out)
    row = next(line for line in table.splitlines() if line.startswith("| m1 |"))
    assert row.count("(") == 3 and " / " in row                  # every cell: CKA (shuffle mean / 95th pct)
    assert "conditions x time (12 conditions x 100 time bins)" in text
    assert "condition-independent mean" in text and "shuffle baseline" in text


def test_shuffle_baseline_from_blocks_equals_the_direct_cka(monkeypatch):
    """The shuffles reuse the C^2 blocks Y[a]^T X[b]; each equals linear_cka on the permuted samples,
    with and without the blocks (MAX_BLOCK_VALUES 0 forces the direct product)."""
    import attnsim.analysis.cka as cka_mod
    rng = np.random.default_rng(0)
    m1, m2 = rng.standard_normal((5, 30, 7)) + 3.0, rng.standard_normal((5, 30, 4))
    perms = [rng.permutation(5) for _ in range(6)]
    direct = [linear_cka(m1.reshape(150, -1), m2[p].reshape(150, -1)) for p in perms]
    assert np.allclose(cka_mod._shuffled_cka(m1, m2, perms), direct, rtol=1e-10)
    monkeypatch.setattr(cka_mod, "MAX_BLOCK_VALUES", 0)
    assert np.allclose(cka_mod._shuffled_cka(m1, m2, perms), direct, rtol=1e-10)
