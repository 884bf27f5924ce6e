"""`check_family` (models/conformance.py) over every bundled family, and on a broken plugin.

Sizes are small so that all families together take under 3 minutes on 2 cores (compiled code
cached): a few training steps and 8 hidden units for the artificial families, N_E = 80 for the
spiking networks, the microcircuit at 0.03 scale in its default csr build (the build of
scenarios/compare_attention.yaml; never per_pathway, which compiles for > 10 minutes cold).
`stochastic` is what each family's docstring says of its noise: the rate models integrate
noise (sigma_noise), the spiking ones Poisson input, the E/I RNN recurrent noise (sigma_rec);
the normalization model is a closed-form steady state (n_neurons = 0: no read-out noise) and
the other artificial models are noise-free at sigma_in = 0, so their seed does not matter once
trained (and they are checked for giving each trial the same numbers in any chunking).
"""
import numpy as np
import pytest

from attnsim.models import FAMILIES, FamilyCheckError, check_family
from attnsim.models.activity import Activity

ANN = {"max_steps": 3, "batch_size": 4}
# the trial of scenarios/microcircuit_attention.yaml (500 steps of 1 ms): the binary that scenario
# and tests/models/test_microcircuit_attention.py build at this scale, so the suite compiles it once
PD14_TIMING = {"fixation": 100.0, "cue": 50.0, "stimulus": 340.0, "response": 10.0}
# name -> (params, stochastic, other check_family arguments)
SETTINGS = {
    "dot_product_attention": ({**ANN, "d_model": 8, "n_heads": 2, "d_ff": 8}, False, {}),
    "rnn": ({**ANN, "hidden": 8}, False, {}),
    "gru": ({**ANN, "hidden": 8}, False, {}),
    "lstm": ({**ANN, "hidden": 8}, False, {}),
    "ei_rnn": ({**ANN, "hidden": 8}, True, {}),
    "normalization": ({}, False, {}),
    "rate_competition": ({}, True, {}),
    "wilson_cowan": ({}, True, {}),
    "attention_circuit": ({"n_exc_per_pool": 10, "n_inh_per_pool": 3}, True, {}),
    "attention_circuit_rate": ({}, True, {}),
    "attention_circuit_wm_meanfield": ({}, False, {}),
    "spiking_competition": ({"N_E": 80}, True, {}),
    # trials run one after another: 2 are enough for every check
    "brunel_network": ({"N_E": 80, "n_record_E": 20, "n_record_I": 5}, True, {"n_trials": 2}),
    "microcircuit": ({"N_scaling": 0.03, "K_scaling": 0.03}, True, {"n_trials": 2, "timing": PD14_TIMING}),
}


@pytest.mark.parametrize("name", sorted(FAMILIES.bundled()))
def test_bundled_family_conforms(name):
    assert name in SETTINGS, f"bundled family {name!r} has no small settings here: add them to SETTINGS"
    params, stochastic, sizes = SETTINGS[name]
    report = check_family(FAMILIES.get(name).obj, params, stochastic=stochastic, **sizes)
    print(report)
    ran = {r.name for r in report.results if r.status == "pass"}
    # the checks every family must pass (skips only for what a family does not declare)
    assert {"protocol", "metadata", "params.documented", "params.units", "params.defaults",
            "params.rejects_bad_values", "run", "activity.rates", "activity.groups", "activity.choice",
            "activity.reaction_time", "activity.storable", "seed.same_numbers", "seed.fresh_model",
            "seed.different_numbers"} <= ran
    cls = FAMILIES.get(name).obj
    assert ("fit" in ran) == ("trainable" in cls.capabilities)
    assert ("activity.spikes" in ran) == ("spiking" in cls.capabilities)
    assert ("activity.layers" in ran) == ("layered" in cls.capabilities)
    assert ("batch.chunks" in ran) == (not stochastic)


# A plugin author's family with one defect per check (Broken); Fixed repairs them all.
def _params_class(documented: bool, validates: bool):
    from dataclasses import dataclass, field

    meta = {"doc": "gain of the echo (a.u.)"} if documented else {}

    @dataclass(frozen=True)
    class P:
        gain: float = field(default=1.0, metadata=meta)
        tau_ms: float = field(default=10.0, metadata={"doc": "time constant (ms)"} if documented else {})

        def __post_init__(self):
            if validates and self.gain < 0:
                raise ValueError(f"P.gain: must be >= 0 (got {self.gain})")
    return P


class Fixed:
    """Rates = the stimulus inputs plus seeded noise; choice = the larger summed stimulus."""
    kind = "brain"
    capabilities = frozenset()
    paper = "none: a test double"

    def __init__(self, params):
        self.params = params

    def fit(self, sample_batch, dt_ms, channels, *, seed, progress=None):
        return {}

    def state(self):
        return {}

    def load_state(self, state):
        pass

    def _rng(self, seed):
        return np.random.default_rng(seed)

    def run(self, inputs, dt_ms, channels, *, seed, progress=None):
        x = self.params.gain * inputs[:, :, :2] + 0.01 * self._rng(seed).random(inputs[:, :, :2].shape)
        choice = np.argmax(x.sum(axis=1), axis=1)
        return Activity(rates=x, dt_ms=dt_ms, groups={"A": slice(0, 1), "B": slice(1, 2)},
                        selective_groups=("A", "B"), choice=choice, reaction_time_ms=self._rt(len(x)))

    def _rt(self, n):
        return np.full(n, np.nan)


Fixed.Params = _params_class(documented=True, validates=True)


class Broken(Fixed):
    """No paper; undocumented, unvalidated params; a unit-less group; choice 2; a negative RT;
    noise not drawn from the seed."""
    paper = ""
    Params = _params_class(documented=False, validates=False)

    def _rng(self, seed):
        return np.random.default_rng()             # ignores the seed: not reproducible

    def run(self, inputs, dt_ms, channels, *, seed, progress=None):
        act = super().run(inputs, dt_ms, channels, seed=seed)
        rates = np.concatenate([act.rates, act.rates[:, :, :1]], axis=2)     # unit 2 in no group
        choice = act.choice.copy()
        choice[0] = 2
        return Activity(rates=rates, dt_ms=dt_ms, groups=act.groups, selective_groups=act.selective_groups,
                        choice=choice, reaction_time_ms=np.full(len(rates), -5.0))


def test_a_conforming_plugin_passes():
    report = check_family(Fixed, stochastic=True, bad_params={"gain": -1.0})
    assert not report.failures, str(report)
    assert report.status("batch.chunks") == "skip"        # stochastic, no promise made


def test_a_broken_plugin_gets_each_failure_named():
    with pytest.raises(FamilyCheckError) as info:
        check_family(Broken, stochastic=True, bad_params={"gain": -1.0})
    report = info.value.report
    failed = {r.name: r.detail for r in report.failures}
    assert set(failed) == {"metadata", "params.rejects_bad_values", "activity.groups", "activity.choice",
                           "activity.reaction_time", "seed.same_numbers", "seed.fresh_model"}
    message = str(info.value)
    # the family, every failed check, what was expected and what was got
    assert "test_family_conformance:Broken" in message and "failed 7 conformance check(s)" in message
    assert all(f"  {name}: expected" in message for name in failed), message
    assert "`paper`" in failed["metadata"] and "got ''" in failed["metadata"]
    # undocumented parameters: reported, not failed (the scenario schema runs without docs)
    assert report.status("params.documented") == "warn"
    assert "undocumented: ['gain', 'tau_ms']" in next(r.detail for r in report.results if r.name == "params.documented")
    assert "accepted ['gain=-1.0']" in failed["params.rejects_bad_values"]
    assert "units [2] are in no group" in failed["activity.groups"]
    assert "got [0, 1, 2]" in failed["activity.choice"]
    assert "got [-5.0, -5.0, -5.0, -5.0]" in failed["activity.reaction_time"]
    assert "rates differ" in failed["seed.same_numbers"]


def test_the_readme_example_model_conforms(monkeypatch):
    """examples/own_model (what a plugin author starts from) passes, with a few training steps."""
    import importlib.util
    import os
    import sys

    from tests.conftest import ROOT
    path = os.path.join(ROOT, "examples", "own_model", "my_models.py")
    spec = importlib.util.spec_from_file_location("own_model_example", path)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)      # dataclasses look their module up
    spec.loader.exec_module(module)
    report = check_family(module.LinearAccumulator, {"train_steps": 3}, stochastic=False,
                          bad_params={"tau_ms": -1.0, "batch_size": 0})
    assert report.status("batch.chunks") == "pass" and report.status("fit") == "pass", str(report)


def test_a_parameter_without_its_unit_suffix_is_named():
    from dataclasses import dataclass, field

    @dataclass(frozen=True)
    class P:
        gain: float = field(default=1.0, metadata={"doc": "gain of the echo (a.u.)"})
        tau: float = field(default=10.0, metadata={"doc": "time constant (ms)"})

    class NoSuffix(Fixed):
        Params = P

    report = check_family(NoSuffix, stochastic=True, raise_on_failure=False)
    assert [r.name for r in report.failures] == ["params.units"]
    assert "tau (doc says ms: name it ..._ms)" in report.failures[0].detail
    assert report.status("params.rejects_bad_values") == "skip"       # no rule declared, none passed


def test_a_deterministic_family_that_couples_trials_fails_the_chunk_check():
    class Coupled(Fixed):
        def run(self, inputs, dt_ms, channels, *, seed, progress=None):
            act = super().run(inputs, dt_ms, channels, seed=0)       # deterministic
            act.rates = act.rates / act.rates.mean()                 # normalized over the batch
            return act

    report = check_family(Coupled, stochastic=False, raise_on_failure=False)
    assert [r.name for r in report.failures] == ["batch.chunks"]
    assert "second chunk" in report.failures[0].detail


def test_a_model_that_raises_fails_its_check_and_skips_what_needs_it():
    class Boom(Fixed):
        def run(self, inputs, dt_ms, channels, *, seed, progress=None):
            raise RuntimeError("boom in my model")

    report = check_family(Boom, stochastic=True, raise_on_failure=False)
    assert [(r.name, r.detail) for r in report.failures] == [
        ("run", "expected no exception, got RuntimeError: boom in my model")]
    assert report.status("activity.rates") == "skip" and report.status("seed.same_numbers") == "skip"
