"""Read YAML with the safe loader and remember the line of every key.

Errors later name `file:line` for any dotted key; a tag that would construct
a Python object, a duplicate key or a syntax error is reported with its line.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import yaml

from attnsim.errors import ScenarioError  # noqa: F401  (raised here; its home is attnsim.errors)


@dataclass
class LinedDocument:
    data: object
    lines: dict[tuple, int] = field(default_factory=dict)   # path -> 1-based line
    path: str = "<string>"

    def line_of(self, loc: tuple) -> int | None:
        """Line of the deepest existing prefix of `loc`."""
        loc = tuple(loc)
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return self.lines.get((), 1)


TOO_DEEP = ("the YAML nests too deeply to read (Python's recursion limit); "
            "a scenario needs only a few levels of nesting")
MAX_VALUES = 200_000   # a scenario holds hundreds of values; aliases must not expand past this


class _TooLarge(Exception):
    pass


def _walk(node, path: tuple, lines: dict, src: str, errors: list, budget: list):
    budget[0] -= 1
    if budget[0] < 0:
        raise _TooLarge
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen = {}
        for key_node, value_node in node.value:
            key = key_node.value
            if key in seen:
                errors.append(f"{src}:{key_node.start_mark.line + 1}: {'.'.join(map(str, path + (key,)))}: "
                              f"duplicate key (first at line {seen[key]})")
            seen[key] = key_node.start_mark.line + 1
            lines[path + (key,)] = key_node.start_mark.line + 1
            _walk(value_node, path + (key,), lines, src, errors, budget)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            lines[path + (i,)] = item.start_mark.line + 1
            _walk(item, path + (i,), lines, src, errors, budget)


def load_yaml(text: str, path: str = "<string>") -> LinedDocument:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.load(text, Loader=yaml.SafeLoader)  # noqa: S506 - SafeLoader is the safe loader
    except yaml.constructor.ConstructorError as e:
        mark = e.problem_mark
        line = mark.line + 1 if mark else "?"
        raise ScenarioError([f"{path}:{line}: {e.problem} (only plain YAML values are allowed; "
                             f"tags that build Python objects are refused)"]) from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = mark.line + 1 if mark else "?"
        problem = getattr(e, "problem", None) or str(e)
        raise ScenarioError([f"{path}:{line}: YAML syntax error: {problem}"]) from None
    except RecursionError:
        raise ScenarioError([f"{path}:?: {TOO_DEEP}"]) from None
    except MemoryError:
        raise ScenarioError([f"{path}:?: the YAML is too large to read into memory; "
                             "a scenario file is a few kilobytes"]) from None
    except Exception as e:  # noqa: BLE001 (whatever else the YAML library raises becomes a clean message)
        raise ScenarioError([f"{path}:?: cannot read the YAML ({type(e).__name__}: {e})"]) from None
    if node is None:
        raise ScenarioError([f"{path}:1: the file is empty; expected a mapping with keys name, seed, task, models"])
    lines: dict[tuple, int] = {}
    errors: list[str] = []
    try:
        _walk(node, (), lines, path, errors, [MAX_VALUES])
    except _TooLarge:
        raise ScenarioError([f"{path}:1: the YAML expands to more than {MAX_VALUES} values (aliases that "
                             "refer to aliases?); a scenario holds a few hundred"]) from None
    except RecursionError:
        raise ScenarioError([f"{path}:?: {TOO_DEEP}"]) from None
    if errors:
        raise ScenarioError(errors)
    if not isinstance(data, dict):
        raise ScenarioError([f"{path}:1: expected a mapping at the top level (name, seed, task, models, ...), "
                             f"got {type(data).__name__}"])
    return LinedDocument(data=data, lines=lines, path=path)
