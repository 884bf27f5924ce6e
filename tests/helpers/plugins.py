"""Source of an outside model module, as a plugin author writes one (models/base.py protocol):
a working family and three broken ones. Tests write it beside a scenario (or into an
entry-point distribution) and name its classes as `module:Class`.

    Echo         rates = gain x the stimulus inputs; choice = the larger summed stimulus
    NoRun        no run() method (breaks the protocol)
    Boom         run() raises
    WrongReturn  run() returns a dict instead of an Activity
"""

PLUGIN_SOURCE = '''
from dataclasses import dataclass
import numpy as np
from attnsim import Activity

@dataclass(frozen=True)
class P:
    gain: float = 1.0
    def __post_init__(self):
        if self.gain < 0:
            raise ValueError(f"gain must be >= 0 (got {self.gain})")

class Echo:
    """Rates = the stimulus inputs; choice = the larger summed stimulus."""
    kind = "brain"
    capabilities = frozenset()
    Params = P
    def __init__(self, params=None):
        self.params = params or P()
    def fit(self, sample_batch, dt_ms, channels, *, seed, progress=None):
        return {}
    def state(self):
        return {}
    def load_state(self, state):
        pass
    def run(self, inputs, dt_ms, channels, *, seed, progress=None):
        x = self.params.gain * inputs[:, :, :2]
        return Activity(rates=x, dt_ms=dt_ms, groups={"A": slice(0, 1), "B": slice(1, 2)},
                        selective_groups=("A", "B"), choice=np.argmax(x.sum(axis=1), axis=1),
                        reaction_time_ms=np.full(len(x), np.nan))

class NoRun:
    Params = P
    def fit(self, *a, **k): return {}
    def state(self): return {}
    def load_state(self, s): pass

class Boom(Echo):
    def run(self, inputs, dt_ms, channels, *, seed, progress=None):
        raise RuntimeError("boom in my model")

class WrongReturn(Echo):
    def run(self, inputs, dt_ms, channels, *, seed, progress=None):
        return {"rates": inputs}
'''
