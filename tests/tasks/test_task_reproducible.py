"""The same task block and seed give the same trials, bit for bit, as the code of 2026-12-07
(before the coherence form, the timing check and the channel-name rewrite of the tasks).

Each digest covers dt, channels, epochs, the input and target arrays (values, dtype, shape)
and every condition label array; they were taken from the trials built at commit ab849c3.
A change that moves any number of a bundled task fails here: a run's results would change
with it (summary.json, expectations, the ANN training sets)."""
import hashlib

import numpy as np
import pytest

from attnsim.tasks import build_trials, task_spec

TIMING_1S = {"fixation": 300, "cue": 200, "stimulus": 1000, "response": 10}

CASES = [  # (task block, seed, n_trials or None for the block's own, digest at ab849c3)
    ({"kind": "discrimination"}, 0, None, "2c4cdf248b348735761e22b9"),
    ({"kind": "discrimination"}, 7, 37, "4e1d85abc29d93f1e4e5f11d"),
    ({"kind": "divided"}, 0, None, "2f4d2451cf068aedcb5c7d13"),
    ({"kind": "divided"}, 7, 37, "2611c595a89e0272db8d929a"),
    ({"kind": "dual_report"}, 0, None, "ae8ea5566698e58754470df0"),
    ({"kind": "dual_report"}, 7, 37, "04ea1db2298020c4c6cf791b"),
    ({"kind": "selective"}, 0, None, "c7469cc8207658402f7ebecd"),
    ({"kind": "selective"}, 7, 37, "ec87bed37013d9a95508e476"),
    ({"kind": "spontaneous"}, 0, None, "a793764abef37a1de94a76df"),
    ({"kind": "spontaneous"}, 7, 37, "94bdb9cc463be73f003b08fd"),
    ({"kind": "sustained"}, 0, None, "7b21e50ff61c3d0fa036748b"),
    ({"kind": "sustained"}, 7, 37, "f636c25e2906cc6164045607"),
    ({"kind": "selective", "contrasts": [0.564], "neutral_ratio": 0.77305, "distractor_ratio": 0.77305,
      "timing": TIMING_1S}, 1234, 90, "8f6a7ccc22a61878285c2291"),
    ({"kind": "selective", "cue_persists": False, "cue_strength": 0.4, "dt": 0.5,
      "conditions": ["neutral", "attend_B"], "contrasts": [0.2, 0.9]}, 3, 25, "af80ca8280e1d7d17d7d96dc"),
    ({"kind": "divided", "cue_persists": False, "cue_validity": 0.6, "contrasts": [0.1, 0.4], "dt": 2},
     5, 50, "698f3d2c2c6606f8a30b1943"),
    ({"kind": "dual_report", "distractor_ratio": 0.3, "cue_persists": False, "contrasts": [0.1, 0.4]},
     9, 33, "caa2a263e48b2063d2fb43b5"),
    ({"kind": "discrimination", "coherences": [0, 12.8], "s0": 0.3, "dt": 0.5}, 2, 21, "be5b2d3b15c58e12defb39d6"),
    ({"kind": "sustained", "contrasts": [0.2, 0.7], "cue_strength": 0.6, "conditions": ["attend_B"]},
     4, 11, "04b05118b36c06a80cf8ed39"),
    ({"kind": "spontaneous", "dt": 0.1}, 4, 2, "725166b5b319fa63155ebeab"),
]


def trials_digest(tr) -> str:
    h = hashlib.blake2b(digest_size=12)
    h.update(repr((tr.dt_ms, tuple(tr.channels), {k: (s.start, s.stop) for k, s in tr.epochs.items()})).encode())
    for a in (tr.inputs, tr.target, *[tr.conditions[k] for k in sorted(tr.conditions)]):
        a = np.ascontiguousarray(a)
        h.update(a.dtype.str.encode())
        h.update(repr(a.shape).encode())
        h.update(a.tobytes())
    h.update(repr(sorted(tr.conditions)).encode())
    return h.hexdigest()


@pytest.mark.parametrize("block, seed, n, digest", CASES,
                         ids=[f"{c[0]['kind']}-{i}" for i, c in enumerate(CASES)])
def test_same_block_and_seed_give_the_trials_of_before(block, seed, n, digest):
    assert trials_digest(build_trials(task_spec(block), seed=seed, n_trials=n)) == digest


def test_the_digest_sees_a_change_of_one_value():
    tr = build_trials(task_spec({"kind": "selective"}), seed=0)
    before = trials_digest(tr)
    tr.inputs[0, -1, 0] += 1e-12
    assert trials_digest(tr) != before
