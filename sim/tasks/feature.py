"""Feature-based attention: a cued direction on a ring, held over a delay, then a stimulus direction.

fixation -> cue -> delay -> stimulus -> response (NeuroGym periods). Directions are coded on a
ring of `n_features` input channels per kind (`attnsim.models.feature_channels`): channel k
prefers theta_k = 360 k / n deg and sees a von Mises profile

    drive_k(theta) = level * exp(kappa * (cos(theta_k - theta) - 1))

- cue (the attended direction) on the `cue_f<k>` channels at level `cue_level`, on in the cue
  epoch only: with a delay > 0 the cue is gone before the stimulus (the cue-delay protocol), so a
  model must hold the attended direction (a working-memory network held by self-excitation in
  Ardid, Wang & Compte 2007 J Neurosci 27:8486; recurrent memory in a trained network). With
  delay 0 the cue may instead stay on through the stimulus (`cue_persists`, an external bias).
- stimulus on the `stim_f<k>` channels at level `contrast`: one direction, or on pair trials
  (`pair`) two directions `pair_separation_deg` apart in the one receptive field, the sum of two
  profiles clipped to 1 (biased competition within a receptive field, Reynolds, Chelazzi &
  Desimone 1999 J Neurosci 19:1736).

Cued trials ("attend_feature", a fraction `cued_fraction` of the trials) put the cue at
stim_dir + offset, the offset taken from `cue_offsets_deg`: the same stimulus with the attended
direction varied, as the feature-similarity gain is measured (Treue & Martinez-Trujillo 1999
Nature 399:575; docs/reference.md row 15). The other trials are "neutral": no cue.

The answer is 2-choice, as in every task, so every family's A/B readout reads it:

- cued: 0 (match) when the cued direction is in the stimulus, i.e. within half a channel spacing
  (180 / n deg, strictly) of stim_dir or, on a pair trial, of pair_dir; else 1 (non-match);
- neutral: 0 when stim_dir lies in the upper half circle [0, 180) deg, else 1 (a direction judgment).

Stimulus directions are drawn from `stim_dirs_deg` (default: every channel's preferred direction,
so that trials repeat exactly, as Fano factors and noise correlations need). Trials are balanced
over (contrast, offset, stimulus direction) for the cued trials and (contrast, direction) for the
neutral ones, in a seeded order; a `pair` fraction f makes floor(f n_trials) trials pairs, spread
evenly over the cells. Labels: conditions["condition", "contrast", "stim_dir", "cue_dir", "pair_dir",
"cue_offset"] (attnsim.tasks.vocabulary).

For two-location models a cue that is gone before the stimulus is the `sustained` task
(fixation -> cue -> delay -> stimulus, any delay >= 0, e.g. timing.delay: 1 s).
"""
from __future__ import annotations

import math
from typing import Annotated, Literal

import numpy as np
from pydantic import Field, model_validator

from attnsim.registries import TASKS
from attnsim.spec.quantities import DurationMs, PositiveDurationMs
from attnsim.spec.strict import Strict
from attnsim.tasks.plain import trials_from_values
from attnsim.tasks.spec_base import Contrast, Fraction, WholeStepTiming, key_errors
from attnsim.tasks.timeline import timeline
from attnsim.tasks.trials import Trials
from attnsim.tasks.vocabulary import ATTEND_FEATURE, CONDITION, CONTRAST, CUE_DIR, CUE_OFFSET, NEUTRAL, PAIR_DIR, \
    STIM_DIR, feature_angles_deg, feature_channels, von_mises_profile

CONDITIONS = (ATTEND_FEATURE, NEUTRAL)
MATCH, NON_MATCH = 0, 1          # cued trials' target
UPPER, LOWER = 0, 1              # neutral trials' target: stim_dir in [0, 180) or [180, 360)
AngleDeg = Annotated[float, Field(ge=-360.0, le=360.0, allow_inf_nan=False)]


class FeatureTiming(Strict):
    """fixation -> cue -> delay -> stimulus -> response (ms); delay 0 puts the stimulus right after the cue."""
    fixation: DurationMs = 300.0          # ms with no input before the cue: the baseline persistence compares with
    cue: PositiveDurationMs = 200.0       # ms the cued direction is on (docs/reference.md row 13: 200-500 ms)
    # ms between cue offset and stimulus onset, no input: the attended direction must be held (row 13: at least
    # 1 s); 0: the stimulus follows the cue at once (required by cue_persists)
    delay: DurationMs = 500.0
    # ms the stimulus direction (or pair) is on; the sensory measures of rows 9, 15 and 16 read it
    stimulus: PositiveDurationMs = 500.0
    # ms after the stimulus, no stimulus input: the ANNs are trained and scored here (NeuroGym's decision period)
    response: PositiveDurationMs = 200.0


def circular_distance_deg(a, b) -> np.ndarray:
    """|a - b| on the circle, in [0, 180] deg (NaN where either is NaN)."""
    d = np.mod(np.asarray(a, dtype=float) - np.asarray(b, dtype=float), 360.0)
    return np.minimum(d, 360.0 - d)


class FeatureSpec(WholeStepTiming, Strict):
    """The `task:` block of the feature task (see the module docstring)."""
    kind: Literal["feature"]          # chooses this task
    # trials in the run, balanced over (contrast, offset, direction) on cued and (contrast, direction) on
    # neutral trials, in a seeded order
    n_trials: int = Field(120, ge=1, le=100000)
    dt: PositiveDurationMs = 1.0      # ms per step of the trials' inputs; every epoch whole steps
    timing: FeatureTiming = FeatureTiming()   # the epochs' durations, ms (block below)
    # direction channels on the ring, per kind (stim_f<k>, cue_f<k>; channel k prefers 360 k / n deg); a cue
    # within 180 / n deg of a stimulus direction is a match
    n_features: int = Field(8, ge=2, le=360)
    # von Mises concentration of a direction's profile over the channels, level exp(kappa (cos(theta_k - theta)
    # - 1)), dimensionless; larger is narrower (2: half-width at half height 49 deg)
    kappa: float = Field(2.0, gt=0.0, le=100.0, allow_inf_nan=False)
    # stimulus levels, the profile's peak, fraction of full drive; one cell each
    contrasts: list[Contrast] = Field(default_factory=lambda: [0.5], min_length=1)
    # peak level of the cue's profile on the cue_f<k> channels, fraction of full cue (each model scales it)
    cue_level: Fraction = 1.0
    # fraction of trials cued (attend_feature); the rest are neutral: no cue, judge whether the stimulus
    # direction is in [0, 180) deg
    cued_fraction: Fraction = 0.8
    # cued minus stimulus direction, deg, one per cued-trial cell: the same stimulus with the attended direction
    # varied, as the feature-similarity gain is measured (docs/reference.md row 15, Treue & Martinez-Trujillo 1999)
    cue_offsets_deg: list[AngleDeg] = Field(default_factory=lambda: [0.0, 45.0, 90.0, 135.0, 180.0], min_length=1)
    # stimulus directions drawn from, deg; null: every channel's preferred direction, so that trials repeat
    # exactly, as Fano factors and noise correlations need (row 9)
    stim_dirs_deg: list[AngleDeg] | None = Field(None, min_length=1)
    # pair trials, two directions pair_separation_deg apart in one receptive field (biased competition, row 16,
    # Reynolds, Chelazzi & Desimone 1999): false none, true all, a number that fraction of the trials
    pair: bool | Fraction = False
    # second direction of a pair minus the first, deg; at least one channel spacing (360 / n_features)
    pair_separation_deg: float = Field(90.0, gt=0.0, le=180.0, allow_inf_nan=False)
    # cue stays on through the stimulus (an external bias; only with timing.delay 0) vs gone at cue offset
    # (the cue-delay protocol: the model must hold the attended direction, row 13)
    cue_persists: bool = False

    @model_validator(mode="after")
    def _consistent(self):
        half = 180.0 / self.n_features
        problems = []
        if self.cue_persists and self.timing.delay > 0:
            problems.append((("cue_persists",), "only with timing.delay = 0: with a delay the cue is gone before "
                             f"the stimulus (the cue-delay protocol); got delay = {self.timing.delay:g} ms", True))
        if self.pair_fraction > 0 and self.pair_separation_deg < 2 * half:
            problems.append((("pair_separation_deg",), f"expected at least one channel spacing, 360 / n_features = "
                             f"{2 * half:g} deg, so that the pair is two directions on the ring", self.pair_separation_deg))
        targets = [0.0] + ([self.pair_separation_deg] if self.pair_fraction > 0 else [])
        for i, off in enumerate(self.cue_offsets_deg):
            if any(math.isclose(float(circular_distance_deg(off, t)), half, abs_tol=1e-9) for t in targets):
                problems.append((("cue_offsets_deg", i), f"is exactly half a channel spacing ({half:g} deg) from a "
                                 "stimulus direction, where match and non-match meet; move it off that boundary", off))
        if problems:
            raise key_errors(type(self).__name__, problems)
        return self

    @property
    def pair_fraction(self) -> float:
        """The fraction of trials with a pair: `pair` as a number (True: 1, False: 0)."""
        return float(self.pair)

    def stim_dirs(self) -> list[float]:
        """The stimulus directions drawn from, deg in [0, 360)."""
        dirs = feature_angles_deg(self.n_features) if self.stim_dirs_deg is None else self.stim_dirs_deg
        return [float(np.mod(d, 360.0)) for d in dirs]


def _n_cued(n_trials: int, fraction: float, n_contrasts: int) -> int:
    """Cued trials among n_trials: round(fraction n); when 0 < fraction < 1, kept where n_trials allows
    to at least one cued and one neutral trial per contrast (so that n_cells trials show every label)."""
    n = int(round(fraction * n_trials))
    if 0.0 < fraction < 1.0:
        least = min(n_contrasts, n_trials // 2)
        n = min(max(n, least), n_trials - least)
    return n


def _spread(n: int, fraction: float) -> np.ndarray:
    """(n,) bool, True at the steps j = 1..n where floor(fraction j) grows: floor(fraction n) of them,
    evenly spread."""
    j = np.arange(n + 1)
    return np.diff(np.floor(fraction * j + 1e-12)) > 0


@TASKS.register("feature")
class FeatureTask:
    """a cued direction on a ring of features, held over a delay, then one direction or a pair (feature attention)

    See the module docstring for the trial structure.
    """
    Spec = FeatureSpec
    paper = "Ardid, Wang & Compte 2007 J Neurosci 27:8486 (protocol); Treue & Martinez-Trujillo 1999 Nature 399:575"

    @staticmethod
    def build(spec: FeatureSpec, seed: int, n_trials: int) -> Trials:
        rng = np.random.default_rng(seed)
        epochs, n_steps = timeline(spec.timing.model_dump(), spec.dt)
        n = spec.n_features
        stim_ch, cue_ch = feature_channels(n)
        dirs = spec.stim_dirs()
        # cells: the first cells of each list cover every contrast (and offset), so that n_cells trials show
        # every label; the stimulus direction varies slowest
        cued_cells = [(ATTEND_FEATURE, k, off, d) for d in dirs for off in spec.cue_offsets_deg for k in spec.contrasts]
        neutral_cells = [(NEUTRAL, k, math.nan, d) for d in dirs for k in spec.contrasts]
        n_cued = _n_cued(n_trials, spec.cued_fraction, len(spec.contrasts))
        reps = [cued_cells[i % len(cued_cells)] for i in range(n_cued)]
        reps += [neutral_cells[i % len(neutral_cells)] for i in range(n_trials - n_cued)]
        assigned = [reps[i] for i in rng.permutation(n_trials)]
        # pair trials: pair_fraction of all trials, spread evenly over the trials taken cell by cell
        # ((condition, contrast, offset), in the drawn order), so that each cell holds about that fraction
        cell_of = [(c, k, -1e9 if math.isnan(off) else off) for c, k, off, _ in assigned]
        by_cell = sorted(range(n_trials), key=lambda i: cell_of[i])
        is_pair = np.zeros(n_trials, dtype=bool)
        is_pair[by_cell] = _spread(n_trials, spec.pair_fraction)

        cond = np.array([c for c, _, _, _ in assigned], dtype=str)
        contrast = np.array([k for _, k, _, _ in assigned], dtype=float)
        offset = np.array([off for _, _, off, _ in assigned], dtype=float)
        stim_dir = np.array([d for _, _, _, d in assigned], dtype=float)
        pair_dir = np.where(is_pair, np.mod(stim_dir + spec.pair_separation_deg, 360.0), np.nan)
        cue_dir = np.mod(stim_dir + offset, 360.0)          # NaN on neutral trials

        half = 180.0 / n
        match = (circular_distance_deg(cue_dir, stim_dir) < half) | (circular_distance_deg(cue_dir, pair_dir) < half)
        target = np.where(cond == NEUTRAL, np.where(stim_dir < 180.0, UPPER, LOWER),
                          np.where(match, MATCH, NON_MATCH)).astype(int)

        stim = von_mises_profile(stim_dir, n, spec.kappa, contrast)                       # (n_trials, n)
        stim += np.where(is_pair[:, None], von_mises_profile(np.nan_to_num(pair_dir), n, spec.kappa, contrast), 0.0)
        stim = np.minimum(stim, 1.0)
        cue = np.where((cond == ATTEND_FEATURE)[:, None],
                       von_mises_profile(np.nan_to_num(cue_dir), n, spec.kappa, spec.cue_level), 0.0)
        inputs = np.zeros((n_trials, n_steps, 2 * n))
        inputs[:, epochs["stimulus"], :n] = stim[:, None, :]
        cue_on = slice(epochs["cue"].start, epochs["stimulus"].stop if spec.cue_persists else epochs["cue"].stop)
        inputs[:, cue_on, n:] = cue[:, None, :]
        return Trials(dt_ms=spec.dt, inputs=inputs, channels=stim_ch + cue_ch, target=target, epochs=epochs,
                      conditions={CONDITION: cond, CONTRAST: contrast, STIM_DIR: stim_dir, CUE_DIR: cue_dir,
                                  PAIR_DIR: pair_dir, CUE_OFFSET: offset})

    @staticmethod
    def n_cells(spec: FeatureSpec) -> int:
        """conditions present (attend_feature where cued_fraction > 0, neutral where < 1) x contrasts."""
        return len(spec.contrasts) * (int(spec.cued_fraction > 0) + int(spec.cued_fraction < 1))


def make_feature(*, n_trials: int, dt_ms: float, timing_ms: dict[str, float], seed: int = 0, **params) -> Trials:
    """Trials of the feature task from plain values; `params` are FeatureSpec's keys."""
    return trials_from_values(FeatureTask, n_trials=n_trials, dt_ms=dt_ms, timing_ms=timing_ms, seed=seed, **params)
