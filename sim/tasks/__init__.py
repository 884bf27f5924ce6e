"""Tasks: a scenario's `task:` block -> Trials (arrays, the same for every model family)."""
from __future__ import annotations

from attnsim.tasks.trials import Trials

TASKS = {
    "selective": "two stimuli in one receptive field; a cue says which to attend (cueing, biased competition)",
    "discrimination": "two-choice random-dot discrimination at several coherences (Wong & Wang 2006 protocol)",
    "spontaneous": "no input; spontaneous activity measured after a transient (PD14, Brunel 2000)",
    "divided": "target at A or B, cue focused (valid/invalid) or split across both: 2AFC d' and cueing effect",
    "dual_report": "target present/absent at A and at B independently, yes/no at each; cue focused or split: capacity",
    "sustained": "brief cue, delay, then both stimuli: persistence of the cued representation",
}


def build_trials(spec, seed: int, n_trials: int | None = None) -> Trials:
    """Trials for a validated task spec (`sim.scenario.schema`), generated from `seed`."""
    n = spec.n_trials if n_trials is None else n_trials
    timing = spec.timing.model_dump()
    if spec.kind == "selective":
        from attnsim.tasks.selective import make_selective
        return make_selective(n_trials=n, dt_ms=spec.dt, timing_ms=timing, contrasts=spec.contrasts,
                              conditions=spec.conditions, distractor_ratio=spec.distractor_ratio,
                              neutral_ratio=spec.neutral_ratio, cue_strength=spec.cue_strength,
                              cue_persists=spec.cue_persists, seed=seed)
    if spec.kind == "discrimination":
        from attnsim.tasks.discrimination import make_discrimination
        return make_discrimination(n_trials=n, dt_ms=spec.dt, timing_ms=timing, coherences=spec.coherences,
                                   s0=spec.s0, seed=seed)
    if spec.kind == "spontaneous":
        from attnsim.tasks.spontaneous import make_spontaneous
        return make_spontaneous(n_trials=n, dt_ms=spec.dt, timing_ms=timing, seed=seed)
    if spec.kind == "divided":
        from attnsim.tasks.divided import make_divided
        return make_divided(n_trials=n, dt_ms=spec.dt, timing_ms=timing, contrasts=spec.contrasts,
                            conditions=spec.conditions, cue_validity=spec.cue_validity,
                            distractor_ratio=spec.distractor_ratio, cue_strength=spec.cue_strength,
                            cue_persists=spec.cue_persists, seed=seed)
    if spec.kind == "dual_report":
        from attnsim.tasks.dual_report import make_dual_report
        return make_dual_report(n_trials=n, dt_ms=spec.dt, timing_ms=timing, contrasts=spec.contrasts,
                                conditions=spec.conditions, distractor_ratio=spec.distractor_ratio,
                                cue_strength=spec.cue_strength, cue_persists=spec.cue_persists, seed=seed)
    if spec.kind == "sustained":
        from attnsim.tasks.sustained import make_sustained
        return make_sustained(n_trials=n, dt_ms=spec.dt, timing_ms=timing, contrasts=spec.contrasts,
                              conditions=spec.conditions, cue_strength=spec.cue_strength, seed=seed)
    raise ValueError(f"unknown task kind {spec.kind!r}; valid: {sorted(TASKS)}")


def n_cells(spec) -> int:
    """Number of distinct condition cells (enough trials to see every condition label once)."""
    if spec.kind in ("selective", "divided", "sustained"):
        return len(spec.conditions) * len(spec.contrasts)
    if spec.kind == "dual_report":
        return len(spec.conditions) * len(spec.contrasts) * 4   # x the four presence patterns
    if spec.kind == "discrimination":
        return len(spec.coherences)
    return 1
