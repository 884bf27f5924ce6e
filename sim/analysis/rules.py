"""The verdict rules: what an estimate and its 95 % interval must do for a claim to pass.

One implementation, used by scenario expectations (`attnsim.expectations`),
the capacity verdict (`attnsim.analysis.capacity`) and the report's scorecard
(`attnsim.report`), with one vocabulary of outcomes: `pass`, `fail`,
`inconclusive` (docs/reference.md, "How a scenario uses a row"; DESIGN.md,
"Measurements and their uncertainty").

Rules (a range is closed, [lo, hi]; an interval is the closed 95 % interval):

- `inside`: the ESTIMATE lies in the range. Only for claims about the estimate
  itself. With an interval: one that misses the range entirely fails (the data
  settle it), one wider than the range is inconclusive, otherwise the estimate
  decides. Without an interval: the estimate decides (a point check).
- `interval_inside`: the WHOLE interval lies in the range (e.g. "L4 down, shown
  only if the interval excludes 0": range [-1, 0]). Wholly outside -> fail;
  straddling an edge -> inconclusive; the estimate never decides.
- `consistent`: the interval overlaps the range. Disjoint -> fail; wider than a
  range of positive width -> inconclusive (it would overlap almost anything);
  otherwise pass. A single published value (lo == hi) passes when the interval
  holds it.
- `excludes`: the interval excludes `value` (0 for "an effect", or a rival
  prediction). Holding it -> inconclusive (not shown; more data may show it).
  With a range, the interval must also lie on the range's side: an interval
  that excludes the value but misses the range is a fail (the effect has the
  other sign).
- `identifies`: the interval holds `prediction` and excludes every rival, and
  is no wider than `max_width` (default, and what expectations, capacity_cost
  and the scorecard use: the distance from the prediction to its nearest rival;
  row 10 of docs/reference.md: 1 - 1/sqrt(2) = 0.29 between unlimited and fixed
  capacity). Excludes the prediction -> fail; holds a rival or is too wide ->
  inconclusive.

Every rule except `inside` needs an interval: without one (no resamples, too
few defined, NaN bounds) the outcome is `inconclusive`, never a pass. No
estimate at all is a `fail` (the measure was not computed).

A control that "must fail" a check (row 9: a mechanism is shown only if a
control without it fails the same check) fails as it must only when its
interval excludes the effect it controls for: write it as `interval_inside`
on the complement of the effect's range (or `excludes` the effect's value with
the side as range), never `inside`, whose estimate could pass while the
interval still holds the effect.

What a claim holds over (`over`, DESIGN.md "Measurements and their
uncertainty"): `over="trials"` (default) is a claim about this realization (one
network, one trained network); `over="seeds"` is a claim about an architecture
or a circuit, which holds over its realizations (network seeds for brain
models, initialization and training seeds for ANNs). Such a claim needs an
interval over at least `MIN_SEEDS` = 5 of them: with fewer, whatever the rule
says (pass or fail), the outcome is `inconclusive` ("interval over trials of
one realization; ..." for one seed). A deterministic network evaluated on one
seed has intervals such as 0.32 [0.32, 0.32]: they are about its trials, never
evidence about the architecture. No estimate stays a `fail`.
"""
from __future__ import annotations

import math
from typing import Iterable, Mapping, Sequence

PASS, FAIL, INCONCLUSIVE = "pass", "fail", "inconclusive"
OUTCOMES = (PASS, FAIL, INCONCLUSIVE)
RULES = ("inside", "interval_inside", "consistent", "excludes", "identifies")
NEEDS_INTERVAL = frozenset(RULES) - {"inside"}
OVER = ("trials", "seeds")
MIN_SEEDS = 5

Interval = Sequence[float] | None


def _finite(x) -> float | None:
    if x is None:
        return None
    try:
        x = float(x)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def interval_of(ci: Interval) -> tuple[float, float] | None:
    """(lo, hi) with finite bounds, or None (no interval: None, NaN or a missing bound)."""
    if ci is None:
        return None
    lo, hi = (_finite(v) for v in ci)
    if lo is None or hi is None:
        return None
    return (lo, hi) if lo <= hi else (hi, lo)


def _range(rng) -> tuple[float, float]:
    lo, hi = float(rng[0]), float(rng[1])
    if lo > hi:
        raise ValueError(f"range must be [low, high] (got {[lo, hi]})")
    return lo, hi


def inside(estimate, ci: Interval, rng) -> tuple[str, str]:
    """Rule `inside` (module docstring): (outcome, reason)."""
    est = _finite(estimate)
    if est is None:
        return FAIL, "no estimate"
    lo, hi = _range(rng)
    iv = interval_of(ci)
    if iv is not None:
        if iv[1] < lo or iv[0] > hi:
            return FAIL, "the interval misses the range"
        if iv[1] - iv[0] > hi - lo:
            return INCONCLUSIVE, "the interval is wider than the range"
    if lo <= est <= hi:
        return PASS, "the estimate is in the range" + ("" if iv else " (no interval: point check)")
    return FAIL, "the estimate is outside the range" + ("" if iv else " (no interval: point check)")


def interval_inside(ci: Interval, rng) -> tuple[str, str]:
    """Rule `interval_inside`: the whole interval in the range."""
    iv = interval_of(ci)
    if iv is None:
        return INCONCLUSIVE, "no interval: the rule needs one"
    lo, hi = _range(rng)
    if iv[0] >= lo and iv[1] <= hi:
        return PASS, "the whole interval is in the range"
    if iv[1] < lo or iv[0] > hi:
        return FAIL, "the interval misses the range"
    return INCONCLUSIVE, "the interval straddles the range's edge"


def consistent(ci: Interval, rng) -> tuple[str, str]:
    """Rule `consistent`: the interval overlaps the range (and is not wider than it)."""
    iv = interval_of(ci)
    if iv is None:
        return INCONCLUSIVE, "no interval: the rule needs one"
    lo, hi = _range(rng)
    if iv[1] < lo or iv[0] > hi:
        return FAIL, "the interval misses the range"
    if hi > lo and iv[1] - iv[0] > hi - lo:
        return INCONCLUSIVE, "the interval is wider than the range"
    return PASS, "the interval overlaps the range"


def excludes(ci: Interval, value: float, rng=None) -> tuple[str, str]:
    """Rule `excludes`: the interval excludes `value` (and, with a range, lies on its side)."""
    iv = interval_of(ci)
    if iv is None:
        return INCONCLUSIVE, "no interval: the rule needs one"
    value = float(value)
    if iv[0] <= value <= iv[1]:
        return INCONCLUSIVE, f"the interval holds {value:g}"
    if rng is not None:
        lo, hi = _range(rng)
        if iv[1] < lo or iv[0] > hi:
            return FAIL, f"the interval excludes {value:g} on the other side of it"
    return PASS, f"the interval excludes {value:g}"


def identifies(ci: Interval, prediction: float, rivals: Iterable[float],
               max_width: float | None = None) -> tuple[str, str]:
    """Rule `identifies`: holds `prediction`, excludes every rival, no wider than `max_width`."""
    iv = interval_of(ci)
    rivals = [float(r) for r in rivals if _finite(r) is not None]
    if not rivals:
        raise ValueError("identifies needs at least one finite rival")
    if iv is None:
        return INCONCLUSIVE, "no interval: the rule needs one"
    pred = float(prediction)
    if max_width is None:
        max_width = min(abs(r - pred) for r in rivals)
    lo, hi = iv
    if not lo <= pred <= hi:
        return FAIL, f"the interval excludes the prediction {pred:g}"
    held = [r for r in rivals if lo <= r <= hi]
    if held:
        return INCONCLUSIVE, "the interval also holds " + ", ".join(f"{r:g}" for r in held)
    if hi - lo > max_width:
        return INCONCLUSIVE, f"the interval is {hi - lo:.3g} wide, wider than {max_width:.3g}"
    return PASS, f"the interval holds {pred:g} and excludes " + ", ".join(f"{r:g}" for r in rivals)


def identify(ci: Interval, predictions: Mapping[str, float],
             max_width: float | None = None) -> tuple[str, str | None, str]:
    """Which of several predictions the interval identifies: (outcome, name or None, reason).

    `identifies` applied to each prediction against the others (NaN predictions
    are left out): pass with the name when one passes; fail when the interval
    excludes every prediction; inconclusive otherwise (none, or too wide)."""
    preds = {k: float(v) for k, v in predictions.items() if _finite(v) is not None}
    if len(preds) < 2:
        return INCONCLUSIVE, None, "fewer than two defined predictions"
    if interval_of(ci) is None:
        return INCONCLUSIVE, None, "no interval: the rule needs one"
    reasons = {}
    for name, v in preds.items():
        out, why = identifies(ci, v, [r for k, r in preds.items() if k != name], max_width)
        if out == PASS:
            return PASS, name, why
        reasons[name] = (out, why)
    if all(out == FAIL for out, _ in reasons.values()):
        return FAIL, None, "the interval excludes every prediction"
    lo, hi = interval_of(ci)
    held = [k for k, v in preds.items() if lo <= v <= hi]
    if len(held) > 1:
        return INCONCLUSIVE, None, "the interval holds " + " and ".join(held)
    return INCONCLUSIVE, None, next(why for out, why in reasons.values() if out == INCONCLUSIVE)


def realizations(n_seeds: int | None) -> str | None:
    """Why an interval over `n_seeds` realizations cannot decide a claim about an architecture
    (module docstring), or None when n_seeds >= MIN_SEEDS."""
    k = 0 if n_seeds is None else int(n_seeds)
    if k >= MIN_SEEDS:
        return None
    what = "interval over trials of one realization" if k <= 1 else f"interval over {k} seeds"
    return f"{what}; a claim about the architecture needs >= {MIN_SEEDS} network/training seeds"


def judge(rule: str, estimate, ci: Interval, *, range=None, value=None, prediction=None,
          rivals: Iterable[float] = (), max_width: float | None = None, over: str = "trials",
          n_seeds: int | None = None) -> tuple[str, str]:
    """Apply a rule by name: (outcome, reason). No estimate -> fail, for every rule.

    over="seeds" (a claim about an architecture or circuit): with an interval over fewer than
    MIN_SEEDS seeds (`n_seeds`; None counts as one) the outcome is inconclusive, with the reason.
    """
    if over not in OVER:
        raise ValueError(f"unknown over {over!r} (valid: {', '.join(OVER)})")
    outcome, reason = _judge(rule, estimate, ci, range=range, value=value, prediction=prediction,
                             rivals=rivals, max_width=max_width)
    if over == "seeds" and reason != "no estimate":
        why = realizations(n_seeds)
        if why is not None:
            return INCONCLUSIVE, f"{why} (the rule alone: {outcome}, {reason})"
    return outcome, reason


def _judge(rule: str, estimate, ci: Interval, *, range=None, value=None, prediction=None,
           rivals: Iterable[float] = (), max_width: float | None = None) -> tuple[str, str]:
    if rule not in RULES:
        raise ValueError(f"unknown rule {rule!r} (rules: {', '.join(RULES)})")
    if _finite(estimate) is None:
        return FAIL, "no estimate"
    if rule == "inside":
        return inside(estimate, ci, range)
    if rule == "interval_inside":
        return interval_inside(ci, range)
    if rule == "consistent":
        return consistent(ci, range)
    if rule == "excludes":
        if value is None:
            raise ValueError("rule 'excludes' needs the value to exclude")
        return excludes(ci, value, range)
    return identifies(ci, prediction, rivals, max_width)


def target_halfwidth(rule: str, estimate, *, range=None, value=None, prediction=None,
                     rivals: Iterable[float] = (), max_width: float | None = None) -> float | None:
    """The interval half-width that would let the rule decide (for a trials-needed estimate):
    half the range (`inside`, `consistent`), the estimate's distance to the nearer range edge
    (`interval_inside`), to the excluded value (`excludes`), or half the identification width
    (`identifies`). None where no narrowing would decide (e.g. the estimate on the value)."""
    est = _finite(estimate)
    if rule == "identifies":
        gap = min(abs(float(r) - float(prediction)) for r in rivals)
        # the width limit (default: the gap) asks for a half-width of at most w / 2; an interval
        # centred on the prediction excludes the nearest rival once its half-width is below the gap
        w = gap if max_width is None else max_width
        d = min(gap, w / 2.0)
        return d if d > 0 else None
    if rule in ("inside", "consistent"):
        lo, hi = _range(range)
        return (hi - lo) / 2.0 if hi > lo else None
    if est is None:
        return None
    if rule == "interval_inside":
        lo, hi = _range(range)
        d = min(est - lo, hi - est)
        return d if d > 0 else None
    if rule == "excludes":
        d = abs(est - float(value))
        return d if d > 0 else None
    raise ValueError(f"unknown rule {rule!r}")
