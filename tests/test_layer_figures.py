"""Layer figures of the microcircuit: the per-layer attention summary and that both figures draw."""
import numpy as np
import pytest

from attnsim.models.activity import Activity
from attnsim.models.microcircuit import pd14_params as P
from attnsim.plots.layer_figures import draw_layer_modulation, draw_layer_rates, layer_changes, n_scaling_of
from attnsim.store import RunData


def _metrics():
    ch = {"attend_A": {f"{c}_{p}": (0.5 if c == "A" else -0.1) * (k + 1) for c in "AB"
                       for k, p in enumerate(P.POPULATIONS)},
          "attend_B": {f"{c}_{p}": (0.3 if c == "B" else -0.3) * (k + 1) for c in "AB"
                       for k, p in enumerate(P.POPULATIONS)}}
    rates = {"neutral": {f"A_{p}": float(r) for p, r in zip(P.POPULATIONS, P.REF_RATES_01_HZ)}}
    return {"rate_change_vs_neutral": ch, "rate_hz": rates}


def test_layer_changes_average_the_attended_and_the_other_column():
    out = layer_changes(_metrics())
    for k, p in enumerate(P.POPULATIONS):
        assert out["attended column"][p] == pytest.approx((0.5 + 0.3) / 2 * (k + 1))
        assert out["other column"][p] == pytest.approx((-0.1 - 0.3) / 2 * (k + 1))
    assert layer_changes({"rate_hz": {}}) is None


def test_layer_figures_draw_for_microcircuit_models_only(tmp_path):
    sizes = {f"{c}_{p}": int(n) for c in "AB" for p, n in zip(P.POPULATIONS, P.scaled_sizes(0.1))}
    groups = {g: slice(k, k + 1) for k, g in enumerate(sizes)}
    act = Activity(rates=np.zeros((1, 5, len(groups))), dt_ms=1.0, groups=groups,
                   selective_groups=("A_L23E", "B_L23E"), choice=np.zeros(1, int),
                   reaction_time_ms=np.full(1, np.nan), group_sizes=sizes)
    assert n_scaling_of(act) == pytest.approx(0.1, abs=1e-3)
    run = RunData(trials=None, activities={"pd14": act, "rnn": act}, families={"pd14": "microcircuit", "rnn": "rnn"})
    summary = {"models": {"pd14": {"metrics": _metrics()}, "rnn": {"metrics": _metrics()}}}
    files = draw_layer_rates(run, summary, str(tmp_path), str(tmp_path))
    files += draw_layer_modulation(run, summary, str(tmp_path), str(tmp_path))
    names = sorted(p.rsplit("/", 1)[-1] for p in files)
    assert names == ["layer_modulation_pd14.png", "layer_modulation_pd14.svg",
                     "layer_rates_pd14.png", "layer_rates_pd14.svg"]
