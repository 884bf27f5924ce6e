"""Scenario values set by dotted key: `--set task.n_trials=20`, `overrides={...}` and sweep points.

A key is a dotted path into the scenario mapping (`models.0.params.w_plus`: a digit indexes a
list); the value is read as YAML (`20` an int, `[1, 2]` a list, `null` None). Missing mappings
on the way are created, so a key may set a default the file left out.
"""
from __future__ import annotations

import yaml

from attnsim.errors import ScenarioError


def dotted(loc) -> str:
    """`loc` (a key path such as ("models", 0, "params")) as a scenario line names it: models[0].params."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def apply_override(data: dict, item: str) -> None:
    """Set `item` ("dotted.key=value") in the scenario mapping `data`, in place; ScenarioError
    for an item that is not key=value or a path through a list without an index."""
    if "=" not in item:
        raise ScenarioError([f"--set {item}: expected dotted.key=value (e.g. task.n_trials=20)"])
    key, raw = item.split("=", 1)
    try:
        value = yaml.safe_load(raw)
    except yaml.YAMLError:
        value = raw
    parts = [int(p) if p.isdigit() else p for p in key.strip().split(".")]
    node = data
    for i, part in enumerate(parts[:-1]):
        if isinstance(node, list):
            if not isinstance(part, int) or part >= len(node):
                raise ScenarioError([f"--set {item}: {dotted(parts[:i + 1])} is not an index of a list of {len(node)}"])
            node = node[part]
        else:
            if part not in node or node[part] is None:
                node[part] = {}
            node = node[part]
    if isinstance(node, list) and not isinstance(parts[-1], int):
        raise ScenarioError([f"--set {item}: {dotted(parts[:-1])} is a list; use an index"])
    node[parts[-1]] = value
