"""The `dynamical` capability of the recurrent ANN families: their one-step map at fixed inputs.

Each network is a discrete-time map x_{t+1} = G(x_t, u) with one step of `step_ms`; the contract
(models/dynamics.py) asks for the velocity (G(x, u) - x) / step_ms and its Jacobian
(dG/dx - I) / step_ms, computed here in float64 from the trained weights (whatever dtype the
family trains in), without the input noise (sigma_in) or the E/I RNN's recurrent noise:

    rnn     x = h          G = (1 - alpha) h + alpha f(W_ih u + b_ih + W_hh h + b_hh)
    gru     x = h          r, z = s(W_i{r,z} u + b_i{r,z} + W_h{r,z} h + b_h{r,z})
                           n = tanh(W_in u + b_in + r (W_hn h + b_hn)),  G = (1 - z) n + z h
    lstm    x = (h, c)     i, f, g, o = (s, s, tanh, s)(W_ih u + b_ih + W_hh h + b_hh)
                           c' = f c + i g,  h' = o tanh(c')
    ei_rnn  x = x (pre-rectification input of the units, r = [x]_+)
                           G = (1 - alpha) x + alpha (W_rec [x]_+ + W_in u + b_rec)

Gate order and weight layout are PyTorch's, as in models.ann.recurrent and models.ann.ei_rnn
(which run the same maps over whole sequences). `u` is the model's input channels in the order
given to `dynamics(channels, ...)`; they are reordered to the order the weights were trained on.

Shapes: velocity(x (B, n), u (B, C)) -> (B, n); jacobian -> (B, n, n);
trajectories(inputs (n_trials, n_steps, C) on the task's fine time grid) -> (n_trials, T, n) with
T = ceil(n_steps / k) model steps, the states after each step exactly as `run` computes them
(same binning, same noise for a given seed).

References: Sussillo & Barak 2013 Neural Comput 25:626 (fixed points of trained RNNs);
Golub & Sussillo 2018 JOSS 3:1003 (FixedPointFinder, which linearizes the same cells).
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from attnsim.models.ann.activations import get_activation, sigmoid

_ACT_DERIV = {  # f'(pre) from pre and y = f(pre)
    "tanh": lambda x, y: 1.0 - y * y,
    "sigmoid": lambda x, y: y * (1.0 - y),
    "relu": lambda x, y: (x > 0).astype(float),
    "leaky_relu": lambda x, y: np.where(x > 0, 1.0, 0.01),
    "softplus": lambda x, y: sigmoid(x),
}


class RecurrentDynamics:
    """The noise-free map of one trained recurrent network as the `Dynamics` contract.

    Args:
        cell: "rnn", "gru", "lstm" or "ei_rnn".
        weights: the family's weights (any dtype; used in float64).
        step_ms: the model step (a map step), also the step of `trajectories`.
        order: column indices of the trained channels in the caller's `u`.
        alpha, activation: the leaky RNN's step / tau and nonlinearity (rnn, ei_rnn: alpha).
        mask: the E/I RNN's Dale sign mask (H, H).
        states_of: trajectories(inputs, seed) -> (n_trials, T, n_state), supplied by the family.
    """

    time = "discrete"

    def __init__(self, cell: str, weights: dict, step_ms: float, order: list[int], *, alpha: float = 1.0,
                 activation: str = "tanh", mask: np.ndarray | None = None,
                 states_of: Callable[[np.ndarray, int], np.ndarray] | None = None):
        self.cell, self.dt_ms, self.order = cell, float(step_ms), list(order)
        self.alpha, self.activation = float(alpha), activation
        self.w = {k: np.asarray(v, dtype=np.float64) for k, v in weights.items()}
        self._states_of = states_of
        if cell == "ei_rnn":
            self.W_eff = np.abs(self.w["W_rec"]) * mask
            self.W_in = np.abs(self.w["W_in"])
            H = self.W_eff.shape[0]
        else:
            H = self.w["W_hh"].shape[1]
        self.n_hidden = H
        if cell == "lstm":
            self.state_labels = tuple(f"h{i}" for i in range(H)) + tuple(f"c{i}" for i in range(H))
        else:
            self.state_labels = tuple(f"{'x' if cell == 'ei_rnn' else 'h'}{i}" for i in range(H))

    # -- the map and its derivative ------------------------------------------------------
    def _u(self, u: np.ndarray) -> np.ndarray:
        return np.asarray(u, dtype=np.float64)[:, self.order]

    def step(self, x: np.ndarray, u: np.ndarray, with_jacobian: bool = False):
        """G(x, u) (B, n) and, if asked, dG/dx (B, n, n)."""
        x, u = np.asarray(x, dtype=np.float64), self._u(u)
        w, H, B = self.w, self.n_hidden, x.shape[0]
        if self.cell == "ei_rnn":
            r = np.maximum(x, 0.0)
            a = self.alpha
            G = (1 - a) * x + a * (r @ self.W_eff.T + u @ self.W_in.T + w["b_rec"])
            if not with_jacobian:
                return G, None
            J = a * self.W_eff[None, :, :] * (x > 0)[:, None, :]
            J += (1 - a) * np.eye(H)
            return G, J
        if self.cell == "rnn":
            pre = u @ w["W_ih"].T + w["b_ih"] + x @ w["W_hh"].T + w["b_hh"]
            y = get_activation(self.activation).forward(pre)
            a = self.alpha
            G = (1 - a) * x + a * y
            if not with_jacobian:
                return G, None
            J = a * _ACT_DERIV[self.activation](pre, y)[:, :, None] * w["W_hh"][None]
            J += (1 - a) * np.eye(H)
            return G, J
        if self.cell == "gru":
            xp = u @ w["W_ih"].T + w["b_ih"]
            hp = x @ w["W_hh"].T + w["b_hh"]
            r = sigmoid(xp[:, :H] + hp[:, :H])
            z = sigmoid(xp[:, H:2 * H] + hp[:, H:2 * H])
            hn = hp[:, 2 * H:]
            n = np.tanh(xp[:, 2 * H:] + r * hn)
            G = (1 - z) * n + z * x
            if not with_jacobian:
                return G, None
            Wr, Wz, Wn = w["W_hh"][:H], w["W_hh"][H:2 * H], w["W_hh"][2 * H:]
            dr = (r * (1 - r))[:, :, None] * Wr[None]
            dz = (z * (1 - z))[:, :, None] * Wz[None]
            dn = (1 - n * n)[:, :, None] * (r[:, :, None] * Wn[None] + hn[:, :, None] * dr)
            J = (1 - z)[:, :, None] * dn + (x - n)[:, :, None] * dz
            J[:, np.arange(H), np.arange(H)] += z
            return G, J
        # lstm: x = (h, c)
        h, c = x[:, :H], x[:, H:]
        a = u @ w["W_ih"].T + w["b_ih"] + h @ w["W_hh"].T + w["b_hh"]
        i, f = sigmoid(a[:, :H]), sigmoid(a[:, H:2 * H])
        g, o = np.tanh(a[:, 2 * H:3 * H]), sigmoid(a[:, 3 * H:])
        c1 = f * c + i * g
        tc = np.tanh(c1)
        G = np.concatenate([o * tc, c1], axis=1)
        if not with_jacobian:
            return G, None
        Wi, Wf, Wg, Wo = (w["W_hh"][k * H:(k + 1) * H][None] for k in range(4))
        dc_dh = ((c * f * (1 - f))[:, :, None] * Wf + (g * i * (1 - i))[:, :, None] * Wi
                 + (i * (1 - g * g))[:, :, None] * Wg)
        dtc = o * (1 - tc * tc)
        J = np.zeros((B, 2 * H, 2 * H))
        J[:, :H, :H] = (tc * o * (1 - o))[:, :, None] * Wo + dtc[:, :, None] * dc_dh
        d = np.arange(H)
        J[:, d, H + d] = dtc * f
        J[:, H:, :H] = dc_dh
        J[:, H + d, H + d] = f
        return G, J

    def velocity(self, x: np.ndarray, u: np.ndarray) -> np.ndarray:
        """(G(x, u) - x) / step_ms, (B, n)."""
        G, _ = self.step(x, u)
        return (G - np.asarray(x, dtype=np.float64)) / self.dt_ms

    def jacobian(self, x: np.ndarray, u: np.ndarray) -> np.ndarray:
        """(dG/dx - I) / step_ms, (B, n, n)."""
        _, J = self.step(x, u, with_jacobian=True)
        J[:, np.arange(J.shape[1]), np.arange(J.shape[1])] -= 1.0
        return J / self.dt_ms

    def trajectories(self, inputs: np.ndarray, seed: int) -> np.ndarray:
        """(n_trials, T, n_state) the states after each model step, as `run` computes them."""
        if self._states_of is None:
            raise NotImplementedError("this Dynamics was built without a network to run")
        return self._states_of(np.asarray(inputs, dtype=float), int(seed))
