"""Published attention signatures: the data side of report.md's scorecard.

One entry per signature, taken from ../shared/reference/validation_targets.md
rows 8-12 (the wording of `data` follows the row). Each model's value of the
same signature is compared with it in `sim.report.scorecard`:

    null        the value meaning "no attention effect" (0 for a change, 1 for a ratio);
                None for a magnitude with no direction (a latency)
    direction   +1: the data rise above null, -1: they fall below it (None with null None)
    span        (lo, hi) of the published values, or None where the row is qualitative;
                a single published value is (v, v)
    prediction  rows that give model predictions instead of one data value (row 10):
                {label: value}; the model's interval is then asked which one it identifies

Comparison labels (see `sim.report.compare`): "match" (the 95 % interval lies
on the data's side of null, or the span holds null, and overlaps the span; with
no span, the right side of null suffices), "direction only" (right side, misses
the span), "opposite" (wholly on the other side), "no clear effect" (the
interval holds null and the span excludes it), "other magnitude (below|above the
data)" (no direction: the interval misses the span), "n/a" (with the reason).
"""
from __future__ import annotations

SIGNATURES = [
    {"key": "rate_gain", "name": "rate gain, attend-in vs out (rate_in/rate_out - 1)",
     "null": 0.0, "direction": +1, "span": (0.07, 0.26),
     "data": "+7 % (V4, Cohen & Maunsell 2009 re-analysed); median +8 % V1, +26 % V4 (McAdams & Maunsell 1999)",
     "row": 9},
    {"key": "contrast_gain", "name": "contrast gain (c50 unattended / attended)",
     "null": 1.0, "direction": +1, "span": (2.0, 2.0),
     "data": "about x2 with a large attention field, Rmax unchanged (computed; Reynolds & Heeger 2009 Fig. 2)",
     "row": 8},
    {"key": "response_gain", "name": "response gain (Rmax attended / unattended)",
     "null": 1.0, "direction": +1, "span": (1.0, 1.4),
     "data": "1.0 with a large attention field, about 1.4 with a small one (computed; Reynolds & Heeger 2009 Fig. 2)",
     "row": 8},
    {"key": "fano_change", "name": "Fano factor ratio, attend-in / out",
     "null": 1.0, "direction": -1, "span": (1 / 1.26, 1 / 1.07),
     "data": "falls slightly: variance about flat while the rate rises 7-26 %, so 1/1.26-1/1.07 "
             "(derived; McAdams & Maunsell 1999)",
     "row": 9},
    {"key": "noise_corr_change", "name": "noise-correlation change, attend-in vs out (in/out - 1)",
     "null": 0.0, "direction": -1, "span": (0.045 / 0.065 - 1, 0.045 / 0.065 - 1),
     "data": "about -30 % (0.065 -> 0.045; Cohen & Maunsell 2009 as re-analysed by Kanashiro et al. 2017)",
     "row": 9},
    {"key": "gamma_change", "name": "gamma (30-80 Hz) power fraction, attend-in / out - 1",
     "null": 0.0, "direction": +1, "span": None,
     "data": "rises with attention (qualitative; V4 spike-field coherence 35-90 Hz; the model measure is the "
             "population rate's relative power, a proxy; Fries, Reynolds, Rorie & Desimone 2001)",
     "row": 11},
    {"key": "selection_latency", "name": "selection latency after array onset (ms)",
     "null": None, "direction": None, "span": (150.0, 200.0),
     "data": "about 150-200 ms (V4, IT; recalled, not re-read: provisional; Chelazzi et al. 1993, 1998)",
     "row": 12},
    {"key": "capacity_ratio", "name": "divided-attention d' ratio, dual / single",
     "null": None, "direction": None, "span": None,
     "prediction": {"unlimited capacity": 1.0, "fixed capacity": 0.7071067811865476, "serial": 0.44},
     "data": "predictions, not data: unlimited 1, fixed 1/sqrt 2 = 0.707, all-or-none serial about 0.41-0.46 "
             "(Sperling & Melchner 1978; Shaw 1980; White, Palmer & Boynton 2018)",
     "row": 10},
]
