"""The bundled scenarios' expectations name the rule their text claims (issue 19, item 3).

Read with yaml.safe_load (the scenario files as shipped); judged with attnsim.expectations.judge, i.e.
the shared rules of sim/analysis/rules.py, on the numbers the files record from their runs.
"""
import glob
import os
import re

import pytest
import yaml

from attnsim.analysis.rules import NEEDS_INTERVAL
from attnsim.expectations import judge

from tests.conftest import ROOT as REPO

ROOT = os.path.join(REPO, "scenarios")
FILES = sorted(glob.glob(os.path.join(ROOT, "*.yaml")) + glob.glob(os.path.join(ROOT, "validation", "*.yaml")))
CLAIMS_INTERVAL = re.compile(r"(CI|interval) (excludes|must)|must be absent|fails the same check")


def _entries(path):
    return (yaml.safe_load(open(path)) or {}).get("expect") or []


def _entry(name, **match):
    path = os.path.join(ROOT, name)
    (ex,) = [e for e in _entries(path) if all(e.get(k) == v for k, v in match.items())]
    return ex


@pytest.mark.parametrize("path", FILES, ids=os.path.basename)
def test_claims_about_the_interval_name_an_interval_rule(path):
    for ex in _entries(path):
        if CLAIMS_INTERVAL.search(ex.get("source", "")):
            assert ex.get("rule", "inside") in NEEDS_INTERVAL, (os.path.basename(path), ex["source"])


def test_microcircuit_l4_down_is_not_shown_by_an_interval_holding_zero():
    """The recorded reduced run: A_L4E -0.013 [-0.034, +0.014] passed under `inside`. The claim is
    over network seeds: an interval over 5 seeds decides it, one network's never does."""
    ex = _entry("microcircuit_attention.yaml", group="A_L4E")
    assert judge(ex, -0.013, -0.034, 0.014, n_seeds=5) == "inconclusive"
    assert judge(ex, -0.05, -0.08, -0.02, n_seeds=5) == "pass"
    assert judge(ex, -0.05, -0.08, -0.02, n_seeds=1) == "inconclusive"


def test_spiking_control_fails_as_it_must_only_when_its_interval_excludes_the_effect():
    ex = _entry("validation/attention_spiking.yaml", model="no_local_I", group="noise_corr_change")
    assert judge(ex, -0.05, -0.30, 0.20) == "inconclusive"
    assert judge(ex, 0.232, 0.071, 0.484) == "pass"      # recorded in the file's comments
    tested = _entry("validation/attention_spiking.yaml", model="sensory", group="noise_corr_change")
    assert judge(tested, -0.12, -0.30, 0.05) == "inconclusive"
    assert judge(tested, -0.353, -0.576, -0.144) == "pass"

