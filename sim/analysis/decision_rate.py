"""How often a model decides at all: the fraction of trials with a choice, per condition."""
from __future__ import annotations

import numpy as np

from attnsim.analysis.conditions import condition_groups
from attnsim.analysis.windows import NotApplicable
from attnsim.models.activity import Activity
from attnsim.registries import METRICS
from attnsim.tasks.trials import Trials


@METRICS.register("decision_rate", summary="fraction of trials with a choice (readout crossed its criterion), "
                                           "per condition; 1 - decision_rate is the fraction undecided")
def decision_rate(trials: Trials, activity: Activity) -> dict[str, float]:
    """Fraction of a label's trials with a choice (choice != -1), single-choice tasks.

    Accuracy counts an undecided trial as wrong, so a model can lose accuracy either by choosing
    the wrong stimulus or by not choosing; this separates the two (e.g. a Wong & Wang 2006
    network at low coherence that has not reached threshold by the end of the trial).
    """
    if np.ndim(trials.target) != 1:
        raise NotApplicable("decision_rate needs one choice per trial; this task asks a judgment per location")
    decided = np.asarray(activity.choice) >= 0
    return {label: float(decided[idx].mean()) for label, idx in condition_groups(trials).items()}
