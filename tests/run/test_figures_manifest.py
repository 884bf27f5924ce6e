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
