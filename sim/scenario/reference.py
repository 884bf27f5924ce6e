"""The scenario reference, generated from the schema so it cannot drift from what is accepted.

`scenario_reference()` walks the pydantic models a scenario file is validated with (the top level,
models, expectations, sweeps, run options, and every registered task's `Spec`) and writes one table
per block: key, type (with its unit: durations are in ms and accept "200 ms" or "0.2 s", rates in
Hz), default, constraint, and meaning. The meaning is the field's `description` if it has one,
else the comment written beside the field in the schema's source, else the class docstring says it.
Each task kind ends with an example `task:` block taken from a bundled scenario that uses it.
"""
from __future__ import annotations

import glob
import inspect
import io
import os
import tokenize
import typing

import yaml
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from attnsim.spec import quantities

_QUANTITY_NAMES = {id(getattr(quantities, n)): n for n in dir(quantities) if not n.startswith("_")}
# pydantic keeps an Annotated field's validators in FieldInfo.metadata: find a quantity by them
_QUANTITY_BY_VALIDATOR = {id(v): n for n in dir(quantities) if not n.startswith("_")
                          for v in typing.get_args(getattr(quantities, n))[1:]}
_QUANTITY_TEXT = {"DurationMs": "duration, ms (>= 0; '200 ms', '0.2 s' or a number in ms)",
                  "PositiveDurationMs": "duration, ms (> 0; '200 ms', '0.2 s' or a number in ms)",
                  "RateHz": "rate, Hz (>= 0; '5 Hz' or a number in Hz)"}


def _field_type_text(info: FieldInfo) -> str:
    for meta in info.metadata:
        name = _QUANTITY_BY_VALIDATOR.get(id(meta))
        if name:
            return _QUANTITY_TEXT.get(name, name)
    return _type_text(info.annotation)


def _type_text(annotation) -> str:
    name = _QUANTITY_NAMES.get(id(annotation))
    if name:
        return _QUANTITY_TEXT.get(name, name)
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        for meta in args[1:]:
            if id(meta) in _QUANTITY_BY_VALIDATOR:
                return _QUANTITY_TEXT.get(_QUANTITY_BY_VALIDATOR[id(meta)], _QUANTITY_BY_VALIDATOR[id(meta)])
        return _type_text(args[0])
    if origin is typing.Literal:
        return "one of " + ", ".join(repr(a) for a in args)
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        parts = [_type_text(a) for a in args if a is not type(None)]
        return " or ".join(parts) + (" or null" if type(None) in args else "")
    if origin in (list, tuple):
        inner = ", ".join(_type_text(a) for a in args if a is not Ellipsis) or "value"
        return f"list of {inner}" if origin is list else f"pair ({inner})"
    if origin is dict:
        return "mapping"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return f"block ({annotation.__name__}, below)"
    return getattr(annotation, "__name__", str(annotation)).replace("typing.", "")


def _constraint_text(info: FieldInfo) -> str:
    parts = []
    for meta in info.metadata:
        for attr, sym in (("gt", ">"), ("ge", ">="), ("lt", "<"), ("le", "<="), ("min_length", "length >="),
                          ("max_length", "length <=")):
            value = getattr(meta, attr, None)
            if value is not None:
                parts.append(f"{sym} {value}")
    return ", ".join(parts)


def _default_text(info: FieldInfo) -> str:
    if info.default is not PydanticUndefined:
        value = info.default
    elif info.default_factory is not None:
        try:
            value = info.default_factory()
        except TypeError:
            return "(computed)"
    else:
        return "**required**"
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json")
    return f"`{value!r}`" if not isinstance(value, str) else f"`{value}`"


def field_comments(cls) -> dict[str, str]:
    """Field name -> the comment written on its line (or the comment lines just above it) in `cls`'s source."""
    try:
        source = inspect.getsource(cls)
    except (OSError, TypeError):
        return {}
    out: dict[str, str] = {}
    pending: list[str] = []
    lines = source.splitlines()
    tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    comment_on = {tok.start[0]: tok.string.lstrip("#").strip() for tok in tokens if tok.type == tokenize.COMMENT}
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if stripped.startswith("#"):
            pending.append(comment_on.get(number, ""))
            continue
        head = stripped.split(":", 1)[0].strip()
        if ":" in stripped and head.isidentifier() and not stripped.startswith(("def ", "class ", "@", "return")):
            text = comment_on.get(number, "")
            out[head] = " ".join([*pending, text]).strip()
        pending = []
    return out


def block_table(cls, title: str) -> list[str]:
    """A Markdown section for pydantic model `cls`: its docstring and one row per key."""
    comments = {}
    for klass in reversed(cls.__mro__):
        if isinstance(klass, type) and issubclass(klass, BaseModel) and klass is not BaseModel:
            # a subclass that re-declares a field (to narrow `kind` or change a default) without a comment
            # keeps its base's meaning; one with a comment replaces it
            comments.update({name: text for name, text in field_comments(klass).items() if text})
    doc = inspect.cleandoc(cls.__dict__["__doc__"]) if cls.__dict__.get("__doc__") else ""
    lines = [f"### {title}", ""]
    if doc:
        lines += ["```text", doc, "```", ""]
    lines += ["| key | type | default | constraint | meaning |", "|---|---|---|---|---|"]
    nested = []
    for name, info in cls.model_fields.items():
        meaning = info.description or comments.get(name, "")
        lines.append(f"| `{name}` | {_field_type_text(info)} | {_default_text(info)} | {_constraint_text(info)} "
                     f"| {meaning.replace('|', '/')} |")
        for sub in _models_in(info.annotation):
            nested.append(sub)
    lines.append("")
    for sub in dict.fromkeys(nested):
        lines += block_table(sub, f"{title} / {sub.__name__}")
    return lines


def _models_in(annotation):
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        return
    for arg in typing.get_args(annotation):
        yield from _models_in(arg)


def _example_task_block(kind: str, scenarios_dir: str) -> str | None:
    for path in sorted(glob.glob(os.path.join(scenarios_dir, "**", "*.yaml"), recursive=True)):
        with open(path) as fh:
            try:
                data = yaml.safe_load(fh)
            except yaml.YAMLError:
                continue
        task = data.get("task") if isinstance(data, dict) else None
        if isinstance(task, dict) and task.get("kind") == kind:
            rel = os.path.relpath(path, os.path.dirname(scenarios_dir))
            return f"From `{rel}`:\n\n```yaml\n" + yaml.safe_dump({"task": task}, sort_keys=False) + "```\n"
    return None


def scenario_reference(scenarios_dir: str | None = None) -> str:
    """The whole reference as Markdown: top-level blocks, then one section per registered task kind."""
    from attnsim.registries import TASKS
    from attnsim.scenario.schema import Scenario

    if scenarios_dir is None:
        scenarios_dir = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "..", "scenarios")
        scenarios_dir = os.path.normpath(scenarios_dir)
    out = ["# Scenario reference", "",
           "Generated from the schema (`attnsim.scenario.schema` and each task's `Spec`) by "
           "`attnsim.scenario.reference`. Unknown keys are errors; durations and rates take units.", "",
           "## The file", ""]
    out += block_table(Scenario, "top level")
    out += ["## Tasks (`task:`)", "", "The `kind` key chooses the task; the other keys depend on it.", ""]
    for name, entry in TASKS.bundled().items():
        spec = getattr(entry.obj, "Spec", None)
        if spec is None:
            continue
        out += [f"## task kind `{name}`", "", entry.summary, ""]
        out += block_table(spec, f"`{name}`")
        example = _example_task_block(name, scenarios_dir)
        out += [example if example else "No bundled scenario uses this task yet.", ""]
    return "\n".join(out) + "\n"
