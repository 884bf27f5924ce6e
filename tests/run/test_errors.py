"""One errors module, one root: every exception the upper layer defines lives in attnsim.errors
and derives from AttnsimError; the old import names are the same classes."""
from __future__ import annotations

import ast
import pathlib

import pytest

import attnsim
from attnsim import errors

SIM = pathlib.Path(errors.__file__).parent


def _exception_classes_outside_errors():
    """(file, class name) of every public exception class defined in sim/ outside errors.py."""
    found = []
    for path in SIM.rglob("*.py"):
        if path.name == "errors.py" and path.parent == SIM:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                bases = [ast.unparse(b) for b in node.bases]
                if any(b.endswith(("Error", "Exception", "Failure", "NotApplicable")) for b in bases):
                    found.append((str(path.relative_to(SIM)), node.name))
    return found


def test_no_exception_class_is_defined_outside_the_errors_module():
    assert _exception_classes_outside_errors() == []


@pytest.mark.parametrize("name", ["ScenarioError", "RunError", "ModelFailure", "UnitError", "NotApplicable",
                                  "TimingError", "PluginError", "ParamError"])
def test_every_error_of_both_layers_derives_from_the_root(name):
    assert issubclass(getattr(errors, name), errors.AttnsimError)


def test_a_param_error_names_its_parts():
    from attnsim.models.spiking_competition_params import SpikingCompetitionParams
    with pytest.raises(errors.ParamError) as info:
        SpikingCompetitionParams(N_E=-1)
    assert (info.value.owner, info.value.field) == ("SpikingCompetitionParams", "N_E")
    assert str(info.value) == f"SpikingCompetitionParams.N_E: {info.value.rule}"
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize("module, name", [
    ("attnsim.scenario.yaml_lines", "ScenarioError"),
    ("attnsim.runner", "RunError"),
    ("attnsim.worker", "ModelFailure"),
    ("attnsim.spec.units", "UnitError"),
    ("attnsim.analysis.windows", "NotApplicable"),
    ("attnsim.tasks.timeline", "TimingError"),
    ("attnsim.models.registry", "PluginError"),
    ("attnsim.models.params", "ParamError"),
])
def test_old_import_names_are_the_same_classes(module, name):
    import importlib
    assert getattr(importlib.import_module(module), name) is getattr(errors, name)


def test_public_names_and_the_kinds_they_keep():
    assert attnsim.ScenarioError is errors.ScenarioError
    assert attnsim.RunError is errors.RunError
    assert attnsim.AttnsimError is errors.AttnsimError
    assert issubclass(errors.UnitError, ValueError)        # pydantic turns a ValueError into a field error
    assert issubclass(errors.NotApplicable, KeyError)      # metrics that catch KeyError keep working
    from attnsim.models.registry import PluginError
    assert errors.PluginError is PluginError is attnsim.PluginError


def test_a_bad_scenario_is_caught_by_the_root(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nseed: 1\n")
    with pytest.raises(errors.AttnsimError) as info:
        attnsim.load_scenario(str(bad))
    assert isinstance(info.value, errors.ScenarioError)
    assert f"{bad}" in str(info.value)


def test_errors_are_imported_from_the_errors_module_only():
    """A module that needs an error imports attnsim.errors, never the module that raises it
    (importing runner.py for RunError made engine.py and runner.py import each other)."""
    names = {"RunError", "ModelFailure", "ScenarioError", "UnitError", "AttnsimError"}
    wrong = []
    for path in SIM.rglob("*.py"):
        if path == SIM / "errors.py":          # builds on the root of the lower layer
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module != "attnsim.errors":
                wrong += [(str(path.relative_to(SIM)), node.module, a.name) for a in node.names if a.name in names]
    assert wrong == []
