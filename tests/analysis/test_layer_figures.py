"""Layer figures: the per-layer attention summary, and that both figures draw for "layered"
models only, from the family's layer_layout."""
import numpy as np
import pytest
from matplotlib.figure import Figure

from attnsim.models.activity import Activity
from attnsim.models.microcircuit import pd14_params as P
from attnsim.models.microcircuit.attention_columns import MicrocircuitColumns
from attnsim.plots.layer_figures import layer_changes
from attnsim.plots.registry import draw, figures
from attnsim.store import RunData

LAYOUT = MicrocircuitColumns.layer_layout


def _metrics():
    ch = {"attend_A": {f"{c}_{p}": (0.5 if c == "A" else -0.1) * (k + 1) for c in "AB"
                       for k, p in enumerate(P.POPULATIONS)},
          "attend_B": {f"{c}_{p}": (0.3 if c == "B" else -0.3) * (k + 1) for c in "AB"
                       for k, p in enumerate(P.POPULATIONS)}}
    rates = {"neutral": {f"A_{p}": float(r) for p, r in zip(P.POPULATIONS, P.REF_RATES_01_HZ)}}
    return {"rate_change_vs_neutral": ch, "rate_hz": rates}


def test_layout_describes_the_pd14_columns():
    assert LAYOUT.populations == P.POPULATIONS and LAYOUT.columns == ("A", "B")
    assert LAYOUT.group("B", "L4E") == "B_L4E"
    assert LAYOUT.is_excitatory == tuple(bool(e) for e in P.IS_EXCITATORY)
    np.testing.assert_array_equal(LAYOUT.reference_rates_hz, P.FULL_MEAN_RATES_HZ)
    np.testing.assert_array_equal(LAYOUT.scaled_reference_rates_hz, P.REF_RATES_01_HZ)


def test_layer_changes_average_the_attended_and_the_other_column():
    out = layer_changes(_metrics(), LAYOUT)
    for k, p in enumerate(P.POPULATIONS):
        assert out["attended column"][p] == pytest.approx((0.5 + 0.3) / 2 * (k + 1))
        assert out["other column"][p] == pytest.approx((-0.1 - 0.3) / 2 * (k + 1))
    assert layer_changes({"rate_hz": {}}, LAYOUT) is None


def _layered_run():
    sizes = {f"{c}_{p}": int(n) for c in "AB" for p, n in zip(P.POPULATIONS, P.scaled_sizes(0.1))}
    groups = {g: slice(k, k + 1) for k, g in enumerate(sizes)}
    act = Activity(rates=np.zeros((1, 5, len(groups))), dt_ms=1.0, groups=groups,
                   selective_groups=("A_L23E", "B_L23E"), choice=np.zeros(1, int),
                   reaction_time_ms=np.full(1, np.nan), group_sizes=sizes)
    assert LAYOUT.scale(act.group_sizes) == pytest.approx(0.1, abs=1e-3)
    return act


def test_layer_figures_draw_for_layered_models_only(tmp_path):
    act = _layered_run()
    # capabilities not stored: read from the family classes (microcircuit: layered; rnn: not)
    run = RunData(trials=None, activities={"pd14": act, "rnn": act}, families={"pd14": "microcircuit", "rnn": "rnn"})
    summary = {"models": {"pd14": {"metrics": _metrics()}, "rnn": {"metrics": _metrics()}}}
    files = draw("layer_rates", run, summary, str(tmp_path))
    files += draw("layer_modulation", run, summary, str(tmp_path), str(tmp_path))
    names = sorted(p.rsplit("/", 1)[-1] for p in files)
    assert names == ["layer_modulation_pd14.png", "layer_modulation_pd14.svg",
                     "layer_rates_pd14.png", "layer_rates_pd14.svg"]
    assert all((tmp_path / n).stat().st_size > 0 for n in names)


def test_layer_rates_draw_the_references_of_the_layout():
    run = RunData(trials=None, activities={"pd14": _layered_run()}, families={"pd14": "microcircuit"},
                  capabilities={"pd14": frozenset({"spiking", "layered"})})
    [(stem, fig)] = figures("layer_rates", run, {"models": {"pd14": {"metrics": _metrics()}}})
    assert stem == "layer_rates_pd14" and isinstance(fig, Figure)
    ax = fig.axes[0]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert LAYOUT.reference_label in legend and LAYOUT.scaled_reference_label in legend   # scale 0.1
    np.testing.assert_allclose(ax.lines[0].get_ydata(), LAYOUT.reference_rates_hz)
    assert [t.get_text() for t in ax.get_xticklabels()] == list(LAYOUT.labels)
    heights = [b.get_height() for b in ax.patches]
    np.testing.assert_allclose(heights, P.REF_RATES_01_HZ)     # the neutral rates of column A
