"""figures/ holds what the bundled scenarios draw, redrawn by one command (issue 19, item 8):
`python figures/redraw.py` runs the scenarios named in figures/manifest.yaml. Checked here without
running them: the manifest names valid scenarios and figures those scenarios draw, and the README
shows no figure that the command does not draw."""
import os
import re
import subprocess
import sys

import yaml

from tests.conftest import ROOT

MANIFEST = os.path.join(ROOT, "figures", "manifest.yaml")
REDRAW = os.path.join(ROOT, "figures", "redraw.py")


def _manifest():
    with open(MANIFEST) as fh:
        return yaml.safe_load(fh)


def test_every_readme_figure_is_drawn_by_the_redraw_command():
    readme = open(os.path.join(ROOT, "README.md")).read()
    shown = set(re.findall(r"\]\(figures/([^)\s]+)\)", readme))
    drawn = {dest for entry in _manifest().values() for dest in entry["figures"].values()}
    assert shown, "the README shows no figure from figures/"
    assert shown <= drawn, f"README figures no manifest entry draws: {sorted(shown - drawn)}"


def test_manifest_names_valid_scenarios_and_figures_they_draw():
    import attnsim
    for name, entry in _manifest().items():
        scn = attnsim.load_scenario(os.path.join(ROOT, entry["scenario"]))
        wanted = list(scn.figures) + (["cka", "pca_trajectories", "fixed_points", "dsa"] if scn.report else [])
        for src in entry["figures"]:
            stem = src.split(":", 1)[1] if src.startswith("figure:") else os.path.splitext(os.path.basename(src))[0]
            assert any(stem == f or stem.startswith(f + "_") for f in wanted), \
                f"entry {name!r}: {src} is not a figure {entry['scenario']} draws ({wanted})"


def test_redraw_lists_entries_and_refuses_an_unknown_one():
    listed = subprocess.run([sys.executable, REDRAW, "--list"], capture_output=True, text=True, cwd=ROOT)
    assert listed.returncode == 0, listed.stderr
    assert all(name in listed.stdout for name in _manifest())
    bad = subprocess.run([sys.executable, REDRAW, "no_such_entry"], capture_output=True, text=True, cwd=ROOT)
    assert bad.returncode == 2 and "no_such_entry" in bad.stderr and "valid" in bad.stderr


def _redraw_module():
    import importlib.util
    spec = importlib.util.spec_from_file_location("redraw", REDRAW)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _fake_run(path, name, revision="0123456789abcdef", dirty=True):
    import json
    os.makedirs(path)
    with open(os.path.join(path, "scenario.yaml"), "w") as fh:
        yaml.safe_dump({"name": name}, fh)
    with open(os.path.join(path, "provenance.json"), "w") as fh:
        json.dump({"git": {"revision": revision, "dirty": dirty}, "started": "2026-12-07T21:00:00+0000",
                   "wall_s": 1234.5}, fh)


def test_from_run_adopts_a_finished_run_with_its_own_provenance(tmp_path, monkeypatch):
    import json
    import pytest
    redraw = _redraw_module()
    monkeypatch.setattr(redraw, "RUNS", str(tmp_path / "runs"))
    entry = _manifest()["compare"]
    want = yaml.safe_load(open(os.path.join(ROOT, entry["scenario"])))["name"]
    _fake_run(str(tmp_path / "mine"), want)
    record = redraw.adopt_run("compare", entry, str(tmp_path / "mine"))
    assert record["commit"] == "0123456+changes" and record["wall_s"] == 1234.5
    assert record["date"] == "2026-12-07 21:00 UTC"
    stamp = json.load(open(tmp_path / "runs" / "compare" / ".redraw.json"))
    assert stamp["from_run"] == str(tmp_path / "mine")
    _fake_run(str(tmp_path / "other"), "not-" + want)          # another scenario's run is refused
    with pytest.raises(SystemExit, match="its scenario is"):
        redraw.adopt_run("compare", entry, str(tmp_path / "other"))
    with pytest.raises(SystemExit, match="not a finished run directory"):
        redraw.adopt_run("compare", entry, str(tmp_path / "missing"))
