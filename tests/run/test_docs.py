"""The documentation site (issue 23): generated pages equal the code they come from, and the site
builds from a clean tree with warnings as errors, running every tutorial."""
import dataclasses
import os
import re
import subprocess
import sys

import pytest

from attnsim.model_card import model_card, unit_of
from attnsim.models import FAMILIES
from attnsim.scenario.reference import _models_in, block_table, scenario_reference
from attnsim.spec.strict import Strict
from tests.conftest import ROOT


def _param_table(card: str) -> dict[str, str]:
    section = card.split("## Parameters", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        m = re.match(r"\| `([^`]+)` \| ([^|]*) \| ([^|]*) \|", line)
        if m:
            rows[m.group(1)] = (m.group(2).strip(), m.group(3).strip())
    return rows


@pytest.mark.parametrize("name", list(FAMILIES.bundled()))
def test_model_card_parameter_table_equals_the_dataclass(name):
    cls = FAMILIES.bundled()[name].obj
    table = _param_table(model_card(cls, name))
    fields = dataclasses.fields(cls.Params)
    assert list(table) == [f.name for f in fields]
    for f in fields:
        default = f.default if f.default is not dataclasses.MISSING else f.default_factory()
        expected = repr(default) if isinstance(default, str) else str(default)
        assert table[f.name] == (unit_of(f.name), expected), f.name


def test_units_are_read_from_parameter_names():
    assert [unit_of(n) for n in ("tau_AMPA_ms", "nu_ext_hz", "g_L_nS", "J_ext_nA_per_hz", "w_plus", "kappa")] == \
        ["ms", "Hz", "nS", "nA/Hz", "", ""]


def test_a_plugin_family_gets_the_same_card(tmp_path):
    sys.path.insert(0, os.path.join(ROOT, "examples", "own_model"))
    try:
        from my_models import LinearAccumulator
    finally:
        sys.path.pop(0)
    card = model_card(LinearAccumulator, "my_models:LinearAccumulator")
    assert card.startswith("# `my_models:LinearAccumulator`")
    assert set(_param_table(card)) == {f.name for f in dataclasses.fields(LinearAccumulator.Params)}
    assert "No stored validation run checks this family yet." in card


def test_validation_table_reads_stored_verdicts_and_says_how_the_run_was_made():
    stored = {"scenario": "s", "file": "scenarios/validation/x.yaml", "overrides": ["task.n_trials=8"],
              "started": "2026-12-07", "models": {"m": {"family": "rate_competition"}, "o": {"family": "rnn"}},
              "expectations": [
                  {"model": "m", "metric": "accuracy", "condition": "all", "rule": "inside", "range": [0.5, 1],
                   "estimate": 0.8, "ci_lo": 0.7, "ci_hi": 0.9, "n_trials": 8, "verdict": "pass",
                   "source": "docs/reference.md row 7"},
                  {"model": "o", "metric": "accuracy", "estimate": 0.1, "verdict": "fail", "source": "row 3"}]}
    card = model_card(FAMILIES.bundled()["rate_competition"].obj, "rate_competition", validation=[stored])
    section = card.split("## Validation", 1)[1]
    assert "REDUCED: `task.n_trials=8`" in section
    assert "| 7 | accuracy all | inside [0.5, 1] | 0.8 [0.7, 0.9] (n=8) | pass |" in section
    assert "fail" not in section           # the other family's row is not on this card


def test_scenario_reference_lists_every_key_of_every_block():
    from attnsim.registries import TASKS
    from attnsim.scenario.schema import Expectation, ModelSpec, RunOptions, Scenario, Sweep
    text = scenario_reference(os.path.join(ROOT, "scenarios"))
    for cls in (Scenario, ModelSpec, Expectation, RunOptions, Sweep):
        for key in cls.model_fields:
            assert f"| `{key}` |" in text, (cls.__name__, key)
    for kind, entry in TASKS.bundled().items():
        section = text.split(f"## task kind `{kind}`", 1)[1].split("\n## task kind", 1)[0]
        for key in entry.obj.Spec.model_fields:
            assert f"| `{key}` |" in section, (kind, key)
    assert "duration, ms" in text


def test_site_builds_without_warnings_and_runs_every_tutorial(tmp_path):
    pytest.importorskip("sphinx")
    pytest.importorskip("myst_parser")
    out = tmp_path / "html"
    proc = subprocess.run([sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
                           os.path.join(ROOT, "docs"), str(out)], capture_output=True, text=True, timeout=1800)
    assert proc.returncode == 0, proc.stderr[-4000:]
    tutorials = sorted(f[:-3] for f in os.listdir(os.path.join(ROOT, "examples", "tutorials")) if f.endswith(".py"))
    assert len(tutorials) >= 5
    for name in tutorials:
        page = (out / "generated" / "tutorials" / f"{name}.html").read_text()
        assert "Output (run when these pages were built" in page, name
        assert "<img" in page, f"tutorial {name} shows no figure"
    for name in FAMILIES.bundled():
        assert (out / "generated" / "models" / f"{name}.html").is_file()


def test_every_key_of_the_file_level_blocks_says_what_it_means():
    text = scenario_reference(os.path.join(ROOT, "scenarios"))
    file_part = text.split("## Tasks (`task:`)", 1)[0]
    empty = [line for line in file_part.splitlines() if line.startswith("| `") and line.rstrip().endswith("|  |")]
    assert not empty, empty


def _meanings_by_table(section: str) -> dict[str, dict[str, str]]:
    """{table title: {key: meaning}} of the `### ` tables of one part of the reference (the meaning is the
    last cell of a key's row; the generator writes no `|` inside a cell)."""
    tables = {}
    for block in section.split("\n### ")[1:]:
        title, _, body = block.partition("\n")
        tables[title.strip()] = {line.split("`", 2)[1]: line.rstrip()[:-1].rsplit("|", 1)[1].strip()
                                 for line in body.splitlines() if line.startswith("| `")}
    return tables


def _spec_blocks(cls, title: str):
    """(table title, pydantic class) of a task Spec and of every block nested in it, as the reference titles them."""
    yield title, cls
    for info in cls.model_fields.values():
        for sub in _models_in(info.annotation):
            yield from _spec_blocks(sub, f"{title} / {sub.__name__}")


def test_every_key_of_every_task_spec_says_what_it_means():
    """Each key of each registered task's Spec, and of its timing block, has a meaning in the reference: the
    comment beside the field (or above it) in sim/tasks, read by attnsim.scenario.reference."""
    from attnsim.registries import TASKS
    text = scenario_reference(os.path.join(ROOT, "scenarios"))
    checked, empty = 0, []
    for kind, entry in TASKS.bundled().items():
        tables = _meanings_by_table(text.split(f"## task kind `{kind}`", 1)[1].split("\n## task kind", 1)[0])
        for title, cls in _spec_blocks(entry.obj.Spec, f"`{kind}`"):
            assert title in tables, (kind, title)
            for key in cls.model_fields:
                checked += 1
                if not tables[title].get(key):
                    empty.append(f"{title}: {key}")
    assert checked >= 60, checked          # the registry was walked (7 kinds, 89 keys on 2026-12-07)
    assert not empty, empty


class _BaseBlock(Strict):
    ratio: float = 0.5      # the base's meaning
    other: int = 1          # kept as written


class _NarrowedBlock(_BaseBlock):
    ratio: float = 0.0
    other: int = 2          # the subclass's own meaning


def test_a_field_re_declared_without_a_comment_keeps_its_base_meaning():
    """A task Spec re-declares a base field to narrow `kind` or change a default (spec_base); without a comment
    of its own the field keeps the base's meaning, with one the subclass's comment replaces it."""
    rows = _meanings_by_table("\n".join(["", *block_table(_NarrowedBlock, "narrowed")]))["narrowed"]
    assert rows == {"ratio": "the base's meaning", "other": "the subclass's own meaning"}
