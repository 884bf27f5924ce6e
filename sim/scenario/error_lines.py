"""Pydantic's validation errors as scenario lines: `file:line: dotted.key: what is wrong`.

An unknown key lists the valid keys of the mapping it sits in (found by walking the schema to
that mapping, through the task's Spec or a model's params schema), a missing key says so, and
any other error shows the value it got. The line comes from the YAML reader (yaml_lines.py).
"""
from __future__ import annotations

import typing

from pydantic import BaseModel, ValidationError

from attnsim.scenario.overrides import dotted
from attnsim.scenario.schema import Scenario
from attnsim.scenario.yaml_lines import LinedDocument


def _model_at(loc: tuple, data, root: type[BaseModel] = Scenario) -> type[BaseModel] | None:
    """The pydantic model class that validates the mapping at `loc` below `root` (None if not a model)."""
    tp: typing.Any = root
    node = data
    for part in loc:
        tp = _unwrap(tp, node)
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            if part not in tp.model_fields:
                return None
            tp = tp.model_fields[part].annotation
        elif typing.get_origin(tp) in (list, tuple):
            tp = typing.get_args(tp)[0]
        else:
            return None
        node = node[part] if isinstance(node, (dict, list)) and _has(node, part) else None
    tp = _unwrap(tp, node)
    return tp if isinstance(tp, type) and issubclass(tp, BaseModel) else None


def _has(node, part) -> bool:
    if isinstance(node, dict):
        return part in node
    return isinstance(part, int) and 0 <= part < len(node)


def _unwrap(tp, node):
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin is typing.Union:
            options = [a for a in typing.get_args(tp) if a is not type(None)]
            kind = node.get("kind") if isinstance(node, dict) else None
            chosen = [a for a in options if isinstance(a, type) and issubclass(a, BaseModel)
                      and "kind" in a.model_fields and kind in typing.get_args(a.model_fields["kind"].annotation)]
            tp = chosen[0] if chosen else options[0]
        else:
            return tp


def format_errors(err: ValidationError, doc: LinedDocument, prefix: tuple = (), data=None,
                   root: type[BaseModel] | None = None, node=None) -> list[str]:
    """One line per pydantic error. `prefix`: where the validated mapping sits in the scenario;
    `root`, `node`: the model that validated it and the mapping (to list the valid keys of a
    nested model), else `data`: the valid keys at the top of the mapping."""
    out = []
    for e in err.errors():
        rel = tuple(e["loc"])
        loc = prefix + rel
        msg = e["msg"]
        etype = e["type"]
        if etype == "extra_forbidden":
            if root is not None:
                cls = _model_at(rel[:-1], node, root)
                valid = sorted(cls.model_fields) if cls is not None else None
            elif prefix:
                valid = sorted(data) if data is not None else None
            else:
                cls = _model_at(loc[:-1], doc.data)
                valid = sorted(cls.model_fields) if cls is not None else None
            msg = "unknown key" + (f"; valid keys: {', '.join(valid)}" if valid else "")
        elif etype == "missing":
            msg = "required key is missing"
        else:
            got = e.get("input")
            if not isinstance(got, (dict, list)) and "got" not in msg:
                msg += f" (got {got!r})"
        out.append(f"{doc.path}:{doc.line_of(loc) or '?'}: {dotted(loc)}: {msg}")
    return out
