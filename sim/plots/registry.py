"""Figures by name. Each takes the stored run (RunData), the summary and an output
folder, draws only from stored data (so `attnsim figures RUN_DIR` can redraw),
and returns the files written (PNG and SVG), or nothing when it does not apply."""
from __future__ import annotations

FIGURES: dict[str, str] = {
    "raster": "spike raster per condition (first trial), spiking models",
    "rates": "population rates over time per condition, selective groups, every model",
    "modulation": "modulation index by contrast, every model",
    "psychometric": "accuracy and reaction time by condition (P(choice A) and decision time vs coherence "
                    "for the discrimination task)",
    "comparison": "models side by side: accuracy, modulation index, reaction time",
    "training": "training curves (loss, accuracy) of artificial models",
    "layer_rates": "layered (microcircuit) models: rate per population against the PD14 reference",
    "layer_modulation": "layered (microcircuit) models: rate change vs neutral per population, attended and other column",
}
_LAYER_FIGURES = ("layer_rates", "layer_modulation")


def draw(name: str, run, summary: dict, out_dir: str, run_dir: str) -> list[str]:
    if name in _LAYER_FIGURES:
        from attnsim.plots import layer_figures as module
    else:
        from attnsim.plots import figures as module
    return getattr(module, f"draw_{name}")(run, summary, out_dir, run_dir)
