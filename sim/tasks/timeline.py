"""A trial's timeline: named consecutive epochs (NeuroGym's periods), each a whole number of time
steps of the task's dt.

One rule, used twice: `timeline` builds the epochs' step slices and refuses a timing that breaks
it, and the task Specs check it at validation (`timing_problems`), so a scenario whose dt does
not divide an epoch is answered at the key to change (task.timing.<epoch> or task.dt) instead of
with trials of a silently rounded length, or of no steps at all.

The rule: an epoch of duration d lasts d / dt steps, which must be a whole number (to a relative
1e-9, for dt such as 0.1 ms), and at least 1 for an epoch of positive duration. An epoch of
duration 0, where a task allows it (a fixation or response left out), has no steps.
"""
from __future__ import annotations

from attnsim.errors import TimingError  # noqa: F401  (re-exported: tasks import it from here)

REL_TOL = 1e-9




def _whole(steps: float) -> bool:
    return abs(steps - round(steps)) <= REL_TOL * max(1.0, abs(steps))


def _ms(x: float) -> str:
    return f"{x:g} ms"


def timing_problems(timing_ms: dict[str, float], dt_ms: float) -> list[tuple[str | None, str, float]]:
    """What breaks the rule, as (epoch, or None where dt is the key to change; message; the value given).

    A dt longer than an epoch of positive duration is one problem of dt (naming the shortest such
    epoch); otherwise each epoch that is not a whole number of steps is a problem of that epoch.
    """
    positive = {name: d for name, d in timing_ms.items() if d > 0}
    too_short = {name: d for name, d in positive.items() if d / dt_ms < 1 and not _whole(d / dt_ms)}
    if too_short:
        name = min(too_short, key=too_short.get)
        return [(None, f"expected at most the shortest epoch, timing.{name} = {_ms(too_short[name])}, so that "
                       f"every epoch lasts a whole number of steps of at least 1; got {_ms(dt_ms)}", dt_ms)]
    out = []
    for name, d in positive.items():
        steps = d / dt_ms
        if not _whole(steps):
            below, above = int(steps) * dt_ms, (int(steps) + 1) * dt_ms
            out.append((name, f"expected a whole number of steps of dt = {_ms(dt_ms)} (e.g. {_ms(below)} or "
                              f"{_ms(above)}); got {_ms(d)} = {steps:.4g} steps", d))
    return out


def timeline(timing_ms: dict[str, float], dt_ms: float) -> tuple[dict[str, slice], int]:
    """Named consecutive epochs (in the order given) as step slices, and the total steps.

    Raises TimingError where an epoch is not a whole number of steps (see the module docstring).
    """
    problems = timing_problems(timing_ms, dt_ms)
    if problems:
        raise TimingError(problems)
    epochs, t = {}, 0
    for name, dur in timing_ms.items():
        n = int(round(dur / dt_ms))
        epochs[name] = slice(t, t + n)
        t += n
    return epochs, t


def cue_window(epochs: dict[str, slice], persists: bool) -> slice:
    """The steps a cue is on: the cue epoch, and through the stimulus epoch when it `persists`
    (a sustained top-down bias)."""
    return slice(epochs["cue"].start, epochs["stimulus"].stop if persists else epochs["cue"].stop)
