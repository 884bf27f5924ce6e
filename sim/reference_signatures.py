"""Published attention signatures: the data side of report.md's scorecard.

One entry per signature, taken from docs/reference.md rows 8-12 (corrected
2026-12-07; the wording of `data` follows the row). Each model's value of the
same signature is compared with it in `sim.analysis.scorecard`, by the shared
rules of `attnsim.analysis.rules`:

    null        the value meaning "no attention effect" (0 for a change, 1 for a ratio);
                None for a magnitude with no direction (a latency)
    direction   +1: the data rise above null, -1: they fall below it (None with null None)
    span        (lo, hi) of the published values, or None where the row is qualitative;
                a single published value is (v, v)
    prediction  rows that give model predictions instead of one data value (row 10):
                {label: value}; the model's interval is then asked which one it identifies
    not_compared  why the value is shown but never judged: row 12 gives no checked magnitude
                (its latencies are recalled); the value itself is the row's measure

Every value is the row's measure (`sim.analysis.signature_values`): rate, Fano factor and
noise correlation of attention_effects (row 9); contrast and response gain of
attention_gain's joint Naka-Rushton fit with a baseline and a shared exponent (row 8);
spike-field locking of spike_field_coherence, gamma and low band, above its trial-shuffled
floor (row 11, `sim.analysis.spike_field_change`); the bin-by-bin selection latency of
selection_latency (row 12); the dual-report d' ratio of capacity_cost (row 10).

Rows 8, 9, 11 and 12 describe sensory neurons (V4, MT, IT) before any decision:
a model's value comes from its sensory population only (`Activity.roles`, read
through `attnsim.analysis.sensory.sensory_view`: the model's sensory pair, or an
ANN's hidden units classified as A- or B-preferring on held-out trials). A model
without one (the Wang 2002 and Wong & Wang 2006 decision circuits, a plugin
without roles) shows "n/a: no sensory population (...)", never a value read from
its decision pools or softmax outputs. Row 10 (capacity) is behaviour: it comes
from the choices or location reports.

Comparison (see `sim.analysis.scorecard.compare`), outcome and label:
- pass "match": the interval excludes null on the data's side (rule `excludes`)
  and overlaps the span (rule `consistent`); where the span holds null, `consistent`
  alone; with no span, the side alone ("match (direction; no magnitude in the data)");
- fail "direction only" (right side, other magnitude), "opposite" (wholly on the
  other side), "other magnitude (below|above the data)" (no direction: misses the span);
- inconclusive "no clear effect" (the interval holds null), or too wide to decide,
  or no interval;
- row 10: `attnsim.analysis.capacity.capacity_verdict`, capacity_cost's own verdict:
  "no attention effect on sensitivity" (inconclusive) unless the interval of
  d'_focused - d'_uncued excludes 0 above it (rule `excludes`); then pass "identifies
  <prediction>" by rule `identifies` (the interval no wider than the gap to the
  nearest rival, 0.29 for unlimited vs fixed), fail "none of the predictions", else
  inconclusive;
- n/a: no value (with the reason), or "not compared" (`not_compared`).
"""
from __future__ import annotations

SIGNATURES = [
    {"key": "rate_gain", "name": "rate gain, attend-in vs out (rate_in/rate_out - 1)",
     "null": 0.0, "direction": +1, "span": (0.07, 0.26),
     "data": "+7 % (V4, Cohen & Maunsell 2009 as re-analysed by Kanashiro et al. 2017); median +8 % V1, "
             "+26 % V4 (McAdams & Maunsell 1999)",
     "row": 9},
    {"key": "contrast_gain", "name": "contrast gain (c50 unattended / attended)",
     "null": 1.0, "direction": +1, "span": (1.51, 1.51),
     "data": "V4: effective contrast x1.51 (Reynolds, Pasternak & Desimone 2000); model: about x2 with a large "
             "attention field, Rmax unchanged (computed; Reynolds & Heeger 2009 Fig. 2)",
     "row": 8},
    {"key": "response_gain", "name": "response gain (Rmax attended / unattended)",
     "null": 1.0, "direction": +1, "span": (1.0, 1.4),
     "data": "model: 1.0 with a large attention field, about 1.4 with a small one (computed; Reynolds & Heeger "
             "2009 Fig. 2); data: V4 tuning curves scale up (median +26 %) with width unchanged "
             "(multiplicative; McAdams & Maunsell 1999), V4 contrast responses show contrast gain "
             "(Reynolds, Pasternak & Desimone 2000)",
     "row": 8},
    {"key": "fano_change", "name": "Fano factor ratio, attend-in / out",
     "null": 1.0, "direction": -1, "span": (0.90, 1.0),
     "data": "unchanged to a fall of 0-10 %; a rise disagrees: no detectable change in V4 (McAdams & Maunsell "
             "1999), a small fall in V4 (Mitchell, Sundberg & Reynolds 2007; Cohen & Maunsell 2009)",
     "row": 9},
    {"key": "noise_corr_change", "name": "noise-correlation change, attend-in vs out (in/out - 1)",
     "null": 0.0, "direction": -1, "span": (0.045 / 0.065 - 1, 0.045 / 0.065 - 1),
     "data": "about -30 % (0.065 -> 0.045; Cohen & Maunsell 2009 as re-analysed by Kanashiro et al. 2017)",
     "row": 9},
    {"key": "sfc_gamma_change", "name": "spike-field locking 35-90 Hz (PPC above its shuffle floor), attend-in - out",
     "null": 0.0, "direction": +1, "span": None,
     "data": "spike-field coherence in V4: gamma (35-90 Hz) rises with attention (qualitative; Fries, Reynolds, "
             "Rorie & Desimone 2001)",
     "row": 11},
    {"key": "sfc_low_change", "name": "spike-field locking 4-17 Hz (PPC above its shuffle floor), attend-in - out",
     "null": 0.0, "direction": -1, "span": None,
     "data": "spike-field coherence in V4: below 17 Hz falls with attention (qualitative; Fries, Reynolds, "
             "Rorie & Desimone 2001)",
     "row": 11},
    {"key": "selection_latency", "name": "selection latency after array onset (ms)",
     "null": None, "direction": None, "span": (150.0, 200.0),
     "data": "after the onset transient, not at array onset: IT about 150-200 ms (Chelazzi et al. 1993, 1998); "
             "V4 also after the initial response (Chelazzi, Miller, Duncan & Desimone 2001); recalled, "
             "qualitative until re-read",
     "not_compared": "the value is row 12's measure (first bin where the sensory responses differ, tested bin by "
                     "bin on baseline-subtracted, unsmoothed counts), but row 12's latencies are recalled, not "
                     "re-read: there is no checked range to judge it against",
     "row": 12},
    {"key": "capacity_ratio", "name": "divided-attention d' ratio, dual / single",
     "null": None, "direction": None, "span": None,
     "prediction": {"unlimited capacity": 1.0, "fixed capacity": 0.7071067811865476, "serial": 0.44},
     "data": "predictions, not data: unlimited 1, fixed 1/sqrt 2 = 0.707, all-or-none serial about 0.41-0.46 "
             "(Sperling & Melchner 1978; Shaw 1980; White, Palmer & Boynton 2018)",
     "row": 10},
]
