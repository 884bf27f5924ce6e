"""Synthetic feature-task trials and ring populations with a known answer (rows 13, 15, 16).

`feature_trials` lays out a feature task's labels (condition, cue_dir, stim_dir, pair_dir,
contrast) and epochs; `ring_activity` gives each unit a rate over time from a response function
of the trial's labels and the unit's preferred direction, so a test sets the effect it expects
the analysis to recover.
"""
import numpy as np

from attnsim.models.activity import HIDDEN, SENSORY, Activity
from attnsim.models.feature_channels import feature_angles_deg, feature_channels
from attnsim.tasks.trials import Trials

DT_MS = 10.0
# steps: fixation 0-20, cue 20-40, delay 40-140, stimulus 140-170, response 170-180 (10 ms steps)
EPOCHS = {"fixation": slice(0, 20), "cue": slice(20, 40), "delay": slice(40, 140), "stimulus": slice(140, 170),
          "response": slice(170, 180)}
N_STEPS = 180


def feature_trials(rows, n_dirs: int = 8) -> Trials:
    """Trials from rows (condition, cue_dir, stim_dir, pair_dir, contrast); NaN for absent directions."""
    rows = list(rows)
    n = len(rows)
    stim, cue = feature_channels(n_dirs)
    cond = np.array([r[0] for r in rows])
    cue_dir, stim_dir, pair_dir, contrast = (np.array([r[k] for r in rows], float) for k in (1, 2, 3, 4))
    target = np.where(cond == "neutral", (stim_dir % 360 >= 180).astype(int),
                      (np.abs((stim_dir - cue_dir + 180) % 360 - 180) > 360 / n_dirs / 2).astype(int))
    return Trials(DT_MS, np.zeros((n, N_STEPS, 2 * n_dirs)), stim + cue, target, dict(EPOCHS),
                  {"condition": cond, "cue_dir": cue_dir, "stim_dir": stim_dir, "pair_dir": pair_dir,
                   "contrast": contrast})


def single_design(n_rep: int = 4, n_dirs: int = 8, neutral_rep: int = 2, contrast: float = 1.0):
    """Rows: every stimulus direction neutral (neutral_rep times) and with every cued direction, n_rep times."""
    dirs = feature_angles_deg(n_dirs)
    nan = float("nan")
    rows = []
    for _ in range(n_rep):
        for s in dirs:
            rows += [("neutral", nan, s, nan, contrast)] * neutral_rep
            rows += [("attend_feature", c, s, nan, contrast) for c in dirs]
    return rows


def von_mises(x_deg, kappa: float = 2.0):
    return np.exp(kappa * (np.cos(np.deg2rad(x_deg)) - 1.0))


def ring_activity(trials: Trials, response, *, n_units: int = 8, prefix: str = "sens_f", role: str = SENSORY,
                  extra: dict | None = None, noise_hz: float = 1.0, seed: int = 0, pools: bool = True) -> Activity:
    """Units preferring 360 k / n_units deg; response(labels, pref (n_units,), t_ms (n_steps,)) ->
    (n_trials, n_steps, n_units) rates, plus Gaussian noise. pools=True names each unit a group
    <prefix><k> with `role`; pools=False makes one group "hidden" (an ANN's hidden units).
    extra: more groups {prefix: (response, role)} appended the same way."""
    rng = np.random.default_rng(seed)
    pref = feature_angles_deg(n_units)
    t = np.arange(trials.n_steps) * trials.dt_ms
    blocks, groups, roles = [], {}, {}
    for pfx, (fn, r) in {prefix: (response, role), **(extra or {})}.items():
        x = fn(trials.conditions, pref, t) + noise_hz * rng.standard_normal((trials.n_trials, t.size, n_units))
        start = sum(b.shape[2] for b in blocks)
        blocks.append(x)
        if pools:
            for k in range(n_units):
                groups[f"{pfx}{k}"] = slice(start + k, start + k + 1)
                roles[f"{pfx}{k}"] = r
        else:
            groups[pfx] = slice(start, start + n_units)
            roles[pfx] = HIDDEN
    rates = np.concatenate(blocks, axis=2)
    first = list(groups)[:2] if len(groups) >= 2 else list(groups) * 2
    return Activity(rates=rates, dt_ms=trials.dt_ms, groups=groups, selective_groups=tuple(first),
                    choice=np.zeros(trials.n_trials, int), reaction_time_ms=np.full(trials.n_trials, np.nan),
                    roles=roles, rate_unit="Hz" if pools else "a.u.")


def in_epoch(t_ms, name: str) -> np.ndarray:
    s = EPOCHS[name]
    return (t_ms >= s.start * DT_MS) & (t_ms < s.stop * DT_MS)
