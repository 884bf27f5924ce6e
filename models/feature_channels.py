"""The input channels of a ring of features (directions), as tasks write them and models read them.

A feature task (sim/tasks/feature.py) shows stimuli and cues that are directions on a ring. It codes
them on `n` channels per kind, one per preferred direction theta_k = 360 k / n degrees (k = 0..n-1):

    stim_f<k>  the stimulus drive seen by channel k, in [0, 1]
    cue_f<k>   the top-down cue (the attended direction) seen by channel k, in [0, 1]

with von Mises profiles, so that a direction between two channels is coded as it is in a population
of tuned input cells (as in the ring inputs of Yang et al. 2019 Nat Neurosci 22:297):

    drive_k(theta) = level * exp(kappa * (cos(theta_k - theta) - 1))

A pair of stimuli in one receptive field is the sum of two profiles (clipped to 1). The two-location
channels of models/base.py (stim_A, stim_B, cue_A, cue_B) are a two-point version of the same code:
a ring model maps location A to 0 degrees and B to 180 degrees (`location_angles_deg`).

This module is the one spelling of those names (models never import the upper layer; the task
vocabulary re-exports it).
"""
from __future__ import annotations

import re

import numpy as np

STIM_FEATURE_PREFIX = "stim_f"
CUE_FEATURE_PREFIX = "cue_f"
_PATTERN = re.compile(r"^(stim_f|cue_f)(\d+)$")


def feature_channels(n_features: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The stimulus and cue channel names of a ring of `n_features` directions, in ring order."""
    if n_features < 2:
        raise ValueError(f"a ring of features needs at least 2 directions, got {n_features}")
    return (tuple(f"{STIM_FEATURE_PREFIX}{k}" for k in range(n_features)),
            tuple(f"{CUE_FEATURE_PREFIX}{k}" for k in range(n_features)))


def feature_angles_deg(n_features: int) -> np.ndarray:
    """(n_features,) preferred direction of each channel, degrees: 360 k / n."""
    return 360.0 * np.arange(n_features) / n_features


def location_angles_deg() -> dict[str, float]:
    """Where a ring model puts the two locations of the two-location channels: A at 0, B at 180 deg."""
    return {"A": 0.0, "B": 180.0}


def ring_indices(channels: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Indices into `channels` of the stimulus and cue ring channels, each in ring order (k = 0..n-1).

    Returns two empty arrays when `channels` holds no ring; raises ValueError when the ring is
    incomplete (a missing k, or stimulus and cue rings of different sizes)."""
    found: dict[str, dict[int, int]] = {STIM_FEATURE_PREFIX: {}, CUE_FEATURE_PREFIX: {}}
    for i, name in enumerate(channels):
        m = _PATTERN.match(name)
        if m:
            found[m.group(1)][int(m.group(2))] = i
    stim, cue = found[STIM_FEATURE_PREFIX], found[CUE_FEATURE_PREFIX]
    if not stim and not cue:
        return np.zeros(0, int), np.zeros(0, int)
    n = len(stim)
    if sorted(stim) != list(range(n)) or sorted(cue) != list(range(n)):
        raise ValueError(f"incomplete ring of feature channels in {list(channels)}: expected "
                         f"{STIM_FEATURE_PREFIX}0..{STIM_FEATURE_PREFIX}{max(n, 1) - 1} and the same "
                         f"{CUE_FEATURE_PREFIX}<k>")
    return np.array([stim[k] for k in range(n)]), np.array([cue[k] for k in range(n)])


def von_mises_profile(theta_deg, n_features: int, kappa: float, level=1.0) -> np.ndarray:
    """Channel drives for direction(s) `theta_deg`: level * exp(kappa (cos(theta_k - theta) - 1)).

    theta_deg: scalar or (n,) array; level: scalar or broadcastable to it. Returns (..., n_features)."""
    theta = np.deg2rad(np.asarray(theta_deg, dtype=float))[..., None]
    pref = np.deg2rad(feature_angles_deg(n_features))
    return np.asarray(level, dtype=float)[..., None] * np.exp(kappa * (np.cos(pref - theta) - 1.0))


# Activity groups of a ring model: pool k of a ring of P pools prefers 360 k / P degrees.
SENSORY_RING_PREFIX = "sens_f"   # sensory E pools (role "sensory")
MEMORY_RING_PREFIX = "wm_f"      # working-memory E pools of a top-down source (role "hidden")
_GROUP = re.compile(r"^(?P<prefix>[A-Za-z_]+?)(?P<k>\d+)$")


def ring_groups(prefix: str, n_pools: int) -> tuple[str, ...]:
    """Names of the pools of a ring, in ring order: <prefix>0 .. <prefix><n_pools-1>."""
    return tuple(f"{prefix}{k}" for k in range(n_pools))


def parse_ring_groups(groups, prefix: str) -> tuple[tuple[str, ...], np.ndarray]:
    """The groups named <prefix><k> in ring order, and each one's preferred direction in degrees.

    Returns ((), empty array) when there is none; raises ValueError when k does not run 0..P-1."""
    ks = {}
    for name in groups:
        m = _GROUP.match(name)
        if m and m.group("prefix") == prefix:
            ks[int(m.group("k"))] = name
    if not ks:
        return (), np.zeros(0)
    if sorted(ks) != list(range(len(ks))):
        raise ValueError(f"ring groups {prefix}<k> must run k = 0..{len(ks) - 1}, got {sorted(ks)}")
    return tuple(ks[k] for k in range(len(ks))), feature_angles_deg(len(ks))
