"""Hand-built dual-report trials and small artificial models, shared by the dual-report tests
(tests/models/test_ann_dual_report.py) and the input-noise tests (tests/models/test_ann_input_noise.py).
Trials are built by hand (models/ never needs sim/)."""
import numpy as np

from attnsim.models.ann.families import DotProductAttentionModel

CHANNELS = ("stim_A", "stim_B", "cue_A", "cue_B")
DT_MS = 10.0
FIX, STIM, RESP = 5, 10, 5                       # epochs in 10 ms steps
PATTERNS = np.array([(0, 0), (1, 0), (0, 1), (1, 1)])


def dual_trials(n, rng, noise=0.05):
    """Easy dual-report trials: stim_X = c in [0.3, 0.6] over the stimulus epoch where a
    target is present at X, else 0; both cues at 0.5 (divided); Gaussian input noise.
    The four presence patterns are balanced (n a multiple of 4 gives equal counts), so
    presence at A and at B are independent. Returns inputs (n, T, 4), target (n, 2), mask (T,)."""
    target = PATTERNS[rng.permutation(np.arange(n) % 4)]
    T = FIX + STIM + RESP
    x = np.zeros((n, T, 4))
    c = rng.uniform(0.3, 0.6, (n, 2))
    x[:, FIX:FIX + STIM, :2] = (c * target)[:, None, :]
    x[:, FIX:FIX + STIM, 2:] = 0.5
    x = np.clip(x + noise * rng.standard_normal(x.shape), 0.0, 1.0)
    mask = np.zeros(T, dtype=bool)
    mask[FIX + STIM:] = True
    return x, target, mask


def small(cls, **kw):
    """A small, quickly trained model of family class `cls` on DT_MS steps; kw overrides its Params."""
    base = {"max_steps": 3, "batch_size": 8, "step_ms": DT_MS}
    if cls is DotProductAttentionModel:
        base.update(d_model=8, d_ff=16)
    else:
        base["hidden"] = 12
    base.update(kw)
    return cls(cls.Params(**base))
