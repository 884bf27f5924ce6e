"""The artificial model families: transformer, RNN, GRU, LSTM and E/I RNN.

Each family bins the task's input channels to `step_ms` (so a 1.2 s trial is
~60 steps), trains a 2-way softmax (A vs B) per step on the response epoch
with BPTT + Adam on fresh trials, and reports hidden units plus the two output
probabilities as Activity. Choice and reaction time come from
models.readout.threshold_readout on the probabilities from stimulus onset.

Dual report. When the training target is (trials, 2), presence (1) or absence (0)
of a target at A and at B, the same two outputs become two independent sigmoid
units, p_k = sigmoid(z_k) = P(present at location k), trained with the binary
cross-entropy averaged over the loss-mask steps and both locations
(models.ann.loss.masked_binary_cross_entropy). `run` then reports, per location,

    location_evidence[:, k] = mean of z_k over the loss-mask (response) steps
    location_reports[:, k]  = 1 if location_evidence[:, k] > 0 else 0

i.e. the same averaged-logit decision the training accuracy scores, with the
unbiased criterion p = 1/2 on the average step. The window is the loss mask the
model was trained on (stored with the weights), because it is where the outputs
were asked to carry the judgment; averaging the logit (the log-odds) rather than
taking one step keeps the evidence graded, as needed for d' and ROC analyses.
out_A / out_B are then the two presence probabilities (they need not sum to 1).
There is no A-versus-B decision: choice is -1 and reaction_time_ms NaN.

Precision. Training and runs compute in `dtype` (float32 by default, the
precision PyTorch trains in; float64 for finite-difference checks). Weights are
drawn in float64 and rounded, so a seed gives the same initial network in both;
inputs, input noise (sigma_in) and the E/I RNN's recurrent noise are drawn in
float64 and cast on entry, so one seed gives one noise sequence. What `run`
reports (rates, evidence) is float64 either way, so downstream code sees one type.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from attnsim.models.activity import Activity
from attnsim.models.ann.activations import sigmoid
from attnsim.models.ann.blas_threads import single_thread_blas
from attnsim.models.ann.dynamics import RecurrentDynamics
from attnsim.models.ann.heap import keep_freed_memory
from attnsim.models.ann.loss import check_presence_target, report_evidence
from attnsim.models.ann.networks import DTYPES, EIRNNNetwork, RecurrentNetwork, TransformerNetwork, cast
from attnsim.models.ann.softmax import softmax
from attnsim.models.ann.timebins import bin_factor, bin_inputs, bin_mask
from attnsim.models.ann.train import train
from attnsim.models.base import channel_index
from attnsim.models.errors import AttnsimError
from attnsim.models.params import check_params, param
from attnsim.models.readout import stimulus_onset_index, threshold_readout
from attnsim.models.registry import FAMILIES


NOISE_TAU_MS = 100.0   # time constant of the input noise for families without tau_ms (see _noisy)


@dataclass(frozen=True)
class TrainingParams:
    learning_rate: float = param(0.01, "Adam step size", gt=0)
    batch_size: int = param(32, "fresh trials per training step", ge=1)
    max_steps: int = param(600, "training step budget", ge=1)
    target_accuracy: float = param(0.97, "stop when mean batch accuracy over the last 10 steps reaches this",
                                   gt=0, le=1)
    grad_clip_norm: float = param(1.0, "clip gradients to this global L2 norm (0 = off)", ge=0)
    step_ms: float = param(20.0, "model time step; inputs are averaged over bins of this length (ms)", gt=0)
    confidence_threshold: float = param(0.9, "output probability that counts as a decision", gt=0.5, lt=1)
    pre_response_weight: float = param(
        0.0, "weight of a loss toward equal A/B outputs outside the response epoch (withhold the "
        "decision until the response, NeuroGym's fixation convention); 0 = response epoch only", ge=0)
    sigma_in: float = param(
        0.0, "input noise in Song, Yang & Wang 2016's units: sqrt(2 / alpha) sigma_in N(0, 1) is added to every "
        "input channel at every model step (alpha = step_ms / tau_ms; tau 100 ms for families without one), in "
        "training and in runs, so its effect does not depend on the step; sets difficulty for a noise-free "
        "network; 0 = none", ge=0)
    dtype: str = param("float32", "floating-point precision of training and runs (float64 for gradient checks)",
                       choices=DTYPES)

    def __post_init__(self):
        check_params(self)


@dataclass(frozen=True)
class DotProductAttentionParams(TrainingParams):
    d_model: int = param(32, "token width d_model", ge=2)
    n_heads: int = param(2, "attention heads", ge=1)
    d_ff: int = param(64, "feed-forward width", ge=1)
    n_layers: int = param(1, "encoder blocks", ge=1)
    learning_rate: float = param(0.003, "Adam step size", gt=0)


@dataclass(frozen=True)
class RNNParams(TrainingParams):
    hidden: int = param(64, "hidden units", ge=1)
    tau_ms: float = param(100.0, "leak time constant; alpha = step_ms / tau_ms (<= step_ms gives nn.RNN)", gt=0)
    activation: str = param("tanh", "hidden nonlinearity",
                            choices=("tanh", "relu", "leaky_relu", "softplus", "sigmoid"))


@dataclass(frozen=True)
class GRUParams(TrainingParams):
    hidden: int = param(64, "hidden units", ge=1)


@dataclass(frozen=True)
class LSTMParams(TrainingParams):
    hidden: int = param(64, "hidden units", ge=1)


@dataclass(frozen=True)
class EIRNNParams(TrainingParams):
    hidden: int = param(64, "hidden units N (excitatory and inhibitory)", ge=2)
    exc_fraction: float = param(0.8, "fraction of excitatory units (Song, Yang & Wang 2016: 0.8)", gt=0, lt=1)
    tau_ms: float = param(100.0, "unit time constant tau (ms); alpha = step_ms / tau", gt=0)
    sigma_rec: float = param(0.05, "recurrent noise sigma_rec (a.u.)", ge=0)
    rho: float = param(1.5, "initial spectral radius of W_rec", gt=0)


class _ArtificialModel:
    kind: ClassVar[str] = "artificial"
    capabilities: ClassVar[frozenset] = frozenset({"trainable"})
    input_channels: ClassVar[str] = "any"    # trained on whatever channels the task gives
    family: ClassVar[str]
    Params: ClassVar[type]

    def __init__(self, params=None):
        self.params = params if params is not None else self.Params()
        if not isinstance(self.params, self.Params):
            raise TypeError(f"{type(self).__name__} needs {self.Params.__name__}, got {type(self.params).__name__}")
        self.weights: dict[str, np.ndarray] | None = None
        self.channels: tuple[str, ...] | None = None
        # dual report only: the loss mask (model steps) of training, where run() reads the reports
        self.report_mask: np.ndarray | None = None
        self._nets: dict[float, object] = {}

    # -- to be provided by each family
    def _network(self, bin_ms: float):
        raise NotImplementedError

    def _net(self, k: int, dt_ms: float):
        """The network for a model step of k * dt_ms (leak rates depend on it); built once."""
        key = round(k * dt_ms, 9)
        if key not in self._nets:
            self._nets[key] = self._network(key)
        return self._nets[key]

    def _ordered(self, inputs: np.ndarray, channels: tuple[str, ...]) -> np.ndarray:
        """Input columns in the order the weights were trained on."""
        if self.channels is None:
            self.channels = tuple(channels)
        idx = [channel_index(tuple(channels), c) for c in self.channels]
        return inputs[:, :, idx]

    def fit(self, sample_batch, dt_ms, channels, *, seed, progress=None) -> dict:
        with single_thread_blas(), keep_freed_memory():
            return self._fit(sample_batch, dt_ms, channels, seed=seed, progress=progress)

    def run(self, inputs, dt_ms, channels, *, seed, progress=None) -> Activity:
        with single_thread_blas(), keep_freed_memory():
            return self._run(inputs, dt_ms, channels, seed=seed, progress=progress)

    def _fit(self, sample_batch, dt_ms, channels, *, seed, progress=None) -> dict:
        p = self.params
        k = bin_factor(dt_ms, p.step_ms)
        net = self._net(k, dt_ms)
        self.channels = tuple(channels)
        init_rng, rng = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(2))
        self.weights = cast(net.init(init_rng, len(channels)), p.dtype)
        self.report_mask = None
        seen = {}

        def batch(n, r):
            inputs, target, mask = sample_batch(n, r)
            target, mask = np.asarray(target), bin_mask(mask, k)
            if target.ndim == 2:            # dual report: remember where the judgments are trained
                target = check_presence_target(target, 2)
                seen.setdefault("report_mask", mask)
                if mask.shape != seen["report_mask"].shape or not np.array_equal(mask, seen["report_mask"]):
                    raise ValueError("dual-report training batches must share one loss mask (one trial timing)")
            seen["clean_x"] = bin_inputs(self._ordered(inputs, channels), k)  # onsets come from noise-free input
            return self._noisy(seen["clean_x"], r, k * dt_ms), target, mask

        def readout_accuracy(logits, x, target):
            if target.ndim == 2:            # the per-location reports, exactly as run() reads them
                reports = report_evidence(logits, seen["report_mask"]) > 0
                return float(np.mean(reports == (target == 1)))
            onset = self._onset(seen["clean_x"], k * dt_ms, k * dt_ms)   # this step's batch, before its noise
            choice, _ = self._readout(softmax(logits), onset, k * dt_ms)
            return float(np.mean(choice == target))

        hist = train(net, self.weights, batch, rng=rng, learning_rate=p.learning_rate,
                     batch_size=p.batch_size, max_steps=p.max_steps, target_accuracy=p.target_accuracy,
                     grad_clip_norm=p.grad_clip_norm, pre_response_weight=p.pre_response_weight,
                     readout_accuracy=readout_accuracy, progress=progress)
        self.report_mask = seen.get("report_mask")
        hist["step_ms"] = k * dt_ms
        return hist

    def _run(self, inputs, dt_ms, channels, *, seed, progress=None) -> Activity:
        p = self.params
        k = bin_factor(dt_ms, p.step_ms)
        net = self._net(k, dt_ms)
        if self.weights is None:        # untrained: still a valid, seeded network
            self.channels = tuple(channels)
            self.weights = net.init(np.random.default_rng(seed), len(channels))
        self.weights = cast(self.weights, p.dtype)
        x = bin_inputs(self._ordered(np.asarray(inputs, dtype=float), tuple(channels)), k)
        x = self._noisy(x, np.random.default_rng([seed, 1]), k * dt_ms)
        logits, hidden, _, extras = net(self.weights, x, np.random.default_rng(seed))
        logits, hidden = logits.astype(float), hidden.astype(float)     # reported in float64 (see above)
        bin_ms = k * dt_ms
        location = {}
        if self.report_mask is not None:    # dual report: an independent yes/no per location
            if len(self.report_mask) != x.shape[1]:
                raise ValueError(f"{type(self).__name__}.run: trials of {x.shape[1]} model steps of {bin_ms:g} ms, "
                                 f"but the dual-report head was trained on {len(self.report_mask)} steps; "
                                 f"run it on trials with the training timing")
            prob = sigmoid(logits)
            evidence = report_evidence(logits, self.report_mask)
            location = {"location_reports": (evidence > 0).astype(int), "location_evidence": evidence}
            choice, rt = np.full(len(x), -1, dtype=int), np.full(len(x), np.nan)
        else:
            prob = softmax(logits)
            choice, rt = self._readout(prob, self._onset(inputs, dt_ms, bin_ms, tuple(channels)), bin_ms)
        n_h = hidden.shape[2]
        groups = {"hidden": slice(0, n_h), "out_A": slice(n_h, n_h + 1), "out_B": slice(n_h + 1, n_h + 2)}
        groups.update(self._extra_groups(n_h))
        out_extras = {"logits": logits.astype(np.float32)}
        for name, v in extras.items():
            if v is not None:
                out_extras[name] = v.astype(np.float32)
        if progress is not None:
            progress(len(x), len(x))
        # the population is the hidden units; out_A / out_B are the readout's choice probabilities
        # (softmax: they sum to 1), no neurons. The analysis layer classifies hidden units as
        # A- or B-preferring on held-out trials for sensory signatures (sim/analysis/sensory.py).
        roles = {g: "hidden" for g in groups if g not in ("out_A", "out_B")}
        roles.update(out_A="decision", out_B="decision")
        return Activity(rates=np.concatenate([hidden, prob], axis=2), dt_ms=bin_ms, groups=groups, roles=roles,
                        selective_groups=("out_A", "out_B"), choice=choice, reaction_time_ms=rt,
                        rate_unit="a.u.", extras=out_extras, **location)

    def _noisy(self, x: np.ndarray, rng: np.random.Generator, step_ms: float) -> np.ndarray:
        """x + sqrt(2 / alpha) sigma_in N(0, 1) per trial, model step and channel; x itself when sigma_in is 0.

        Song, Yang & Wang 2016 (PLoS Comput Biol 12:e1004792, eq. 8 and PyCog): the input noise of a
        continuous-time network, tau dx/dt = -x + W_rec r + W_in (u + sqrt(2 tau) sigma_in xi(t)),
        discretized with alpha = step_ms / tau (Euler-Maruyama), enters each step as
        sqrt(2 / alpha) sigma_in N(0, 1). Multiplied by alpha in the leaky update it adds variance
        2 alpha sigma_in^2 per step, so the stationary noise in the state does not depend on the step.
        tau is the family's tau_ms; families without one (GRU, LSTM, transformer) use
        NOISE_TAU_MS, which makes their input noise the same white noise (a bin mean whose
        s.d. falls as 1 / sqrt(step)). At 20 ms steps and tau 100 ms (alpha 0.2) sigma_in here
        is 1 / sqrt(10) = 0.316 of the s.d. per step.
        """
        if self.params.sigma_in == 0:
            return x
        alpha = min(1.0, step_ms / getattr(self.params, "tau_ms", NOISE_TAU_MS))
        return x + np.sqrt(2.0 / alpha) * self.params.sigma_in * rng.standard_normal(x.shape)

    def _onset(self, inputs, dt_ms, bin_ms, channels=None) -> np.ndarray:
        """Stimulus onset of each trial as an index on the model's (binned) time grid."""
        idx = stimulus_onset_index(inputs, channels or self.channels)
        return idx // int(round(bin_ms / dt_ms))

    def _readout(self, prob, onset, bin_ms):
        return threshold_readout(prob[:, :, 0], prob[:, :, 1], bin_ms, onset, self.params.confidence_threshold)

    def _extra_groups(self, n_hidden: int) -> dict[str, slice]:
        return {}

    def dynamics(self, channels: tuple[str, ...], dt_ms: float) -> RecurrentDynamics:
        """The trained network's noise-free one-step map at fixed inputs (`dynamical` families only).

        A map of one model step (step_ms binned from `dt_ms`, as in `run`), velocity
        (G(x, u) - x) / step; see models/ann/dynamics.py for each cell's state and equations.
        """
        if "dynamical" not in self.capabilities:
            raise AttnsimError(f"{type(self).__name__} has no dynamical capability")
        if self.weights is None:
            raise AttnsimError(f"{type(self).__name__}.dynamics: no weights yet; fit or load_state first")
        p = self.params
        k = bin_factor(dt_ms, p.step_ms)
        net = self._net(k, dt_ms)
        channels = tuple(channels)
        order = [channel_index(channels, c) for c in self.channels]

        def states_of(inputs, seed):
            with single_thread_blas(), keep_freed_memory():
                w = cast(self.weights, p.dtype)
                x = bin_inputs(np.asarray(inputs, dtype=float)[:, :, order], k)
                x = self._noisy(x, np.random.default_rng([seed, 1]), k * dt_ms)
                _, hidden, (_, cache), _ = net(w, x, np.random.default_rng(seed))
                if self.family == "lstm":        # (h, c): the cell state is part of the state
                    hidden = np.concatenate([hidden, cache[2][1:].transpose(1, 0, 2)], axis=2)
                elif self.family == "ei_rnn":    # x, the units' input before rectification
                    hidden = cache[1][1:].transpose(1, 0, 2)
                return hidden.astype(np.float64)

        return RecurrentDynamics(getattr(net, "cell", "ei_rnn"), self.weights, k * dt_ms, order,
                                 alpha=getattr(net, "alpha", 1.0), activation=getattr(net, "activation", "tanh"),
                                 mask=getattr(net, "mask", None), states_of=states_of)

    def state(self) -> dict[str, np.ndarray]:
        """All weights plus the input channel order; byte strings so h5py can store it too.
        A dual-report model adds "report_mask", its training loss mask (model steps, bool)."""
        if self.weights is None:
            return {}
        out = {k: v.copy() for k, v in self.weights.items()}
        out["channels"] = np.array([c.encode() for c in self.channels], dtype="S")
        if self.report_mask is not None:
            out["report_mask"] = self.report_mask.copy()
        return out

    def load_state(self, state: dict[str, np.ndarray]) -> None:
        state = dict(state)
        if not state:
            self.weights, self.channels, self.report_mask = None, None, None
            return
        channels = tuple(c.decode() if isinstance(c, bytes) else str(c)
                         for c in np.asarray(state.pop("channels")).tolist())
        report_mask = state.pop("report_mask", None)
        if report_mask is not None:
            report_mask = np.asarray(report_mask).astype(bool).ravel()
        weights = {k: np.array(v, dtype=self.params.dtype) for k, v in state.items()}
        # the saved weights must fit these params (e.g. the same hidden size)
        expect = self._network(self.params.step_ms).init(np.random.default_rng(0), len(channels))
        bad = sorted(set(expect) ^ set(weights)) or [k for k in expect if expect[k].shape != weights[k].shape]
        if bad:
            raise ValueError(f"{type(self).__name__}.load_state: weights do not match {self.params}: "
                             f"first mismatch {bad[0]!r}")
        self.channels, self.weights, self.report_mask = channels, weights, report_mask


@FAMILIES.register("dot_product_attention", summary="transformer encoder (scaled dot-product multi-head attention) over time steps, numpy")
class DotProductAttentionModel(_ArtificialModel):
    family = "dot_product_attention"
    paper = "Vaswani et al. 2017 NeurIPS (scaled dot-product multi-head attention)"
    Params = DotProductAttentionParams

    def _network(self, bin_ms):
        p = self.params
        return TransformerNetwork(p.d_model, p.n_heads, p.d_ff, p.n_layers)


@FAMILIES.register("rnn", summary="vanilla leaky RNN trained with BPTT + Adam, numpy")
class RNNModel(_ArtificialModel):
    family = "rnn"
    paper = "Elman 1990; leaky form as in Song, Yang & Wang 2016"
    Params = RNNParams
    capabilities = frozenset({"trainable", "dynamical"})

    def _network(self, bin_ms):
        p = self.params
        return RecurrentNetwork("rnn", p.hidden, alpha=min(1.0, bin_ms / p.tau_ms), activation=p.activation)


@FAMILIES.register("gru", summary="GRU (PyTorch gate equations) trained with BPTT + Adam, numpy")
class GRUModel(_ArtificialModel):
    family = "gru"
    paper = "Cho et al. 2014 (PyTorch nn.GRU gate equations)"
    Params = GRUParams
    capabilities = frozenset({"trainable", "dynamical"})

    def _network(self, bin_ms):
        return RecurrentNetwork("gru", self.params.hidden)


@FAMILIES.register("lstm", summary="LSTM (PyTorch gate equations) trained with BPTT + Adam, numpy")
class LSTMModel(_ArtificialModel):
    family = "lstm"
    paper = "Hochreiter & Schmidhuber 1997 (PyTorch nn.LSTM gate equations)"
    Params = LSTMParams
    capabilities = frozenset({"trainable", "dynamical"})

    def _network(self, bin_ms):
        return RecurrentNetwork("lstm", self.params.hidden)


@FAMILIES.register("ei_rnn", summary="E/I RNN with Dale's law (Song, Yang & Wang 2016), numpy")
class EIRNNModel(_ArtificialModel):
    family = "ei_rnn"
    paper = "Song, Yang & Wang 2016 PLoS Comput Biol 12:e1004792"
    Params = EIRNNParams
    capabilities = frozenset({"trainable", "dynamical"})

    def _network(self, bin_ms):
        p = self.params
        return EIRNNNetwork(p.hidden, exc_fraction=p.exc_fraction, alpha=min(1.0, bin_ms / p.tau_ms),
                            rho=p.rho, sigma_rec=p.sigma_rec)

    def _extra_groups(self, n_hidden):
        n_exc = int(round(self.params.exc_fraction * n_hidden))
        return {"exc": slice(0, n_exc), "inh": slice(n_exc, n_hidden)}
