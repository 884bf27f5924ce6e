"""Every code block of the README runs as written, or says why not.

A block preceded by `<!-- not run by tests/run/test_readme_snippets.py: REASON -->` is skipped
with its reason (fragments, listings, cluster set-ups); every other block is run:

- python: piped to `python -` in an empty folder, as a reader pasting it would;
- bash: its `attnsim ...` lines in an empty folder (the venv and pip lines are the install
  this suite already runs in);
- yaml: a whole scenario, checked with `attnsim validate`.

The excerpt of sim/analysis/decision_rate.py must be a verbatim part of that file.
"""
import os
import re
import shlex
import subprocess
import sys

import pytest
import yaml

from tests.conftest import ROOT

NOT_RUN = re.compile(r"<!-- not run by tests/run/test_readme_snippets.py: (.+?) -->")


def readme_blocks() -> list[dict]:
    """[{line, lang, text, not_run}] of the README's fenced code blocks."""
    lines = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read().split("\n")
    blocks, i = [], 0
    while i < len(lines):
        m = re.match(r"^```(\w*)\s*$", lines[i])
        if not m:
            i += 1
            continue
        j = i + 1
        while not lines[j].startswith("```"):
            j += 1
        reason = NOT_RUN.search(lines[i - 1]) if i else None
        blocks.append({"line": i + 1, "lang": m.group(1), "text": "\n".join(lines[i + 1:j]) + "\n",
                       "not_run": reason.group(1) if reason else None})
        i = j + 1
    return blocks


BLOCKS = readme_blocks()
RUN = [b for b in BLOCKS if b["not_run"] is None]


def _id(b):
    return f"README.md:{b['line']}:{b['lang'] or 'text'}"


def test_every_block_is_run_or_says_why_not():
    unrunnable = [_id(b) for b in RUN if b["lang"] not in ("python", "bash", "yaml")]
    assert not unrunnable, f"blocks that no runner takes and no marker explains: {unrunnable}"
    assert len(RUN) >= 3


def test_the_decision_rate_excerpt_is_the_file():
    excerpt = [b for b in BLOCKS if "decision_rate.py" in (b["not_run"] or "")]
    assert len(excerpt) == 1
    source = open(os.path.join(ROOT, "sim", "analysis", "decision_rate.py"), encoding="utf-8").read()
    # lines with "..." are shortened in the README; every other line is the file's own
    missing = [line for line in excerpt[0]["text"].strip().split("\n") if "..." not in line and line not in source]
    assert not missing, f"README lines not in sim/analysis/decision_rate.py: {missing}"


def _attnsim_lines(text: str) -> list[str]:
    out = []
    for line in text.split("\n"):
        line = line.split("#", 1)[0].strip()
        if line.startswith("attnsim "):
            out.append(line)
    return out


@pytest.mark.parametrize("block", RUN, ids=_id)
def test_block_runs_as_written(block, tmp_path):
    if block["lang"] == "python":
        r = subprocess.run([sys.executable, "-"], input=block["text"], capture_output=True, text=True,
                           cwd=tmp_path, timeout=1200)
        assert r.returncode == 0, f"{_id(block)}\n{r.stderr[-4000:]}"
    elif block["lang"] == "bash":
        commands = _attnsim_lines(block["text"])
        assert commands, f"{_id(block)}: no attnsim command to run"
        for cmd in commands:
            argv = shlex.split(cmd)
            r = subprocess.run([sys.executable, "-m", "attnsim", *argv[1:]], capture_output=True, text=True,
                               cwd=tmp_path, timeout=1200)
            assert r.returncode == 0, f"{_id(block)}: {cmd}\n{r.stderr[-4000:]}"
            assert "Traceback" not in r.stderr
    else:
        doc = yaml.safe_load(block["text"])
        assert isinstance(doc, dict) and {"name", "task", "models"} <= set(doc), \
            f"{_id(block)}: not a whole scenario; mark it as a fragment"
        path = tmp_path / "scenario.yaml"
        path.write_text(block["text"])
        r = subprocess.run([sys.executable, "-m", "attnsim", "validate", str(path)], capture_output=True,
                           text=True, cwd=tmp_path, timeout=120)
        assert r.returncode == 0, f"{_id(block)}\n{r.stdout}{r.stderr}"
