"""The names a task's trials are written with, and that metrics and figures read them by.

Tasks write them (sim/tasks), metrics (sim/analysis) and figures (sim/plots) select trials and
inputs by them, models' readouts find their inputs by them: each is spelled here once, so that
a reader finds what a label means, and a renamed label fails at import instead of selecting no
trials.

- Input channels: the last axis of `Trials.inputs`, in the order of `CHANNELS`. Location 0 is A,
  location 1 is B, as in `Trials.target` and the "cued" label: `STIM[loc]` and `CUE[loc]` are the
  stimulus and cue channel of a location.
- Conditions: the values of `conditions["condition"]`, one per trial.
- Label keys: the keys of `Trials.conditions`; `CONDITION` is always present, the others where a
  task varies them (see each key's comment).
"""
from __future__ import annotations

# input channels
STIM_A, STIM_B, CUE_A, CUE_B = "stim_A", "stim_B", "cue_A", "cue_B"
CHANNELS = (STIM_A, STIM_B, CUE_A, CUE_B)
STIM = (STIM_A, STIM_B)        # the stimulus channel of location 0 (A), 1 (B)
CUE = (CUE_A, CUE_B)           # the cue channel of location 0 (A), 1 (B)


def channel(name: str) -> int:
    """Index of input channel `name` on the last axis of `Trials.inputs`."""
    return CHANNELS.index(name)


# conditions: the values of conditions["condition"]
ATTEND_A, ATTEND_B, NEUTRAL = "attend_A", "attend_B", "neutral"       # selective, sustained
FOCUSED_A, FOCUSED_B, DIVIDED = "focused_A", "focused_B", "divided"    # divided, dual_report
SPONTANEOUS = "spontaneous"                                           # spontaneous
CUED = (ATTEND_A, ATTEND_B)          # the whole cue on one stimulus, by its location (0 = A, 1 = B)
FOCUSED = (FOCUSED_A, FOCUSED_B)     # the whole cue on one location, by the location


def coherence_label(c: float) -> str:
    """The condition of a discrimination trial at coherence `c` (percent): "coherence_<c:g>"."""
    return f"coherence_{c:g}"


# label keys: the keys of Trials.conditions
CONDITION = "condition"    # str, every task: one of the conditions above
CONTRAST = "contrast"      # float: the target stimulus's level (the contrast cell), tasks given contrasts
COHERENCE = "coherence"    # float: the coherence cell; a fraction in the selective task (coherence form),
                           # percent in the discrimination task
VALID = "valid"            # bool, divided: the target is at the cued location (split cue: True)
CUED_LOCATION = "cued"     # int, dual_report: the cued location, 0 = A, 1 = B, -1 = split
