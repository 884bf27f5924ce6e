"""Model cards: one Markdown page per model family, generated from the code so it cannot drift.

A card is built from what a family class already declares (models/base.py):

- its registry summary, `kind`, `capabilities` and `paper`;
- the module and class docstrings, which hold the equations (shown verbatim);
- the `Params` dataclass: one row per field with its unit (read from the name's suffix, `tau_ms`
  -> ms, as the project names parameters at boundaries), default, rule and meaning (the `param(...)`
  doc); where a field's metadata has `paper` (the published value it departs from), that column too;
- `departures` (optional class attribute: a sequence of strings, each "what differs from the
  paper, and why"); a family without it says so rather than claiming none;
- the validation rows it is checked against, with the verdicts and intervals of the bundled
  validation runs whose stored summaries are given (docs/validation/*.json, written by
  `python docs/record_validation.py RUN_DIR ...`).

The same function serves a user's plugin class: ``model_card(MyModel)``.
"""
from __future__ import annotations

import dataclasses
import inspect
import re
import sys

from attnsim.models.base import capabilities_of, kind_of
from attnsim.models.params import describe_params

# parameter-name suffix -> unit (the project's naming rule: units in the name at boundaries)
_UNITS = {"ms": "ms", "s": "s", "hz": "Hz", "Hz": "Hz", "khz": "kHz", "mV": "mV", "mv": "mV", "nS": "nS",
          "ns": "nS", "pA": "pA", "pa": "pA", "nA": "nA", "pF": "pF", "pf": "pF", "uS": "uS", "MOhm": "MOhm",
          "deg": "deg", "mM": "mM", "um": "um", "mm": "mm"}


def unit_of(name: str) -> str:
    """The unit a parameter name carries in its suffix: "tau_AMPA_ms" -> "ms",
    "J_ext_nA_per_hz" -> "nA/Hz"; "" when the name carries none (a dimensionless parameter)."""
    parts = name.split("_")
    if len(parts) >= 4 and parts[-2] == "per" and parts[-3] in _UNITS and parts[-1] in _UNITS:
        return f"{_UNITS[parts[-3]]}/{_UNITS[parts[-1]]}"
    return _UNITS.get(parts[-1], "") if len(parts) > 1 else ""


def _cell(value, quote: bool = False) -> str:
    text = repr(value) if quote and isinstance(value, str) else str(value)
    return text.replace("|", "\\|").replace("\n", " ")


def _rule(row: dict) -> str:
    parts = [f"{sym} {row[key]}" for key, sym in (("gt", ">"), ("ge", ">="), ("lt", "<"), ("le", "<="))
             if row.get(key) is not None]
    if row.get("choices") is not None:
        parts.append("one of " + ", ".join(map(str, row["choices"])))
    return ", ".join(parts)


def parameter_rows(cls) -> list[dict]:
    """One dict per field of `cls.Params`: name, unit, default, rule, meaning, paper (or "")."""
    params = getattr(cls, "Params", None)
    if params is None or not dataclasses.is_dataclass(params):
        return []
    rows = []
    for row in describe_params(params):
        rows.append({"name": row["name"], "unit": unit_of(row["name"]), "default": row["default"],
                     "rule": _rule(row), "meaning": row.get("doc") or "", "paper": row.get("paper", "")})
    return rows


def _validation_section(family: str | None, summaries: list[dict]) -> list[str]:
    """One table per stored run that has models of `family`, headed by how the run was made."""
    out = []
    for summary in summaries:
        models = {m for m, info in summary.get("models", {}).items() if info.get("family") == family}
        rows = []
        for e in summary.get("expectations", []):
            if e.get("model") not in models:
                continue
            found = re.findall(r"rows? (\d+(?:(?:,| and| to|-) ?\d+)*)", e.get("source") or "")
            row = ", ".join(found) if found else "-"
            est = e.get("estimate", e.get("value"))
            interval = "" if e.get("ci_lo") is None else f" [{e['ci_lo']:.3g}, {e['ci_hi']:.3g}]"
            where = e.get("group") or e.get("condition") or ""
            verdict = e.get("verdict", "")
            if e.get("known_deviation"):
                verdict += " (known deviation)"
            elif e.get("calibration") and "calibration" not in verdict:
                verdict += " (calibration)"
            value = "n/a" if est is None else f"{est:.3g}{interval}"
            seeds = f", {e['n_seeds']} seeds" if e.get("n_seeds") else ""
            rows.append(f"| {row} | {e['metric']} {where} | {e.get('rule', '')} {_cell(e.get('range', ''))} "
                        f"| {value} (n={e.get('n_trials')}{seeds}) | {verdict} |")
        if not rows:
            continue
        how = "as written" if not summary.get("overrides") else \
            "REDUCED: " + ", ".join(f"`{o}`" for o in summary["overrides"])
        out += [f"**{summary.get('file') or summary.get('scenario')}** (run {summary.get('started') or '?'}; "
                f"{how})", "",
                "| row | measure | rule, range | estimate [95 % interval] | verdict |", "|---|---|---|---|---|",
                *rows, ""]
    return out or ["No stored validation run checks this family yet."]


def model_card(cls, name: str | None = None, summary: str = "", validation: list[dict] | None = None) -> str:
    """The Markdown card of model family `cls` (a bundled family or a user's plugin class).

    name: the name a scenario uses (default: `cls.registry_name`, else the class name);
    summary: one line (default: the class docstring's first line);
    validation: stored run summaries (dicts with "scenario", "models", "expectations") whose
    expectations on models of this family fill the validation table.
    """
    name = name or getattr(cls, "registry_name", None) or cls.__name__
    class_doc = inspect.getdoc(cls) or ""
    summary = summary or (class_doc.splitlines()[0] if class_doc else "")
    module = sys.modules.get(cls.__module__)
    module_doc = (inspect.getdoc(module) or "") if module is not None else ""
    caps = sorted(capabilities_of(cls))
    lines = [f"# `{name}`", "", summary, "",
             f"- kind: {kind_of(cls)}",
             f"- capabilities: {', '.join(caps) if caps else 'none'}",
             f"- paper: {getattr(cls, 'paper', '') or 'not declared'}",
             f"- class: `{cls.__module__}.{cls.__qualname__}`", ""]
    if module_doc:
        lines += ["## Model and equations", "", "```text", module_doc, "```", ""]
    if class_doc and class_doc.strip() != summary.strip():
        lines += ["## The family", "", "```text", class_doc, "```", ""]
    rows = parameter_rows(cls)
    lines += ["## Parameters", ""]
    if rows:
        paper_col = any(r["paper"] not in ("", None) for r in rows)
        head = "| name | unit | default | rule | meaning |" + (" paper |" if paper_col else "")
        lines += [head, "|---" * (5 + paper_col) + "|"]
        for r in rows:
            cells = [f"`{r['name']}`", r["unit"], _cell(r["default"], quote=True), r["rule"], _cell(r["meaning"])]
            if paper_col:
                cells.append(_cell(r["paper"]))
            lines.append("| " + " | ".join(cells) + " |")
    else:
        lines.append("No `Params` dataclass.")
    lines += ["", "## Departures from the paper", ""]
    departures = getattr(cls, "departures", None)
    if departures:
        lines += [f"- {d}" for d in departures]
    else:
        lines.append("None declared in a `departures` attribute; the docstrings above say where the "
                     "model follows or leaves its paper.")
    lines += ["", "## Validation", "", *_validation_section(getattr(cls, "registry_name", name), validation or [])]
    return "\n".join(lines) + "\n"
