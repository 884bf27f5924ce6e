"""A researcher's own model, written outside attnsim, run beside the bundled ones.

`LinearAccumulator` integrates its inputs into two leaky accumulators, one per choice, with
weights it learns from the task's own trials (logistic regression on the accumulated evidence):

    a_t = a_{t-1} + (dt / tau) (-a_{t-1} + W x_t + b),     a_0 = 0
    P(choose A) = sigmoid(a_T[A] - a_T[B])

x_t (channels,) is the input at step t, W (2, channels) and b (2,) are learned. a_T is linear in
(W, b), so the loss and its gradient are closed-form: a_T = F W^T + K b with F = sum_t k_t x_t the
leak-weighted input and K = sum_t k_t, where k_t = (dt/tau) (1 - dt/tau)^(T - t). The choice is
the larger accumulator at the end of the trial; the reaction time is the first step after
stimulus onset at which a[A] - a[B] has moved by more than `threshold` from its value at onset
(the cue biases the accumulators before the stimulus: that bias is this model's attention).
The reported rates are the accumulators rectified at 0 (a rate cannot be negative).

It needs nothing from attnsim but the model protocol (attnsim.models.base): a `Params`
dataclass, `fit`, `run` returning an `attnsim.Activity`, `state` / `load_state`, and the
`capabilities` it has. It also declares "dynamical" (models/dynamics.py): `dynamics` gives its
state update at fixed inputs, a map of one step dt with velocity (-a + W u + b) / tau, so
attnsim.dynamics can find its fixed points (fixed_points.py beside this file: one stable point
a* = W u + b per held input, time constant tau). A scenario names it as `family: my_models:LinearAccumulator`; the file is
found beside the scenario.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from attnsim import Activity


@dataclass(frozen=True)
class LinearAccumulatorParams:
    tau_ms: float = 100.0        # leak time constant of the accumulators
    threshold: float = 0.05      # |a_A - a_B| that counts as a decision (reaction time)
    train_steps: int = 150       # gradient steps, each on a fresh batch of trials
    batch_size: int = 32
    learning_rate: float = 0.5

    def __post_init__(self):
        if self.tau_ms <= 0:
            raise ValueError(f"tau_ms must be > 0 (got {self.tau_ms})")
        if self.train_steps < 1 or self.batch_size < 1:
            raise ValueError("train_steps and batch_size must be >= 1")


class LinearAccumulator:
    """Two leaky accumulators with learned input weights (see the module docstring)."""

    kind = "artificial"
    capabilities = frozenset({"trainable", "dynamical"})
    paper = "a user's model (example): leaky competing evidence accumulation, cf. Usher & McClelland 2001"
    Params = LinearAccumulatorParams

    def __init__(self, params: LinearAccumulatorParams | None = None):
        self.params = params or LinearAccumulatorParams()
        self.W: np.ndarray | None = None
        self.b: np.ndarray | None = None

    def _kernel(self, n_steps: int, dt_ms: float) -> np.ndarray:
        lam = min(1.0, dt_ms / self.params.tau_ms)
        return lam * (1.0 - lam) ** np.arange(n_steps - 1, -1, -1)      # k_t, t = 1..T

    def fit(self, sample_batch, dt_ms, channels, *, seed, progress=None) -> dict:
        p = self.params
        rng = np.random.default_rng(seed)
        self.W, self.b = np.zeros((2, len(channels))), np.zeros(2)
        curves = {"loss": [], "accuracy": []}
        for step in range(p.train_steps):
            inputs, target, _ = sample_batch(p.batch_size, rng)
            k = self._kernel(inputs.shape[1], dt_ms)
            F = np.einsum("t,ntc->nc", k, inputs)                       # (n, channels)
            z = F @ (self.W[0] - self.W[1]) + k.sum() * (self.b[0] - self.b[1])
            y = (np.asarray(target) == 0).astype(float)               # 1 when A is correct
            prob = 1.0 / (1.0 + np.exp(-z))
            g = (prob - y) / len(y)                                    # d loss / d z
            self.W[0] -= p.learning_rate * (F.T @ g)
            self.W[1] += p.learning_rate * (F.T @ g)
            self.b[0] -= p.learning_rate * k.sum() * g.sum()
            self.b[1] += p.learning_rate * k.sum() * g.sum()
            eps = 1e-12
            curves["loss"].append(float(-np.mean(y * np.log(prob + eps) + (1 - y) * np.log(1 - prob + eps))))
            curves["accuracy"].append(float(np.mean((prob > 0.5) == (y == 1))))
            if progress is not None:
                progress(step + 1, p.train_steps)
        return curves

    def run(self, inputs, dt_ms, channels, *, seed, progress=None) -> Activity:
        if self.W is None:
            raise RuntimeError("LinearAccumulator.run before fit (no weights)")
        n, T, _ = inputs.shape
        lam = min(1.0, dt_ms / self.params.tau_ms)
        drive = inputs @ self.W.T + self.b                             # (n, T, 2)
        a = np.zeros((n, T, 2))
        state = np.zeros((n, 2))
        for t in range(T):
            state = state + lam * (-state + drive[:, t])
            a[:, t] = state
        diff = a[:, :, 0] - a[:, :, 1]
        stim = [i for i, c in enumerate(channels) if c.startswith("stim")]
        onset = np.argmax(inputs[:, :, stim].max(axis=2) > 0, axis=1)   # first step with a stimulus
        choice = np.where(diff[:, -1] > 0, 0, 1)
        rt = np.full(n, np.nan)
        for i in range(n):
            moved = diff[i, onset[i]:] - diff[i, onset[i]]
            crossed = np.flatnonzero(np.abs(moved) > self.params.threshold)
            if crossed.size:
                rt[i] = crossed[0] * dt_ms
        return Activity(rates=np.maximum(a, 0.0), dt_ms=dt_ms, groups={"acc_A": slice(0, 1), "acc_B": slice(1, 2)},
                        selective_groups=("acc_A", "acc_B"), choice=choice, reaction_time_ms=rt,
                        rate_unit="a.u.")

    def dynamics(self, channels, dt_ms):
        """The accumulators' update at fixed inputs (the `dynamical` capability)."""
        return AccumulatorDynamics(self, dt_ms)

    def state(self) -> dict:
        return {"W": self.W, "b": self.b}

    def load_state(self, state: dict) -> None:
        self.W, self.b = np.asarray(state["W"], float), np.asarray(state["b"], float)


class AccumulatorDynamics:
    """a_{t+1} = a_t + lam (-a_t + W u + b), lam = min(1, dt / tau): a map of one step dt, as in `run`.

    velocity(a, u) = (a_{t+1} - a_t) / dt, (B, 2); trajectories are the unrectified accumulators.
    """

    time = "discrete"
    state_labels = ("acc_A", "acc_B")

    def __init__(self, model: LinearAccumulator, dt_ms: float):
        self.model, self.dt_ms = model, float(dt_ms)
        self.lam = min(1.0, dt_ms / model.params.tau_ms)

    def velocity(self, a, u):
        m = self.model
        return self.lam * (-np.asarray(a) + np.asarray(u) @ m.W.T + m.b) / self.dt_ms

    def jacobian(self, a, u):
        return np.broadcast_to(-self.lam / self.dt_ms * np.eye(2), (len(a), 2, 2)).copy()

    def trajectories(self, inputs, seed):
        a = np.zeros((inputs.shape[0], 2))
        out = np.empty(inputs.shape[:2] + (2,))
        for t in range(inputs.shape[1]):
            a = a + self.dt_ms * self.velocity(a, inputs[:, t])
            out[:, t] = a
        return out
