"""Sphinx extension: write the pages generated from the code before Sphinx reads the sources.

At `builder-inited` it writes, under docs/generated/ (not tracked by git):

- models/<family>.md: one model card per bundled family (attnsim.model_card), with the verdicts
  of the stored validation summaries in docs/validation/*.json, and models/index.md;
- scenario_reference.md: every scenario key (attnsim.scenario.reference);
- metrics.md: every metric with its summary, definition (docstring), module and the tests that
  check it;
- tutorials/<name>.md: each script in examples/tutorials/, RUN at build time in a fresh folder,
  with its code, what it printed and the figures it wrote (set ATTNSIM_DOCS_RUN_TUTORIALS=0 to
  skip running them while writing prose: the pages then say they were not run).
"""
from __future__ import annotations

import glob
import inspect
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
DOCS = os.path.dirname(HERE)
ROOT = os.path.dirname(DOCS)
OUT = os.path.join(DOCS, "generated")


def _write(path: str, text: str) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    old = open(path).read() if os.path.isfile(path) else None
    if old != text:                       # unchanged pages keep their mtime: no needless rebuild
        with open(path, "w") as fh:
            fh.write(text)


def stored_validation() -> list[dict]:
    out = []
    for path in sorted(glob.glob(os.path.join(DOCS, "validation", "*.json"))):
        with open(path) as fh:
            out.append(json.load(fh))
    return out


def write_model_cards() -> list[str]:
    from attnsim.model_card import model_card
    from attnsim.models import FAMILIES

    summaries = stored_validation()
    names = []
    for name, entry in FAMILIES.bundled().items():
        _write(os.path.join(OUT, "models", f"{name}.md"), model_card(entry.obj, name, entry.summary, summaries))
        names.append(name)
    index = ["# Model cards", "",
             "One page per bundled family, generated from its class: equations (docstrings), the parameter "
             "dataclass, departures from the paper, and the verdicts of the stored validation runs "
             "(`docs/validation/`). A plugin class gets the same card from `attnsim.model_card(MyModel)`.", "",
             "```{toctree}", ":maxdepth: 1", "", *names, "```", ""]
    _write(os.path.join(OUT, "models", "index.md"), "\n".join(index))
    return names


def write_scenario_reference() -> None:
    from attnsim.scenario.reference import scenario_reference
    _write(os.path.join(OUT, "scenario_reference.md"), scenario_reference(os.path.join(ROOT, "scenarios")))


def _tests_naming(name: str) -> list[str]:
    hits = []
    for path in sorted(glob.glob(os.path.join(ROOT, "tests", "**", "test_*.py"), recursive=True)):
        with open(path) as fh:
            text = fh.read()
        if f'"{name}"' in text or f"'{name}'" in text or f"import {name}" in text or f" {name}(" in text:
            hits.append(os.path.relpath(path, ROOT))
    return hits


def write_metrics() -> None:
    from attnsim.registries import METRICS
    lines = ["# Metrics", "",
             "Every metric a scenario's `analysis:` may name, with its definition and textbook source (its "
             "docstring) and the tests that check it on synthetic data with a known answer (and against the "
             "field's library where there is one: Elephant for spike-train statistics).", ""]
    for name, entry in METRICS.bundled().items():
        doc = inspect.getdoc(entry.obj) or ""
        module = entry.obj.__module__.replace("attnsim.", "sim/").replace(".", "/") + ".py"
        tests = _tests_naming(name)
        lines += [f"## `{name}`", "", entry.summary, "", f"Defined in `{module}`.", ""]
        if doc:
            lines += ["```text", doc, "```", ""]
        lines += ["Tests: " + (", ".join(f"`{t}`" for t in tests) if tests else "none name it directly"), ""]
    _write(os.path.join(OUT, "metrics.md"), "\n".join(lines))


def _fenced(lang: str, text: str) -> list[str]:
    """A fenced block that no backtick run inside `text` can close early."""
    import re
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return [fence + lang, text.rstrip(), fence]


def _run_tutorial(script: str, folder: str) -> tuple[int, str, list[str], float]:
    import time
    env = dict(os.environ, MPLBACKEND="Agg", ATTNSIM_TUTORIAL_OUT=folder, PYTHONPATH=ROOT)
    start = time.monotonic()
    proc = subprocess.run([sys.executable, script], cwd=folder, env=env, capture_output=True, text=True)
    wall = time.monotonic() - start
    figures = sorted(glob.glob(os.path.join(folder, "*.png")))   # what the script saved at its top level
    return proc.returncode, (proc.stdout + proc.stderr)[-6000:], figures, wall


def write_tutorials(run: bool) -> list[str]:
    names = []
    out_dir = os.path.join(OUT, "tutorials")
    for script in sorted(glob.glob(os.path.join(ROOT, "examples", "tutorials", "*.py"))):
        name = os.path.splitext(os.path.basename(script))[0]
        source = open(script).read()
        module_doc = inspect.cleandoc(source.split('"""')[1]) if source.startswith('"""') else name
        title, _, intro = module_doc.partition("\n")
        code = source.split('"""', 2)[2].lstrip("\n") if source.startswith('"""') else source
        page = [f"# {title}", "", intro.strip(), "", f"Script: `examples/tutorials/{name}.py` "
                f"(run it with `python examples/tutorials/{name}.py`).", "", *_fenced("python", code), ""]
        if run:
            folder = tempfile.mkdtemp(prefix=f"attnsim-tutorial-{name}-")
            rc, output, figures, wall = _run_tutorial(script, folder)
            if rc != 0:
                raise RuntimeError(f"tutorial examples/tutorials/{name}.py failed (exit {rc}):\n{output}")
            page += [f"Output (run when these pages were built, {wall:.0f} s):", "", *_fenced("text", output), ""]
            fig_dir = os.path.join(out_dir, name)
            shutil.rmtree(fig_dir, ignore_errors=True)
            os.makedirs(fig_dir, exist_ok=True)
            for fig in figures:
                dest = os.path.join(fig_dir, os.path.basename(fig))
                shutil.copyfile(fig, dest)
                page += [f"![{os.path.basename(fig)}]({name}/{os.path.basename(fig)})", ""]
            shutil.rmtree(folder, ignore_errors=True)
        else:
            page += ["*Not run in this build (ATTNSIM_DOCS_RUN_TUTORIALS=0).*", ""]
        _write(os.path.join(out_dir, f"{name}.md"), "\n".join(page))
        names.append(name)
    index = ["# Tutorials", "", "Each page is a script of `examples/tutorials/`, run when the documentation is built, "
             "with what it printed and the figures it drew.", "", "```{toctree}", ":maxdepth: 1", "", *names, "```", ""]
    _write(os.path.join(out_dir, "index.md"), "\n".join(index))
    return names


def generate(app=None) -> None:
    write_model_cards()
    write_scenario_reference()
    write_metrics()
    write_tutorials(run=os.environ.get("ATTNSIM_DOCS_RUN_TUTORIALS", "1") != "0")


def setup(app):
    app.connect("builder-inited", generate)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
