"""Load a scenario file: YAML (safe) -> overrides -> schema -> cross-references.

The `task:` block is validated in two steps: its `kind` is looked up in the task registry
(`attnsim.registries.TASKS`: a bundled name, an installed entry point, or an outside
`package.module:Class` found through `plugin_path`), then the block is validated with that
task's `Spec`; `Scenario.task` is then the Spec instance.

Every problem becomes one line `file:line: dotted.key: what is wrong; what
was expected / the valid choices` (pydantic's errors through error_lines.py). All problems
found are reported together. Values set by `--set` are applied by overrides.py, and a sweep's
points are expanded by sim/sweep.py, then each validated here before anything runs.
"""
from __future__ import annotations

import copy
import os
from dataclasses import asdict

from pydantic import ValidationError

from attnsim.errors import ScenarioError
from attnsim.scenario.error_lines import format_errors
from attnsim.scenario.overrides import apply_override, dotted
from attnsim.scenario.schema import Scenario
from attnsim.scenario.yaml_lines import LinedDocument, load_yaml
from attnsim.sweep import point_data, sweep_points


def _validate_task(block, doc: LinedDocument, search_path: tuple[str, ...]):
    """(the task's Spec instance or None, error lines) for a scenario's `task:` mapping."""
    from attnsim.errors import PluginError
    from attnsim.registries import TASKS
    from attnsim.models.registry import is_reference
    from attnsim.tasks import task_class

    def line(loc):
        return f"{doc.path}:{doc.line_of(loc) or '?'}: {dotted(loc)}"

    def valid_kinds():
        return ", ".join(TASKS.names())

    if not isinstance(block, dict):
        return None, [f"{line(('task',))}: must be a mapping with a 'kind' key (got {block!r}); "
                      f"valid kinds: {valid_kinds()}"]
    if "kind" not in block:
        return None, [f"{line(('task',))}: required key 'kind' is missing; valid kinds: {valid_kinds()}"]
    kind = block["kind"]
    try:
        cls = task_class(kind, search_path)
    except PluginError as e:
        if not isinstance(kind, str) or not kind:
            msg = f"must be a task name (got {kind!r}); valid kinds: {valid_kinds()}"
        elif not is_reference(kind) and kind not in TASKS.names():
            msg = f"unknown task kind {kind!r}; valid kinds: {valid_kinds()} (or an outside one as package.module:Class)"
        else:
            msg = str(e) if repr(kind) in str(e) else f"task kind {kind!r}: {e}"
        return None, [f"{line(('task', 'kind'))}: {msg}"]
    try:
        return cls.Spec.model_validate(block), []
    except ValidationError as e:
        return None, format_errors(e, doc, prefix=("task",), root=cls.Spec, node=block)


def _check_models(scn: Scenario, doc: LinedDocument) -> tuple[list[str], dict[str, dict]]:
    search_path = tuple(scn.plugin_path)
    from attnsim.errors import ParamError, PluginError
    from attnsim.models.registry import load_family
    from attnsim.scenario.params_schema import params_model

    errors, resolved = [], {}
    seen = {}
    for i, m in enumerate(scn.models):
        if m.name in seen:
            errors.append(f"{doc.path}:{doc.line_of(('models', i, 'name'))}: models[{i}].name: duplicate model name "
                          f"{m.name!r} (also models[{seen[m.name]}])")
        seen[m.name] = i
        try:
            cls = load_family(m.family, search_path)
        except PluginError as e:
            errors.append(f"{doc.path}:{doc.line_of(('models', i, 'family'))}: models[{i}].family: {e}")
            continue
        where = f"{doc.path}:{doc.line_of(('models', i, 'params'))}: models[{i}].params"
        try:
            schema = params_model(cls.Params)
        except Exception as e:  # noqa: BLE001 (an outside Params class the schema cannot read)
            errors.append(f"{where}: cannot read the parameters of family {m.family!r} from its Params class "
                          f"({type(e).__name__}: {e})")
            continue
        try:
            validated = schema.model_validate(m.params)
        except ValidationError as e:
            errors += format_errors(e, doc, prefix=("models", i, "params"), data=schema.model_fields)
            continue
        try:
            params = cls.Params(**validated.model_dump())
            resolved[m.name] = asdict(params)
        except ParamError as e:
            errors.append(f"{doc.path}:{doc.line_of(('models', i, 'params', e.field))}: "
                          f"models[{i}].params.{e.field}: {e.rule}")
        except Exception as e:  # noqa: BLE001 (an outside Params class's own check, whatever it raises)
            errors.append(f"{where}: family {m.family!r} refused these parameters: {type(e).__name__}: {e}")
    return errors, resolved


def _unknown_part(registry, name: str, search_path: tuple[str, ...]) -> str | None:
    """None when `registry` resolves `name`, else what is wrong, worded for a scenario line:
    "unknown metric 'x'; valid metrics: a, b, ..." (the valid names from PluginError.choices),
    or the PluginError's own text for an outside part that cannot be used."""
    from attnsim.errors import PluginError
    from attnsim.models.registry import is_reference
    try:
        registry.get(name, search_path)
    except PluginError as e:
        if isinstance(name, str) and name and not is_reference(name) and name not in registry.names():
            return (f"unknown {registry.kind} {name!r}; valid {registry.kind}s: {', '.join(e.choices) or 'none'} "
                    "(or an outside one as package.module:Name)")
        return str(e)
    return None


def _check_references(scn: Scenario, doc: LinedDocument) -> list[str]:
    from attnsim.analysis.conditions import condition_groups
    from attnsim.registries import FIGURES, METRICS
    from attnsim.tasks import build_trials, n_cells

    search_path = tuple(scn.plugin_path)
    errors = []
    for key, names, registry in (("analysis", scn.analysis, METRICS), ("figures", scn.figures, FIGURES)):
        for i, name in enumerate(names):
            problem = _unknown_part(registry, name, search_path)
            if problem:
                errors.append(f"{doc.path}:{doc.line_of((key, i))}: {key}[{i}]: {problem}")
    try:
        probe = build_trials(scn.task, seed=0, n_trials=n_cells(scn.task))
        labels = sorted(condition_groups(probe))
    except (KeyboardInterrupt, MemoryError):
        raise
    except Exception as e:  # noqa: BLE001 (an outside task may raise anything)
        errors.append(f"{doc.path}:{doc.line_of(('task', 'kind'))}: task.kind: task {scn.task.kind!r} could not "
                      f"build trials: {type(e).__name__}: {e}")
        probe, labels = None, None
    if probe is not None:  # each family reads the input channels the task gives (models/base.py input_channels)
        from attnsim.models.base import input_channels_problem
        from attnsim.models.registry import load_family
        for i, m in enumerate(scn.models):
            problem = input_channels_problem(load_family(m.family, search_path), tuple(probe.channels),
                                             task=f"task {scn.task.kind!r}")
            if problem:
                errors.append(f"{doc.path}:{doc.line_of(('models', i, 'family'))}: models[{i}].family: family "
                              f"{m.family!r} {problem}")
    if scn.sweep is not None and any(k == "task" or k.startswith("task.") for k in scn.sweep.grid):
        labels = None  # the task changes across points: conditions are checked per point at run time
    names = [m.name for m in scn.models]
    for i, ex in enumerate(scn.expect):
        where = ("expect", i)
        if ex.model not in names:
            errors.append(f"{doc.path}:{doc.line_of(where + ('model',))}: expect[{i}].model: no model named "
                          f"{ex.model!r}; models: {', '.join(names)}")
        problem = _unknown_part(METRICS, ex.metric, search_path)
        if problem:
            errors.append(f"{doc.path}:{doc.line_of(where + ('metric',))}: expect[{i}].metric: {problem}")
        if labels is not None and ex.condition not in labels:
            errors.append(f"{doc.path}:{doc.line_of(where + ('condition',))}: expect[{i}].condition: no condition "
                          f"{ex.condition!r} in this task; valid conditions: {', '.join(labels)}")
    return errors


def _validate(data: dict, doc: LinedDocument, loc_prefix: tuple = ()):
    msgs, scn = [], None
    try:
        scn = Scenario.model_validate(data)
    except ValidationError as e:
        msgs = format_errors(e, doc)
    given = scn.plugin_path if scn is not None else data.get("plugin_path") if isinstance(data, dict) else None
    if not (isinstance(given, list) and all(isinstance(f, str) for f in given)):
        given = []
    search_path = plugin_path(given, doc.path)
    task = None
    if isinstance(data, dict) and "task" in data:
        task, task_msgs = _validate_task(data["task"], doc, tuple(search_path))
        msgs += task_msgs
    if msgs:
        if loc_prefix:  # a sweep point: report it at the sweep key that produced it
            where = f"{doc.path}:{doc.line_of(loc_prefix)}: {dotted(loc_prefix)}"
            msgs = [f"{where}: in this sweep point: " + m.split(": ", 1)[1] for m in msgs]
        raise ScenarioError(msgs) from None
    # each step makes a new Scenario from the one before: a validated object is never changed
    scn = scn.model_copy(update={"task": task, "plugin_path": search_path})
    errors, params = _check_models(scn, doc)
    if not errors:
        errors = _check_references(scn, doc)
    if errors:
        raise ScenarioError(errors)
    scn = scn.model_copy(update={"models": [m.model_copy(update={"params": params[m.name]}) for m in scn.models]})
    return scn, scn.model_dump(mode="json")


def plugin_path(given: list[str], scenario_path: str) -> list[str]:
    """Absolute folders searched for outside parts ('module:Name'): the given ones (relative to the
    scenario file), then the scenario file's folder, then the working directory."""
    base = os.path.dirname(os.path.abspath(scenario_path)) if os.path.isfile(scenario_path) else os.getcwd()
    out = []
    for folder in [*given, base, os.getcwd()]:
        folder = os.path.normpath(os.path.join(base, os.path.expanduser(folder)))
        if folder not in out:
            out.append(folder)
    return out


def validate_point(resolved: dict, values: dict, seed: int, doc: LinedDocument | None = None):
    doc = doc or LinedDocument(data=resolved, lines={}, path="<sweep point>")
    data = point_data(resolved, values, seed)
    return _validate(data, doc, loc_prefix=("sweep", "grid", next(iter(values))) if values else ())


def load_file(path: str, overrides: list[str] | None = None, seed: int | None = None):
    """(Scenario, resolved dict with every default filled in) of a scenario file, or ScenarioError.
    The public loader is attnsim.load_scenario (sim/api.py), which returns the Scenario."""
    if not os.path.exists(path):
        raise ScenarioError([f"{path}: no such file"])
    if os.path.isdir(path):
        raise ScenarioError([f"{path}: is a directory; expected a scenario .yaml file"])
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except (OSError, UnicodeDecodeError) as e:
        raise ScenarioError([f"{path}: cannot read the file ({e})"]) from None
    return load_document(load_yaml(text, path), overrides, seed)


def load_document(doc: LinedDocument, overrides: list[str] | None = None, seed: int | None = None):
    """(Scenario, resolved dict) of a parsed scenario (a file's, or a plain dict wrapped as
    `LinedDocument(data=d, lines={}, path="<scenario dict>")`), or ScenarioError."""
    data = copy.deepcopy(doc.data)
    for item in overrides or []:
        apply_override(data, item)
    if seed is not None:
        data["seed"] = seed
    scn, resolved = _validate(data, doc)
    if scn.sweep is not None:
        # every point must be a valid scenario before anything runs
        for values, s in sweep_points(resolved):
            for key in values:
                _check_sweep_key(key, resolved, doc)
            validate_point(resolved, values, s, doc)
    return scn, resolved


def _check_sweep_key(key: str, resolved: dict, doc: LinedDocument) -> None:
    """A sweep key must name a value that exists in the resolved scenario (defaults included)."""
    node = resolved
    for part in key.split("."):
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            raise ScenarioError([f"{doc.path}:{doc.line_of(('sweep', 'grid', key))}: sweep.grid.{key}: "
                                 f"no such key in the scenario (sweep keys are dotted paths such as "
                                 f"task.timing.delay, models.0.params.w_plus or task)"])
