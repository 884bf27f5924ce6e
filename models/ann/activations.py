"""Pointwise nonlinearities, each with its derivative.

`backward(dy, x, y)` takes the upstream gradient, the input and the output
of `forward` (whichever is cheaper to differentiate from) and returns dx.
Every function keeps its input's dtype (float32 stays float32).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np


# numpy's float64 tanh has no SIMD path on AVX2 machines and costs ~3x its exp;
# these exp forms are exact to a few ulp (absolute) and saturate correctly:
# exp overflowing to inf gives 1/inf = 0, so the overflow warning is silenced.
def sigmoid(x: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        y = np.exp(-x)
    y += 1.0
    return np.divide(1.0, y, out=y)


def tanh(x: np.ndarray) -> np.ndarray:
    """tanh(x) = 1 - 2 / (1 + exp(2x)) (float32: numpy's tanh, see tanh_into)."""
    if x.dtype == np.float32:
        return np.tanh(x)
    y = x * 2.0
    with np.errstate(over="ignore"):
        return tanh_inplace(y, doubled=True)


# In-place forms for the recurrent loops (the caller silences overflow once for the
# whole loop, since entering np.errstate costs as much as a small ufunc).
def sigmoid_inplace(x: np.ndarray) -> np.ndarray:
    np.negative(x, out=x)
    np.exp(x, out=x)
    x += 1.0
    return np.reciprocal(x, out=x)


def tanh_inplace(x: np.ndarray, doubled: bool = False) -> np.ndarray:
    if not doubled:
        x *= 2.0
    np.exp(x, out=x)
    x += 1.0
    np.divide(-2.0, x, out=x)
    x += 1.0
    return x


def tanh_into(x: np.ndarray, out: np.ndarray) -> np.ndarray:
    """out = tanh(x) (out may be x). float32 uses numpy's own tanh, which has a SIMD path for
    float32 on AVX2 and later (1 call instead of 5); float64 keeps the exp form above."""
    if out.dtype == np.float32:
        return np.tanh(x, out=out)
    np.multiply(x, 2.0, out=out)
    return tanh_inplace(out, doubled=True)


def softplus(x: np.ndarray) -> np.ndarray:
    # log(1 + e^x) = max(x, 0) + log1p(e^-|x|), stable for large |x|
    return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))


@dataclass(frozen=True)
class Activation:
    name: str
    forward: Callable[[np.ndarray], np.ndarray]
    backward: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]


LEAKY_SLOPE = 0.01

ACTIVATIONS: dict[str, Activation] = {
    "relu": Activation("relu", lambda x: np.maximum(x, 0.0), lambda dy, x, y: dy * (x > 0)),
    "leaky_relu": Activation("leaky_relu", lambda x: np.where(x > 0, x, LEAKY_SLOPE * x),
                             lambda dy, x, y: np.where(x > 0, dy, LEAKY_SLOPE * dy)),
    "tanh": Activation("tanh", tanh, lambda dy, x, y: dy * (1.0 - y * y)),
    "softplus": Activation("softplus", softplus, lambda dy, x, y: dy * sigmoid(x)),
    "sigmoid": Activation("sigmoid", sigmoid, lambda dy, x, y: dy * y * (1.0 - y)),
}


def get_activation(name: str) -> Activation:
    try:
        return ACTIVATIONS[name]
    except KeyError:
        raise ValueError(f"unknown activation {name!r}; choose one of {sorted(ACTIVATIONS)}") from None
