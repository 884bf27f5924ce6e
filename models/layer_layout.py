"""What a layered model tells figures about its cortical layers: `LayerLayout`.

A family with the capability "layered" declares a class attribute ``layer_layout`` (an instance
of LayerLayout). Figures of the upper layer (attnsim.plots.layer_figures) read only this
description, never the family's name or its parameter modules, so another layered model
(other populations, columns or reference data) gets the same figures by declaring its own.

Group names are ``group_format.format(column=c, population=p)``, e.g. "A_L23E" for column "A"
and population "L23E" with the default format "{column}_{population}".

The model's scale is read back from the stored group sizes (it is not in summary.json):

    scale = group_sizes[group(columns[0], populations[0])] / full_sizes[0]

e.g. Potjans & Diesmann (2014) N_scaling = N(L2/3E of column A) / 20683.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LayerLayout:
    """Populations, columns and reference rates of a layered model (one entry per population).

    populations: names as in group names, e.g. ("L23E", "L23I", ...).
    labels: display labels, same order (e.g. "L2/3E").
    is_excitatory: per population, True for excitatory (drawn red, inhibitory blue).
    columns: column names as in group names, e.g. ("A", "B"); the first is the one whose
        rates are compared with the references.
    group_format: how a group name is made of a column and a population.
    reference_rates_hz / reference_label: published rates per population (Hz), e.g. PD14 full scale.
    scaled_reference_rates_hz / scaled_reference_label / scaled_reference_scale: rates valid only
        at one scale (e.g. NEST at N_scaling 0.1), drawn when the model's scale is within
        `scale_tolerance` of `scaled_reference_scale`.
    full_sizes: full-scale neuron numbers per population (for `scale`); None: scale unknown.
    scale_name: what the scale is called in titles (e.g. "N_scaling").
    modulation_note: what the attention effect per layer is expected to be, with its source
        (shown in the layer-modulation title; "" for none).
    """

    populations: tuple[str, ...]
    labels: tuple[str, ...]
    is_excitatory: tuple[bool, ...]
    columns: tuple[str, ...] = ("A",)
    group_format: str = "{column}_{population}"
    reference_rates_hz: tuple[float, ...] | None = None
    reference_label: str = ""
    scaled_reference_rates_hz: tuple[float, ...] | None = None
    scaled_reference_label: str = ""
    scaled_reference_scale: float | None = None
    scale_tolerance: float = 0.005
    full_sizes: tuple[int, ...] | None = None
    scale_name: str = "scale"
    modulation_note: str = ""

    def __post_init__(self):
        n = len(self.populations)
        for field_name in ("labels", "is_excitatory", "reference_rates_hz", "scaled_reference_rates_hz",
                           "full_sizes"):
            value = getattr(self, field_name)
            if value is not None and len(value) != n:
                raise ValueError(f"LayerLayout.{field_name}: expected {n} entries (one per population), "
                                 f"got {len(value)}")
        if not self.columns:
            raise ValueError("LayerLayout.columns: at least one column")

    def group(self, column: str, population: str) -> str:
        """The group name of `population` in `column`, e.g. "A_L23E"."""
        return self.group_format.format(column=column, population=population)

    def scale(self, group_sizes: dict[str, int]) -> float | None:
        """The model's scale from its stored group sizes (module docstring); None if unknown."""
        if self.full_sizes is None:
            return None
        return group_sizes.get(self.group(self.columns[0], self.populations[0]), 0) / self.full_sizes[0]

    def scaled_reference_applies(self, scale: float | None) -> bool:
        """True when `scaled_reference_rates_hz` were measured at this scale."""
        return (self.scaled_reference_rates_hz is not None and self.scaled_reference_scale is not None
                and scale is not None and abs(scale - self.scaled_reference_scale) < self.scale_tolerance)
