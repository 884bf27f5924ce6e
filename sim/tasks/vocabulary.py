"""The names a task's trials are written with, and that metrics and figures read them by.

Tasks write them (sim/tasks), metrics (sim/analysis) and figures (sim/plots) select trials and
inputs by them, models' readouts find their inputs by them: each is spelled here once, so that
a reader finds what a label means, and a renamed label fails at import instead of selecting no
trials.

- Input channels: the last axis of `Trials.inputs`, in the order of `CHANNELS`. Location 0 is A,
  location 1 is B, as in `Trials.target` and the "cued" label: `STIM[loc]` and `CUE[loc]` are the
  stimulus and cue channel of a location. The feature task writes a ring of directions instead:
  `stim_f<k>`, `cue_f<k>` (k = 0..n-1, channel k prefers 360 k / n deg), spelled in
  `attnsim.models.feature_channels` (models read them too) and re-exported here.
- Conditions: the values of `conditions["condition"]`, one per trial.
- Label keys: the keys of `Trials.conditions`; `CONDITION` is always present, the others where a
  task varies them (see each key's comment).
"""
from __future__ import annotations

# input channels of a ring of features (the feature task): the lower layer's spelling, re-exported
from attnsim.models.feature_channels import (  # noqa: F401
    CUE_FEATURE_PREFIX, STIM_FEATURE_PREFIX, feature_angles_deg, feature_channels, ring_indices, von_mises_profile)

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
ATTEND_FEATURE = "attend_feature"    # feature: a direction cued (neutral: no cue, the NEUTRAL above)
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
CUE_DIR = "cue_dir"        # float, feature: the cued (attended) direction, deg in [0, 360); NaN on neutral trials
STIM_DIR = "stim_dir"      # float, feature: the stimulus direction, deg in [0, 360)
PAIR_DIR = "pair_dir"      # float, feature: the second direction of a pair in the receptive field, deg; NaN if single
CUE_OFFSET = "cue_offset"  # float, feature: cue_dir - stim_dir as given (task.cue_offsets_deg), deg; NaN on neutral
